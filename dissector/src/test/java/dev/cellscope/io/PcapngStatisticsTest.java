package dev.cellscope.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellscope.io.PcapngBuilder.Opt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's Interface Statistics Blocks and capture descriptions (SHB and IDB options), read
 * back by our reader and by Wireshark's capinfos/tshark, and its rule of handing only whole
 * blocks to the operating system.
 */
@Timeout(120)
class PcapngStatisticsTest {

    private static final long S = 1_000_000_000L;
    private static final String ROOT_WARNING = "Running as user \"root\" and group \"root\". This could be dangerous.";

    @TempDir
    Path dir;

    private static final InterfaceDescription MIRROR = new InterfaceDescription(Packet.LINKTYPE_ETHERNET, 262144,
            "eth1", "mirror of sw1 port 7", "ether proto 0x88b5 or udp port 34997", "Linux 6.1 test", 0);

    private static InterfaceStatistics full(int id, long t) {
        return new InterfaceStatistics(id, t, OptionalLong.of(t - 60 * S + 123), OptionalLong.of(t),
                OptionalLong.of(1_000_001), OptionalLong.of(17), OptionalLong.of(999_000), OptionalLong.of(42),
                OptionalLong.of(998_958), "counters since capture start");
    }

    private Path writeDescribedCapture() throws IOException {
        Path file = dir.resolve("described.pcapng");
        long t = 1_764_900_000L * S + 5;
        try (PcapngWriter w = new PcapngWriter(file,
                new SectionInfo("test box x86_64", "Linux 6.1 test", "cellscope test", "ring file 1"))) {
            assertEquals(0, w.addInterface(MIRROR));
            assertEquals(1, w.addInterface(InterfaceDescription.of(Packet.LINKTYPE_ETHERNET, 0, "eth2")));
            for (int i = 0; i < 3; i++) {
                w.write(i % 2, t + i, 60, MemorySegment.ofArray(new byte[60]), null);
            }
            w.writeStatistics(full(0, t + 10));
            w.writeStatistics(InterfaceStatistics.of(1, t + 11, t - 5 * S, 7, -1, 0));
        }
        return file;
    }

    @Test
    void statisticsAndDescriptionsReadBackInOurReader() throws Exception {
        Path file = writeDescribedCapture();
        long t = 1_764_900_000L * S + 5;
        try (CaptureReader r = CaptureReader.open(file)) {
            int packets = 0;
            while (r.next() != null) {
                packets++;
            }
            assertEquals(3, packets);
            assertTrue(r.error().isEmpty(), () -> r.error().toString());
            assertEquals(List.of(full(0, t + 10), new InterfaceStatistics(1, t + 11, OptionalLong.of(t - 5 * S),
                    OptionalLong.of(t + 11), OptionalLong.of(7), OptionalLong.empty(), OptionalLong.empty(),
                    OptionalLong.of(0), OptionalLong.empty(), null)), r.statistics());
            assertEquals("eth1", r.interfaces().get(0).name());
        }
    }

    @Test
    void wiresharkReadsTheStatisticsAndDescriptionsCleanly() throws Exception {
        Path file = writeDescribedCapture();
        List<String> info = wireshark("/usr/bin/capinfos", file.toString());
        // capinfos prints an ISB count per interface, not the counters: the counters are checked by
        // our reader above against blocks laid out by hand below; here Wireshark's wiretap parses them.
        assertTrue(info.contains("Capture hardware:    test box x86_64"), () -> String.join("\n", info));
        assertTrue(info.contains("Capture oper-sys:    Linux 6.1 test"), () -> String.join("\n", info));
        assertTrue(info.contains("Capture application: cellscope test"), () -> String.join("\n", info));
        assertEquals(List.of("Name = eth1", "Description = mirror of sw1 port 7",
                "Filter string = ether proto 0x88b5 or udp port 34997", "Operating system = Linux 6.1 test",
                "Number of stat entries = 1", "Name = eth2", "Number of stat entries = 1"),
                info.stream().map(String::strip).filter(l -> l.startsWith("Name =") || l.startsWith("Description =")
                        || l.startsWith("Filter string =") || l.startsWith("Operating system =")
                        || l.startsWith("Number of stat entries")).toList());
        List<String> frames = wireshark("/usr/bin/tshark", "-r", file.toString(), "-T", "fields",
                "-e", "frame.interface_name", "-e", "frame.interface_description");
        assertEquals(List.of("eth1\tmirror of sw1 port 7", "eth2\t", "eth1\tmirror of sw1 port 7"), frames);
    }

