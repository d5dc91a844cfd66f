package dev.cellscope.live.ring;

import static dev.cellscope.live.ring.RingCheck.FRAME;
import static dev.cellscope.live.ring.RingCheck.S;
import static dev.cellscope.live.ring.RingCheck.TWO_PORTS;
import static dev.cellscope.live.ring.RingCheck.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellscope.io.InterfaceStatistics;
import dev.cellscope.io.SectionInfo;
import dev.cellscope.live.ring.RingCheck.Content;
import dev.cellscope.live.ring.RingCheck.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Rotation, retention, names, statistics blocks and flushing of {@link RingWriter}, on a clock moved by hand. */
@Timeout(180)
class RingWriterTest {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private final Counters counters = new Counters();

    /** Counters that change at every call, remembering what they handed out, in order. */
    static final class Counters implements CaptureCounters.Source {
        final List<CaptureCounters> given = new ArrayList<>();

        @Override
        public synchronized CaptureCounters counters(int interfaceId) {
            long n = given.size() + 1;
            CaptureCounters c = new CaptureCounters(1000 * n + interfaceId, n, 2 * n + interfaceId,
                    interfaceId == 0 ? 900 * n : -1);
            given.add(c);
            return c;
        }
    }

    private RingWriter open(RingConfig config) {
        return RingWriter.open(config, SectionInfo.thisHost(), TWO_PORTS, counters, clock, false);
    }

    /** Writes packets seq from..to-1, alternating interfaces, the clock moving by {@code stepMillis} before each. */
    private void write(RingWriter ring, long from, long to, long stepMillis) {
        for (long i = from; i < to; i++) {
            clock.advanceMillis(stepMillis);
            assertTrue(ring.write((int) (i % 2), clock.wallNanos(), FRAME, frame(i)));
        }
    }

    /**
     * Every file reads cleanly in cellscope's reader and in tshark (same count), and ends with one
     * statistics block per interface carrying the counters handed out at its closing, in order.
     */
    private List<Content> checkFiles(List<Path> files) throws Exception {
        List<Content> contents = new ArrayList<>();
        for (int k = 0; k < files.size(); k++) {
            Path f = files.get(k);
            Content c = RingCheck.readClean(f);
            assertEquals(c.seqs().size(), RingCheck.tsharkCount(f), f.toString());
            assertEquals(List.of("veth-a", "veth-b"), c.interfaces().stream().map(i -> i.name()).toList());
            assertEquals(2, c.statistics().size(), f + ": one ISB per interface");
            for (int id = 0; id < 2; id++) {
                InterfaceStatistics isb = c.statistics().get(id);
                CaptureCounters given = counters.given.get(2 * k + id);
                assertEquals(id, isb.interfaceId());
                assertEquals(OptionalLong.of(given.received()), isb.received());
                assertEquals(OptionalLong.of(given.interfaceDrops()), isb.interfaceDrops());
                assertEquals(OptionalLong.of(given.osDrops()), isb.osDrops());
                assertEquals(InterfaceStatistics.known(given.filterAccepted()), isb.filterAccepted());
                assertEquals(OptionalLong.of(ManualClock.WALL0), isb.startNanos(), "counted from capture start");
                assertEquals(isb.endNanos(), OptionalLong.of(isb.timestampNanos()));
            }
            List<RingCheck.Block> blocks = RingCheck.blocks(f);
            assertEquals(List.of(5, 5), blocks.subList(blocks.size() - 2, blocks.size()).stream()
                    .map(RingCheck.Block::type).toList(), f + " ends with the ISBs");
            contents.add(c);
        }
        List<RingCheck.Info> infos = RingCheck.capinfos(files);
        for (int k = 0; k < files.size(); k++) {
            assertEquals(contents.get(k).seqs().size(), infos.get(k).packets());
            assertEquals(List.of(1, 1), infos.get(k).statEntries(), "Wireshark parses both ISBs of " + files.get(k));
        }
        return contents;
    }

