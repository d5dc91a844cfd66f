package dev.cellscope.live.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellscope.io.CaptureError;
import dev.cellscope.io.CaptureReader;
import dev.cellscope.io.InterfaceDescription;
import dev.cellscope.io.InterfaceInfo;
import dev.cellscope.io.InterfaceStatistics;
import dev.cellscope.io.Packet;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** Test helpers: numbered frames, and reading ring files back with cellscope's reader and Wireshark's tools. */
final class RingCheck {

    static final long S = 1_000_000_000L;
    static final int FRAME = 100;
    static final String ROOT_WARNING = "Running as user \"root\" and group \"root\". This could be dangerous.";
    static final List<InterfaceDescription> TWO_PORTS = List.of(
            new InterfaceDescription(Packet.LINKTYPE_ETHERNET, 262144, "veth-a", "mirror port A",
                    "ether proto 0x88b5 or udp port 34997", "Linux test", 0),
            InterfaceDescription.of(Packet.LINKTYPE_ETHERNET, 262144, "veth-b"));

    private RingCheck() {}

    /** A 100-byte Ethernet frame (EtherType 0x88b5) carrying its sequence number after the header. */
    static MemorySegment frame(long seq) {
        return frame(seq, FRAME);
    }

    static MemorySegment frame(long seq, int length) {
        ByteBuffer b = ByteBuffer.allocate(length);
        b.put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, (byte) 0x88, (byte) 0xb5});
        b.putLong(seq);
        return MemorySegment.ofArray(b.array());
    }

    /** What cellscope's reader finds in a file. */
    record Content(List<Long> seqs, List<Integer> interfaceIds, List<InterfaceInfo> interfaces,
                   List<InterfaceStatistics> statistics, Optional<CaptureError> error) {}

    static Content read(Path file) throws IOException {
        try (CaptureReader r = CaptureReader.open(file)) {
            List<Long> seqs = new ArrayList<>();
            List<Integer> ids = new ArrayList<>();
            for (Packet p; (p = r.next()) != null; ) {
                seqs.add(p.data().get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 14));
                ids.add(p.interfaceId());
            }
            return new Content(seqs, ids, List.copyOf(r.interfaces()), List.copyOf(r.statistics()), r.error());
        }
    }

    /** Reads with cellscope's reader; it must report no damage. */
    static Content readClean(Path file) throws IOException {
        Content c = read(file);
        assertTrue(c.error().isEmpty(), () -> file + ": " + c.error().orElseThrow());
        return c;
    }

    /** Packets tshark reads from the file; tshark must exit 0 and complain about nothing. */
    static int tsharkCount(Path file) throws Exception {
        return run("/usr/bin/tshark", "-r", file.toString(), "-T", "fields", "-e", "frame.number").size();
    }

    /**
     * capinfos over many files in one run (it reads every packet, and exits 1 with "cut short" for a
     * torn file): each file's packet count and statistics-block count per interface.
     */
    record Info(long packets, List<Integer> statEntries) {}

    static List<Info> capinfos(List<Path> files) throws Exception {
        List<String> args = new ArrayList<>(List.of("/usr/bin/capinfos", "-M", "-c", "-I"));
        files.forEach(f -> args.add(f.toString()));
        List<String> lines = run(args.toArray(String[]::new));
        List<Info> infos = new ArrayList<>();
        long packets = -1;
        List<Integer> stats = new ArrayList<>();
        for (String line : lines) {
            String l = line.strip();
            if (l.startsWith("File name:") && packets >= 0) {
                infos.add(new Info(packets, List.copyOf(stats)));
                stats.clear();
            } else if (l.startsWith("Number of packets:")) {
                packets = Long.parseLong(l.substring(l.indexOf(':') + 1).strip());
            } else if (l.startsWith("Number of stat entries = ")) {
                stats.add(Integer.parseInt(l.substring("Number of stat entries = ".length())));
            }
        }
        if (packets >= 0) {
            infos.add(new Info(packets, List.copyOf(stats)));
        }
        assertEquals(files.size(), infos.size(), () -> String.join("\n", lines));
        return infos;
    }

    static List<String> run(String... command) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(command[0])), command[0] + " not installed (apt-get install tshark)");
        Path out = Files.createTempFile("ring-tool", ".out");
        Path err = Files.createTempFile("ring-tool", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + List.of(command));
            List<String> stderr = Files.readAllLines(err, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.equals(ROOT_WARNING)).toList();
            assertEquals(0, p.exitValue(), () -> List.of(command) + " failed: " + stderr);
            assertEquals(List.of(), stderr, () -> "complained: " + List.of(command));
            return Files.readAllLines(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The ring files in a directory, by name (which is also their order). */
    static List<Path> ringFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".pcapng")).sorted().toList();
        }
    }

    /** Block types and lengths of a little-endian pcapng file, in order. */
    record Block(int type, int length) {}

    static List<Block> blocks(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<Block> blocks = new ArrayList<>();
        for (int at = 0; at + 8 <= b.limit(); at += b.getInt(at + 4)) {
            blocks.add(new Block(b.getInt(at), b.getInt(at + 4)));
        }
        return blocks;
    }

    /** A clock the test moves by hand: monotonic time from 0, wall time from a fixed date. */
    static final class ManualClock implements RingWriter.Clock {
        static final long WALL0 = 1_764_900_000L * S; // 2025-12-05T02:00:00Z
        long mono;

        @Override
        public long wallNanos() {
            return WALL0 + mono;
        }

        @Override
        public long monotonicNanos() {
            return mono;
        }

        void advanceMillis(long ms) {
            mono += ms * 1_000_000L;
        }
    }
}