    @Test
    void statisticsLaidOutByHandReadBackInTheInterfacesUnits() throws Exception {
        // Microsecond interface with if_tsoffset 100 s: times are units since the offset.
        ByteOrder be = ByteOrder.BIG_ENDIAN;
        PcapngBuilder b = new PcapngBuilder().shb(be)
                .idb(1, 0, Opt.u64(PcapngReader.IF_TSOFFSET, 100, be))
                .raw(5, new ByteWriter(be).u32(0).u32(0).u32(2_000_000)
                        .u16(4).u16(8).u64(55)
                        .u16(2).u16(8).u32(0).u32(1_000_000)
                        .u16(7).u16(8).u64(3)
                        .u16(5).u16(4).u32(9) // ifdrop of the wrong size: ignored, not damage
                        .u16(0).u16(0).toByteArray())
                .raw(5, new ByteWriter(be).u32(3).u32(0).u32(0).toByteArray()) // interface 3 does not exist
                .raw(5, new ByteWriter(be).u32(0).u32(0).u32(0).u16(4).u16(200).u32(0).toByteArray()) // lying option
                .epb(0, 3_000_000, 60, new byte[60]);
        Path file = dir.resolve("hand.pcapng");
        Files.write(file, b.build());
        try (CaptureReader r = CaptureReader.open(file)) {
            assertTrue(r.next() != null);
            assertEquals(null, r.next());
            assertTrue(r.error().isEmpty(), () -> r.error().toString());
            assertEquals(List.of(new InterfaceStatistics(0, 102 * S, OptionalLong.of(101 * S), OptionalLong.empty(),
                    OptionalLong.of(55), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.of(3),
                    OptionalLong.empty(), null)), r.statistics());
        }
    }

    /** Records the byte offset at which each write call to the OS ends. */
    private static final class RecordingStream extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Integer> writeEnds = new ArrayList<>();

        @Override
        public void write(int b) {
            throw new AssertionError("a single byte is never a whole block");
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
            writeEnds.add(bytes.size());
        }
    }

    @Test
    void everyWriteToTheOperatingSystemEndsAtABlockBoundary() throws Exception {
        RecordingStream out = new RecordingStream();
        long committedAfterFlush;
        try (PcapngWriter w = new PcapngWriter(out)) {
            w.addInterface(MIRROR);
            java.util.Random random = new java.util.Random(7);
            for (int i = 0; i < 3000; i++) {
                // Mostly small frames, sometimes one bigger than the 64 KiB buffer.
                int length = i % 500 == 499 ? 100_000 + i : 40 + random.nextInt(1500);
                w.write(0, i, length, MemorySegment.ofArray(new byte[length]), i % 7 == 0 ? "c" + i : null);
                if (i % 1000 == 999) {
                    w.writeStatistics(InterfaceStatistics.of(0, i, 0, i, 0, 0));
                    w.flush();
                    assertEquals(w.size(), w.committedSize(), "a flush hands everything over");
                    assertEquals(i + 1, w.committedPackets());
                }
            }
            committedAfterFlush = w.committedSize();
        }
        byte[] all = out.bytes.toByteArray();
        assertEquals(all.length, committedAfterFlush, "the last flush handed everything over");
        TreeSet<Integer> boundaries = new TreeSet<>();
        ByteBuffer bb = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at < all.length; at += bb.getInt(at + 4)) {
            boundaries.add(at + bb.getInt(at + 4));
        }
        assertEquals(all.length, boundaries.last());
        assertTrue(out.writeEnds.size() > 40, "buffered, yet many writes: " + out.writeEnds.size());
        for (int end : out.writeEnds) {
            assertTrue(boundaries.contains(end), "a write ended inside a block, at byte " + end);
        }
    }

    private List<String> wireshark(String tool, String... args) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(tool)), tool + " not installed (apt-get install tshark)");
        List<String> command = new ArrayList<>(List.of(tool));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "tool", ".out");
        Path err = Files.createTempFile(dir, "tool", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + command);
        List<String> stderr = Files.readAllLines(err, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.equals(ROOT_WARNING)).toList();
        assertEquals(0, p.exitValue(), () -> command + " failed: " + stderr);
        assertEquals(List.of(), stderr, "complained: " + command);
        return Files.readAllLines(out, StandardCharsets.UTF_8);
    }
}