    private static List<Long> seqs(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    @Test
    void rotatesByPacketCount() throws Exception {
        RingWriter ring = open(RingConfig.of(dir, "probe").withFilePackets(100));
        write(ring, 0, 450, 1);
        ring.close();
        List<Path> files = RingCheck.ringFiles(dir);
        assertEquals(5, files.size());
        List<Content> contents = checkFiles(files);
        for (int k = 0; k < 5; k++) {
            assertEquals(seqs(100L * k, Math.min(450, 100L * (k + 1))), contents.get(k).seqs(), "file " + k);
            assertEquals(List.of(0, 1), contents.get(k).interfaceIds().subList(0, 2));
        }
        RingStats stats = ring.stats();
        assertEquals(5, stats.filesClosed());
        assertEquals(450, stats.packetsWritten());
        long bytes = 0;
        for (Path f : files) bytes += Files.size(f);
        assertEquals(bytes, stats.bytesWritten());
        assertEquals(0, stats.packetsDroppedDisk());
        assertEquals(0, stats.writeErrors());
        assertTrue(stats.currentFile().isEmpty());
        assertTrue(!ring.write(0, 0, FRAME, frame(0)), "a closed ring takes nothing (and does not throw)");
    }

    @Test
    void rotatesBySizeOnceAFileHasReachedIt() throws Exception {
        long limit = 5000;
        RingWriter ring = open(RingConfig.of(dir, "size").withFileBytes(limit));
        write(ring, 0, 200, 1);
        ring.close();
        List<Path> files = RingCheck.ringFiles(dir);
        List<Content> contents = checkFiles(files);
        // The header (SHB and two IDBs) as written, then 132-byte EPBs (32 + 100): a file is closed
        // by the first packet that finds it at or over the limit, as dumpcap does.
        List<RingCheck.Block> blocks = RingCheck.blocks(files.getFirst());
        long header = blocks.get(0).length() + blocks.get(1).length() + blocks.get(2).length();
        int epb = 32 + FRAME;
        long perFile = (limit - header + epb - 1) / epb;
        assertTrue(perFile > 30 && perFile < 40, "header " + header + ", " + perFile + " packets per file");
        assertEquals((200 + perFile - 1) / perFile, files.size());
        long next = 0;
        for (int k = 0; k < files.size(); k++) {
            long expected = Math.min(perFile, 200 - next);
            assertEquals(seqs(next, next + expected), contents.get(k).seqs(), "file " + k);
            next += expected;
            if (k < files.size() - 1) {
                long packetBytes = RingCheck.blocks(files.get(k)).stream().filter(b -> b.type() != 5)
                        .mapToLong(RingCheck.Block::length).sum();
                assertTrue(packetBytes >= limit && packetBytes - epb < limit, "file " + k + ": " + packetBytes);
            }
        }
    }

    @Test
    void rotatesByDurationEvenWithoutPackets() throws Exception {
        RingWriter ring = open(RingConfig.of(dir, "dur").withFileDuration(Duration.ofSeconds(10)));
        write(ring, 0, 130, 250); // packet i at (i+1)*0.25 s: a new file at 10 s, 20 s, 30 s
        for (int s = 0; s < 25; s++) { // 32.5 s -> 57.5 s, idle: files open at 40 s and 50 s anyway
            clock.advanceMillis(1000);
            ring.tick();
        }
        ring.close();
        List<Path> files = RingCheck.ringFiles(dir);
        List<Content> contents = checkFiles(files);
        assertEquals(6, files.size());
        assertEquals(seqs(0, 39), contents.get(0).seqs());
        assertEquals(seqs(39, 79), contents.get(1).seqs());
        assertEquals(seqs(79, 119), contents.get(2).seqs());
        assertEquals(seqs(119, 130), contents.get(3).seqs());
        assertEquals(List.of(), contents.get(4).seqs());
        assertEquals(List.of(), contents.get(5).seqs());
    }

    @Test
    void keepsTheLastNFilesAndNamesSortInTheOrderTheyWereWritten() throws Exception {
        RingWriter ring = open(RingConfig.of(dir, "keep").withFilePackets(10).withFiles(3));
        List<Path> created = new ArrayList<>();
        for (int k = 0; k < 10; k++) {
            write(ring, 10L * k, 10L * k + 1, 1000); // the 11th packet opens the next file
            created.add(ring.currentFile().orElseThrow());
            write(ring, 10L * k + 1, 10L * k + 10, 1000); // 10 s per file: names carry distinct times
            if (k >= 2) {
                assertEquals(created.subList(k - 2, k + 1), RingCheck.ringFiles(dir), "after file " + k);
            }
        }
        ring.close();
        List<Path> files = RingCheck.ringFiles(dir);
        assertEquals(created.subList(7, 10), files);
        assertEquals(7, ring.stats().filesDeleted());
        List<String> names = created.stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(names.stream().sorted().toList(), names, "names sort in the order of writing");
        assertEquals("keep_00001_20251205020000.pcapng", names.get(0), "opened at start, 2025-12-05 02:00:00 UTC");
        assertEquals("keep_00002_20251205020011.pcapng", names.get(1));
        for (String n : names) assertTrue(n.matches("keep_\\d{5}_\\d{14}\\.pcapng"), n);
        List<Content> contents = new ArrayList<>();
        for (Path f : files) contents.add(RingCheck.readClean(f));
        assertEquals(seqs(70, 100), contents.stream().flatMap(c -> c.seqs().stream()).toList());
    }

    @Test
    void reopenClosesTheFileProperlyAndStartsTheNext() throws Exception {
        RingWriter ring = open(RingConfig.of(dir, "hup"));
        write(ring, 0, 10, 1);
        ring.reopen();
        write(ring, 10, 15, 1);
        ring.close();
        ring.close(); // idempotent
        List<Content> contents = checkFiles(RingCheck.ringFiles(dir));
        assertEquals(List.of(seqs(0, 10), seqs(10, 15)), contents.stream().map(Content::seqs).toList());
    }

    @Test
    void flushesWholeBlocksByPacketCountAndByTime() throws Exception {
        RingWriter ring = open(RingConfig.of(dir, "flush").withFlush(10, Duration.ofSeconds(1), false));
        Path file = ring.currentFile().orElseThrow();
        write(ring, 0, 25, 10);
        // Read while the ring is open, as after a kill: the flushed packets, whole, nothing torn.
        assertEquals(seqs(0, 20), RingCheck.readClean(file).seqs());
        assertEquals(20, RingCheck.tsharkCount(file));
        clock.advanceMillis(500);
        ring.tick();
        assertEquals(seqs(0, 20), RingCheck.readClean(file).seqs(), "not yet a second since the last flush");
        clock.advanceMillis(500);
        ring.tick();
        assertEquals(seqs(0, 25), RingCheck.readClean(file).seqs());
        assertEquals(List.of(), RingCheck.readClean(file).statistics(), "no ISB until the file is closed");
        ring.close();
    }

    @Test
    void theTimerThreadFlushesWhenNoPacketsCome() throws Exception {
        try (RingWriter ring = RingWriter.open(RingConfig.of(dir, "timer").withFlush(1000, Duration.ofMillis(200), false),
                SectionInfo.thisHost(), TWO_PORTS, counters)) {
            Path file = ring.currentFile().orElseThrow();
            for (int i = 0; i < 5; i++) ring.write(0, i, FRAME, frame(i));
            long deadline = System.nanoTime() + 5 * S;
            while (RingCheck.readClean(file).seqs().size() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(seqs(0, 5), RingCheck.readClean(file).seqs(), "flushed by the timer within 5 s");
        }
    }

    @Test
    void aRestartAdoptsTheFilesOfItsPrefixAndCutsATornTail() throws Exception {
        RingConfig config = RingConfig.of(dir, "restart").withFilePackets(10).withFiles(3);
        RingWriter first = open(config);
        write(first, 0, 45, 1000);
        first.close();
        List<Path> before = RingCheck.ringFiles(dir);
        assertEquals(3, before.size());
        Path newest = before.getLast();
        // A kill inside a write call leaves part of a block: here the first 50 bytes of an EPB.
        byte[] torn = new byte[50];
        java.nio.ByteBuffer.wrap(torn).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(6).putInt(132);
        Files.write(newest, torn, StandardOpenOption.APPEND);
        assertTrue(RingCheck.read(newest).error().isPresent(), "torn before the restart");
        Files.writeString(dir.resolve("other_00099_20250101000000.pcapng"), "not ours: another prefix");

        RingWriter second = open(config);
        assertEquals(seqs(40, 45), RingCheck.readClean(newest).seqs(), "the torn tail was cut off");
        assertEquals(5, RingCheck.tsharkCount(newest));
        Path next = second.currentFile().orElseThrow();
        assertTrue(next.getFileName().toString().startsWith("restart_00006_"), next.toString());
        assertEquals(List.of(before.get(1), before.get(2), next), second.files(), "N counts the adopted files");
        write(second, 45, 50, 1000);
        second.close();
        assertTrue(Files.exists(dir.resolve("other_00099_20250101000000.pcapng")), "another prefix is left alone");
        assertEquals(seqs(45, 50), RingCheck.readClean(next).seqs());
    }

    @Test
    void aFailingCounterSourceCostsOnlyItsCounters() throws Exception {
        RingWriter ring = RingWriter.open(RingConfig.of(dir, "cnt"), SectionInfo.thisHost(), TWO_PORTS, id -> {
            if (id == 1) throw new IllegalStateException("pcap_stats failed");
            return new CaptureCounters(10, 1, 2, -1);
        }, clock, false);
        write(ring, 0, 4, 1);
        ring.close();
        Content c = RingCheck.readClean(RingCheck.ringFiles(dir).getFirst());
        assertEquals(seqs(0, 4), c.seqs());
        assertEquals(OptionalLong.of(10), c.statistics().get(0).received());
        assertEquals(OptionalLong.of(2), c.statistics().get(0).osDrops());
        InterfaceStatistics unknown = c.statistics().get(1);
        assertEquals(List.of(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty()),
                List.of(unknown.received(), unknown.interfaceDrops(), unknown.osDrops()), "not known: not written");
        assertEquals(1, ring.stats().writeErrors());
        assertTrue(ring.stats().lastError().contains("pcap_stats failed"), ring.stats().lastError());
    }
}
