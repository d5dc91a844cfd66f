package dev.cellscope.nativetap.packet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * TpacketV3Ring on a real kernel: a veth pair whose sending end is in a network namespace of its
 * own; tcpreplay sends a committed sample capture (or frames written by the test) and the ring
 * receives them on the other end. The oracles are the pcap files themselves and tcpdump capturing
 * the same traffic with the same filter. Skips, saying why, without root, veth, tcpreplay or tcpdump.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TpacketV3RingVethTest {
    private static final String CELL_FILTER = "ether proto 0x88b5 or udp port 34997";
    private static NetnsVeth veth;
    private static String skip;
    private static Path work;
    private static Path sample;
    private static List<PcapFiles.Frame> sampleFrames;

    @BeforeAll
    static void createPair() throws Exception {
        try {
            Assumptions.assumeTrue(SockaddrLlLayoutTest.which("tcpdump") != null, "'tcpdump' not found (Debian package tcpdump): no oracle");
            veth = NetnsVeth.create("t");
        } catch (TestAbortedException e) {
            // not thrown from here: surefire reports a class skipped in @BeforeAll as 0 tests and drops the reason
            skip = e.getMessage().replaceFirst("^Assumption failed: ", "");
            System.err.println("TpacketV3RingVethTest skipped: " + skip);
            return;
        }
        work = Files.createTempDirectory("cs-ring");
        sample = work.resolve("mixed-wire.pcap");
        // the committed sample as classic pcap (tcpdump converts), so the test can read what tcpreplay sends
        var r = SockaddrLlLayoutTest.run("tcpdump", "-r", samplePath("mixed-wire.pcapng").toString(), "-w", sample.toString());
        if (!r.error().isEmpty()) throw new IllegalStateException("tcpdump -r mixed-wire.pcapng: " + r.error());
        sampleFrames = PcapFiles.read(sample);
    }

    @BeforeEach
    void needsThePair() {
        Assumptions.assumeTrue(skip == null, skip);
    }

    @AfterAll
    static void deletePair() throws Exception {
        if (veth != null) veth.close();
        if (work != null) {
            try (var s = Files.list(work)) {
                for (Path p : s.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(work);
        }
    }

    private static RingConfig small() {
        return RingConfig.of(veth.receiver).withBlocks(1 << 16, 16).withRetireTimeoutMillis(5);
    }

    @Test
    void aSampleCaptureArrivesByteForByteInOrderWithItsVlanTags() throws Exception {
        try (TpacketV3Ring ring = TpacketV3Ring.open(small())) {
            long before = System.currentTimeMillis() * 1_000_000L;
            assertEquals(sampleFrames.size(), veth.replay(sample));
            List<Got> got = collect(ring, sampleFrames.size(), 10_000);
            long after = System.currentTimeMillis() * 1_000_000L + 1_000_000L;
            assertEquals(sampleFrames.size(), got.size());
            int tagged = 0;
            long last = 0;
            for (int i = 0; i < got.size(); i++) {
                byte[] want = sampleFrames.get(i).bytes();
                Got g = got.get(i);
                assertArrayEquals(want, g.bytes(), "frame " + i);
                assertEquals(want.length, g.originalLength(), "frame " + i);
                assertEquals(want.length, g.capturedLength(), "frame " + i);
                boolean isTagged = (want[12] & 0xff) == 0x81 && want[13] == 0;
                if (isTagged) {
                    tagged++;
                    assertEquals(100, g.vlanTci() & 0xfff, "frame " + i + " VLAN id");
                    assertTrue(g.vlanReinserted(), "frame " + i);
                } else {
                    assertEquals(-1, g.vlanTci(), "frame " + i);
                }
                assertEquals(3, g.packetType(), "frame " + i + ": for another host (PACKET_OTHERHOST)");
                assertTrue(g.timestampNanos() >= last, "timestamps never go back: frame " + i);
                assertTrue(g.timestampNanos() >= before - 1_000_000L && g.timestampNanos() <= after, "frame " + i + " stamped during the replay");
                last = g.timestampNanos();
            }
            assertTrue(tagged > 50, "the sample has VLAN 100 frames: " + tagged);
            assertNull(ring.nextBlock(200), "nothing else arrived");
            RingStats s = ring.stats();
            assertEquals(sampleFrames.size(), s.packets());
            assertEquals(0, s.drops());
            assertEquals(sampleFrames.size(), s.frames());
            // the counters are cumulative although the kernel's reset on every read
            assertEquals(s, ring.stats());
        }
    }

    @Test
    void withoutReinsertionTheTagIsReportedBesideTheUntaggedFrame() throws Exception {
        try (TpacketV3Ring ring = TpacketV3Ring.open(small().withReinsertVlan(false))) {
            veth.replay(sample);
            List<Got> got = collect(ring, sampleFrames.size(), 10_000);
            assertEquals(sampleFrames.size(), got.size());
            for (int i = 0; i < got.size(); i++) {
                byte[] want = sampleFrames.get(i).bytes();
                if ((want[12] & 0xff) == 0x81 && want[13] == 0) {
                    byte[] untagged = new byte[want.length - 4];
                    System.arraycopy(want, 0, untagged, 0, 12);
                    System.arraycopy(want, 16, untagged, 12, want.length - 16);
                    assertArrayEquals(untagged, got.get(i).bytes(), "frame " + i);
                    assertEquals(((want[14] & 0xff) << 8) | (want[15] & 0xff), got.get(i).vlanTci());
                    assertFalse(got.get(i).vlanReinserted());
                } else {
                    assertArrayEquals(want, got.get(i).bytes(), "frame " + i);
                }
            }
        }
    }

    @Test
    void theSnaplenCutsFramesAndKeepsTheirLength() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        for (int len : new int[]{60, 199, 200, 201, 1514, 8000}) frames.add(frame(0x88b5, len, len));
        byte[] tagged = frame(0x8100, 1000, 7);
        tagged[14] = 0x20; // PCP 1, VLAN 100
        tagged[15] = 100;
        tagged[16] = (byte) 0x88;
        tagged[17] = (byte) 0xb5;
        frames.add(tagged);
        Path file = work.resolve("snaplen.pcap");
        PcapFiles.write(file, frames);
        try (TpacketV3Ring ring = TpacketV3Ring.open(small().withSnaplen(200))) {
            assertEquals(frames.size(), veth.replay(file));
            List<Got> got = collect(ring, frames.size(), 10_000);
            assertEquals(frames.size(), got.size());
            for (int i = 0; i < frames.size(); i++) {
                byte[] f = frames.get(i);
                assertEquals(f.length, got.get(i).originalLength(), "frame " + i);
                assertEquals(Math.min(f.length, 200), got.get(i).capturedLength(), "frame " + i);
                assertArrayEquals(Arrays.copyOf(f, Math.min(f.length, 200)), got.get(i).bytes(), "frame " + i);
            }
            assertEquals(0x2064, got.getLast().vlanTci());
        }
    }

    @Test
    void theCellFilterKeepsWhatTcpdumpKeeps() throws Exception {
        Path oracle = work.resolve("tcpdump-cell.pcap");
        try (TpacketV3Ring ring = TpacketV3Ring.open(small().withFilter(CELL_FILTER)); Tcpdump td = Tcpdump.start(veth.receiver, oracle, CELL_FILTER)) {
            assertEquals("interface " + veth.receiver, ring.filter().compiledFor());
            veth.replay(sample, "--pps=5000"); // tcpdump, the oracle, must not drop
            List<Got> got = drain(ring, 500);
            List<PcapFiles.Frame> want = td.stopAndRead();
            // 97 VLAN-tagged cell frames (the kernel untags before the filter runs) and 28 UDP/34997 ones
            // (counted in the file by tcpdump -r): the oracle lost nothing
            assertEquals(125, want.size(), "what tcpdump kept");
            assertEquals(want.size(), got.size());
            for (int i = 0; i < want.size(); i++) assertArrayEquals(want.get(i).bytes(), got.get(i).bytes(), "frame " + i);
            for (Got g : got) {
                int type = ByteBuffer.wrap(g.bytes()).getShort(g.vlanTci() >= 0 ? 16 : 12) & 0xffff;
                assertTrue(type == 0x88b5 || type == 0x0800, "only cell frames and IPv4 (UDP 34997): 0x" + Integer.toHexString(type));
            }
            assertEquals(got.size(), ring.stats().packets(), "tp_packets counts what passed the filter");
        }
    }

    @Test
    void theVlanKeywordMatchesTaggedFramesAsTcpdumpDoes() throws Exception {
        // libpcap compiles 'vlan' to the kernel's VLAN ancillary loads only on a live handle
        long tagged = sampleFrames.stream().filter(f -> (f.bytes()[12] & 0xff) == 0x81 && f.bytes()[13] == 0).count();
        try (TpacketV3Ring ring = TpacketV3Ring.open(small().withFilter("vlan 100"))) {
            veth.replay(sample);
            List<Got> got = drain(ring, 500);
            assertEquals(tagged, got.size());
            for (Got g : got) assertEquals(100, g.vlanTci() & 0xfff);
        }
    }

    @Test
    void compiledProgramsAreTcpdumpsInstructionForInstruction() throws Exception {
        for (String f : List.of(CELL_FILTER, "vlan 100 and ether proto 0x88b5")) {
            var r = SockaddrLlLayoutTest.run("tcpdump", "-dd", "-s", "1500", "-i", veth.receiver, f);
            assertEquals("", r.error());
            List<String> want = r.output().lines().map(l -> l.strip().replaceFirst(",$", "")).toList();
            List<String> got = BpfCompiler.compileFor(veth.receiver, 1500, f).instructions().stream().map(Object::toString).toList();
            assertEquals(want, got, f);
        }
    }

    @Test
    void aBadFilterGetsLibpcapsMessage() throws Exception {
        String bad = "ether proto 0x88b5 or or";
        var r = SockaddrLlLayoutTest.run("tcpdump", "-d", "-i", veth.receiver, bad);
        String tcpdumpSays = r.stderr().strip().replaceFirst("^tcpdump: ", "");
        CaptureFilterException e = assertThrows(CaptureFilterException.class, () -> TpacketV3Ring.open(small().withFilter(bad)));
        assertEquals("bad capture filter '" + bad + "': " + tcpdumpSays, e.getMessage());
        assertTrue(tcpdumpSays.contains("syntax error"), tcpdumpSays);
    }

    @Test
    void aConsumerThatKeepsItsBlocksMakesTheKernelDropAndTheCountersSaySo() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 400; i++) frames.add(numbered(i, 200));
        Path file = work.resolve("drops.pcap");
        PcapFiles.write(file, frames);
        try (TpacketV3Ring ring = TpacketV3Ring.open(RingConfig.of(veth.receiver).withBlocks(4096, 2).withFrameSize(256)
                .withRetireTimeoutMillis(5))) {
            assertEquals(400, veth.replay(file)); // nobody takes the blocks meanwhile
            Thread.sleep(50);
            List<Got> got = drain(ring, 300);
            RingStats s = ring.stats();
            assertEquals(400, s.packets(), "tp_packets counts the dropped frames too");
            assertTrue(s.drops() > 300, "a ring of two 4 KiB blocks holds a few dozen frames of 200 bytes: " + s);
            assertTrue(s.freezes() >= 1, s.toString());
            assertEquals(s.received(), got.size(), "every frame not dropped was delivered: " + s);
            // the frames that got through are the first ones, in order
            for (int i = 0; i < got.size(); i++) assertArrayEquals(frames.get(i), got.get(i).bytes(), "frame " + i);
        }
    }

    @Test
    void aRingMuchSmallerThanTheTrafficGoesRoundAndRoundWithoutLoss() throws Exception {
        // 5000 frames of 300 bytes (~1.9 MB) through 8 blocks of 64 KiB (~167 frames each): every
        // block is filled, handed out, released and filled again about four times. 5000 frames/s
        // leave the consumer ~270 ms of slack, enough on a loaded 2-core machine
        // (the block timeout is long so that blocks are handed out full)
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 5000; i++) frames.add(numbered(i, 300));
        Path file = work.resolve("wrap.pcap");
        PcapFiles.write(file, frames);
        try (TpacketV3Ring ring = TpacketV3Ring.open(RingConfig.of(veth.receiver).withBlocks(1 << 16, 8).withRetireTimeoutMillis(50))) {
            CompletableFuture<List<Got>> consumer = CompletableFuture.supplyAsync(() -> collect(ring, frames.size(), 20_000));
            Thread.sleep(200); // the consumer is waiting in poll
            assertEquals(5000, veth.replay(file, "--pps=5000"));
            List<Got> got = consumer.get(30, TimeUnit.SECONDS);
            RingStats s = ring.stats();
            assertEquals(0, s.drops(), s.toString());
            assertEquals(5000, got.size(), s.toString());
            for (int i = 0; i < got.size(); i++) assertArrayEquals(frames.get(i), got.get(i).bytes(), "frame " + i);
            assertTrue(s.blocks() >= 3 * 8, "went round the ring several times: " + s);
        }
    }

    @Test
    void aHeldBlockIsNotHandedOutAgainUntilItIsReleased() throws Exception {
        Path file = work.resolve("held.pcap");
        try (TpacketV3Ring ring = TpacketV3Ring.open(RingConfig.of(veth.receiver).withBlocks(4096, 2).withFrameSize(256)
                .withRetireTimeoutMillis(5))) {
            PcapFiles.write(file, List.of(numbered(1, 100), numbered(2, 100)));
            veth.replay(file);
            RingBlock first = ring.nextBlock(5000);
            assertNotNull(first);
            PcapFiles.write(file, List.of(numbered(3, 100), numbered(4, 100)));
            veth.replay(file);
            RingBlock second = ring.nextBlock(5000);
            assertNotNull(second);
            assertNotEquals(first.index(), second.index());
            second.release();
            // the next block in order is 'first', still held: the kernel cannot use it, nor may nextBlock
            PcapFiles.write(file, List.of(numbered(5, 100)));
            veth.replay(file);
            assertNull(ring.nextBlock(300), "a held block is not handed out a second time");
            assertTrue(first.next(), "and its frames are intact");
            assertArrayEquals(numbered(1, 100), first.frame().toArray(ValueLayout.JAVA_BYTE));
            // a waiting nextBlock gets the block once another thread releases it and the kernel fills it again
            CompletableFuture<RingBlock> waiting = CompletableFuture.supplyAsync(() -> ring.nextBlock(10_000));
            Thread.sleep(100);
            assertFalse(waiting.isDone());
            first.release();
            PcapFiles.write(file, List.of(numbered(6, 100)));
            veth.replay(file);
            RingBlock again = waiting.get(10, TimeUnit.SECONDS);
            assertNotNull(again);
            assertEquals(first.index(), again.index());
            List<Got> got = new ArrayList<>();
            take(again, got);
            assertArrayEquals(numbered(6, 100), got.getLast().bytes(), "frame 5 came while the ring was frozen: dropped");
            // at least frame 5; a stray frame on the interface (CI: once) while the ring was frozen is dropped too
            long drops = ring.stats().drops();
            assertTrue(drops >= 1 && drops <= 3, "drops while frozen: " + drops);
            assertTrue(got.stream().noneMatch(g -> java.util.Arrays.equals(g.bytes(), numbered(5, 100))), "frame 5 was not delivered");
        }
    }

    @Test
    void twoRingsInOneFanoutGroupSeeEveryFrameExactlyOnce() throws Exception {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 600; i++) frames.add(numbered(i, 100));
        Path file = work.resolve("fanout.pcap");
        PcapFiles.write(file, frames);
        int group = (int) (ProcessHandle.current().pid() & 0x7fff);
        for (Fanout f : List.of(new Fanout(group, Fanout.Mode.LOAD_BALANCE, false, false), Fanout.hash(group + 1))) {
            try (TpacketV3Ring a = TpacketV3Ring.open(small().withFanout(f)); TpacketV3Ring b = TpacketV3Ring.open(small().withFanout(f))) {
                veth.replay(file);
                BitSet seen = new BitSet();
                int[] counts = new int[2];
                long deadline = System.nanoTime() + 10_000_000_000L;
                int quiet = 0;
                while (quiet < 5 && System.nanoTime() < deadline) {
                    boolean any = false;
                    TpacketV3Ring[] rings = {a, b};
                    for (int k = 0; k < 2; k++) {
                        RingBlock blk = rings[k].nextBlock(50);
                        if (blk == null) continue;
                        any = true;
                        while (blk.next()) {
                            int n = blk.frame().get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 14);
                            assertFalse(seen.get(n), f.mode() + ": frame " + n + " delivered twice");
                            seen.set(n);
                            counts[k]++;
                        }
                        blk.release();
                    }
                    quiet = any ? 0 : quiet + 1;
                }
                assertEquals(600, seen.cardinality(), f.mode() + ": every frame once; per ring " + Arrays.toString(counts));
                if (f.mode() == Fanout.Mode.LOAD_BALANCE) {
                    assertTrue(counts[0] > 100 && counts[1] > 100, "round robin shares: " + Arrays.toString(counts));
                }
            }
        }
    }

    @Test
    void aFanoutGroupOfAnotherModeIsNamed() {
        int group = (int) (ProcessHandle.current().pid() & 0x7fff) + 2;
        try (TpacketV3Ring a = TpacketV3Ring.open(small().withFanout(new Fanout(group, Fanout.Mode.LOAD_BALANCE, false, false)))) {
            PacketSocketException e = assertThrows(PacketSocketException.class,
                    () -> TpacketV3Ring.open(small().withFanout(Fanout.hash(group))).close());
            assertTrue(e.getMessage().startsWith("cannot join fanout group " + group + " on '" + veth.receiver + "' as HASH: the group exists"),
                    e.getMessage());
        }
    }

    @Test
    void wakeupAndCloseEndABlockedReceiveWithin200ms() throws Exception {
        try (TpacketV3Ring ring = TpacketV3Ring.open(small())) {
            for (boolean close : new boolean[]{false, true}) {
                AtomicReference<RingBlock> result = new AtomicReference<>();
                CompletableFuture<Long> done = CompletableFuture.supplyAsync(() -> {
                    result.set(ring.nextBlock(-1));
                    return System.nanoTime();
                });
                Thread.sleep(300);
                assertFalse(done.isDone(), "blocked while nothing arrives");
                long t0 = System.nanoTime();
                if (close) ring.close(); else ring.wakeup();
                long t1 = done.get(5, TimeUnit.SECONDS);
                assertTrue(t1 - t0 < 200_000_000L, (close ? "close" : "wakeup") + " took " + (t1 - t0) / 1_000_000 + " ms");
                assertNull(result.get());
            }
            assertNull(ring.nextBlock(-1), "closed: returns at once");
        }
    }

    @Test
    void anInterfaceGoingDownIsReportedOnceAndFramesComeBackWhenItIsUp() throws Exception {
        Path file = work.resolve("down.pcap");
        PcapFiles.write(file, List.of(numbered(7, 100)));
        try (TpacketV3Ring ring = TpacketV3Ring.open(small())) {
            try {
                NetnsVeth.ip("link", "set", veth.receiver, "down");
                PacketSocketException e = assertThrows(PacketSocketException.class, () -> ring.nextBlock(2000));
                assertEquals("interface '" + veth.receiver + "' is down; frames come again when it is up (poll: ENETDOWN)", e.getMessage());
                assertEquals("ENETDOWN", e.errnoName());
            } finally {
                NetnsVeth.ip("link", "set", veth.receiver, "up");
            }
            assertNull(ring.nextBlock(100), "reported once");
            veth.replay(file);
            List<Got> got = collect(ring, 1, 5000);
            assertEquals(1, got.size());
            assertArrayEquals(numbered(7, 100), got.getFirst().bytes());
        }
    }

    @Test
    void closingTwiceIsSafeAndAHeldBlockCannotBeReadAfterClose() throws Exception {
        Path file = work.resolve("close.pcap");
        PcapFiles.write(file, List.of(numbered(1, 100), numbered(2, 100)));
        TpacketV3Ring ring = TpacketV3Ring.open(small());
        veth.replay(file);
        RingBlock b = ring.nextBlock(5000);
        assertNotNull(b);
        assertTrue(b.next());
        ring.close();
        ring.close();
        assertThrows(IllegalStateException.class, b::frame, "the ring is unmapped");
        b.release(); // a no-op once closed
        assertEquals(2, ring.stats().packets(), "the totals stay readable after close");
        assertNull(ring.nextBlock(100));
    }

    @Test
    void aReleasedBlockCannotBeRead() throws Exception {
        Path file = work.resolve("released.pcap");
        PcapFiles.write(file, List.of(numbered(1, 100)));
        try (TpacketV3Ring ring = TpacketV3Ring.open(small())) {
            veth.replay(file);
            RingBlock b = ring.nextBlock(5000);
            assertNotNull(b);
            b.release();
            b.release();
            assertThrows(IllegalStateException.class, b::next);
        }
    }

    // ---- helpers

    /** One frame as the test keeps it (copied out of the ring before the block is released). */
    record Got(byte[] bytes, int capturedLength, int originalLength, long timestampNanos, int vlanTci, boolean vlanReinserted, int packetType) {
    }

    static List<Got> collect(TpacketV3Ring ring, int want, long timeoutMillis) {
        List<Got> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (out.size() < want) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) break;
            RingBlock b = ring.nextBlock(left);
            if (b != null) take(b, out);
        }
        return out;
    }

    /** Everything until nothing came for {@code quietMillis}. */
    static List<Got> drain(TpacketV3Ring ring, long quietMillis) {
        List<Got> out = new ArrayList<>();
        RingBlock b;
        while ((b = ring.nextBlock(quietMillis)) != null) take(b, out);
        return out;
    }

    private static void take(RingBlock b, List<Got> out) {
        while (b.next()) {
            out.add(new Got(b.frame().toArray(ValueLayout.JAVA_BYTE), b.capturedLength(), b.originalLength(), b.timestampNanos(),
                    b.vlanTci(), b.vlanReinserted(), b.packetType()));
        }
        assertFalse(b.damaged());
        b.release();
    }

    /** A frame of {@code len} bytes to a unicast MAC, of this EtherType, filled with {@code fill}. */
    static byte[] frame(int etherType, int len, int fill) {
        byte[] f = new byte[len];
        Arrays.fill(f, (byte) fill);
        byte[] head = {0x02, 0, 0, 0, 0x0b, 0x0b, 0x02, 0, 0, 0, 0x0a, 0x11, (byte) (etherType >> 8), (byte) etherType};
        System.arraycopy(head, 0, f, 0, head.length);
        return f;
    }

    /** A 0x88b5 frame whose payload starts with {@code n} (big-endian int). */
    static byte[] numbered(int n, int len) {
        byte[] f = frame(0x88b5, len, 0x5a);
        ByteBuffer.wrap(f).putInt(14, n);
        return f;
    }

    static Path samplePath(String name) {
        for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("samples/captures").resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        throw new IllegalStateException("samples/captures/" + name + " not found above " + System.getProperty("user.dir"));
    }

    /** tcpdump capturing with a filter into a file, the oracle for "what tcpdump keeps". */
    static final class Tcpdump implements AutoCloseable {
        private final Process process;
        private final Path file;

        private Tcpdump(Process process, Path file) {
            this.process = process;
            this.file = file;
        }

        static Tcpdump start(String ifname, Path file, String filter) throws Exception {
            Process p = new ProcessBuilder("tcpdump", "-i", ifname, "--immediate-mode", "-B", "65536", "-U", "-s", "262144", "-w",
                    file.toString(), filter)
                    .redirectErrorStream(true).start();
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line; (line = r.readLine()) != null; ) if (line.contains("listening on")) return true;
                } catch (java.io.IOException e) {
                    return false;
                }
                return false;
            });
            if (!ready.get(10, TimeUnit.SECONDS)) throw new IllegalStateException("tcpdump did not start");
            CompletableFuture.runAsync(() -> {
                try {
                    r.transferTo(java.io.Writer.nullWriter());
                } catch (java.io.IOException ignored) {
                    // it ended
                }
            });
            return new Tcpdump(p, file);
        }

        List<PcapFiles.Frame> stopAndRead() throws Exception {
            close();
            return PcapFiles.read(file);
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy(); // SIGTERM: tcpdump closes its file
                if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
            }
        }
    }
}
