package dev.cellscope.cli;

import dev.cellscope.io.CaptureReader;
import dev.cellscope.io.Packet;
import dev.cellscope.live.testing.VethPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cellscope replay} out of one end of a veth pair, tcpdump capturing on the other end in
 * its own network namespace: the far end must receive exactly the frames the display filter
 * selects, byte for byte and in order. The selection is checked independently with tshark's own
 * dissector and the same filter ({@code eth.src}, which both read alike).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReplayVethTest {
    static final Path SAMPLE = Path.of("..", "samples", "captures", "mixed-wire.pcapng").toAbsolutePath().normalize();
    static final String FILTER = "eth.src == 02:00:00:00:0a:11";
    private static VethPair veth;

    @TempDir
    static Path dir;

    @BeforeAll
    static void pair() throws Exception {
        VethPair.assumeAvailable("replay onto a veth pair");
        for (String[] tool : new String[][]{{"tcpdump", "tcpdump"}, {"tshark", "tshark"}}) {
            Assumptions.assumeTrue(VethPair.which(tool[0]) != null, "'" + tool[0] + "' not found (Debian package " + tool[1] + ")");
        }
        veth = VethPair.create();
    }

    @AfterAll
    static void remove() throws Exception {
        if (veth != null) veth.close();
    }

    /** tcpdump on the far end (the namespace's interface), writing every frame as it comes. */
    static final class FarEnd implements AutoCloseable {
        final Process process;
        final Path file, err;

        FarEnd(String name) throws Exception {
            file = dir.resolve(name + ".pcap");
            err = dir.resolve(name + ".err");
            List<String> cmd = new ArrayList<>(veth.inNamespace());
            cmd.addAll(List.of(VethPair.which("tcpdump"), "-i", veth.sendInterface, "-U", "-B", "65536", "-s", "0", "-w", file.toString()));
            process = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(err).contains("listening on")) {
                if (!process.isAlive() || System.nanoTime() > end) throw new AssertionError("tcpdump did not start: " + Files.readString(err));
                Thread.sleep(20);
            }
        }

        /** Stops tcpdump once the frames have had time to arrive; returns what it captured. */
        List<String> frames() throws Exception {
            Thread.sleep(1_500); // tcpdump hands frames over when a ring block retires: after 1 s at most
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "tcpdump did not stop");
            String e = Files.readString(err, StandardCharsets.UTF_8);
            assertTrue(e.contains("\n0 packets dropped by kernel"), e);
            return hex(file);
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    static List<String> hex(Path capture) throws IOException {
        List<String> out = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(capture)) {
            for (Packet p; (p = r.next()) != null; ) out.add(HexFormat.of().formatHex(p.data().toArray(ValueLayout.JAVA_BYTE)));
        }
        return out;
    }

    /** The frames tshark selects with the same filter, as written by tshark itself. */
    static List<String> selectedByTshark() throws Exception {
        Path selected = dir.resolve("tshark-selected.pcapng");
        VethPair.Result r = VethPair.run("tshark", "-r", SAMPLE.toString(), "-Y", FILTER, "-w", selected.toString());
        assertEquals(0, r.exit(), r.output());
        return hex(selected);
    }

    static long reported(String out, String what) {
        Matcher m = Pattern.compile("Actual: (\\d+) packets \\((\\d+) bytes\\)").matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(what.equals("packets") ? 1 : 2));
    }

    @Test
    void theFarEndReceivesExactlyTheSelectedFrames() throws Exception {
        List<String> expected = selectedByTshark();
        assertTrue(expected.size() > 20 && expected.size() < 425, "the filter selects some of the sample: " + expected.size());
        try (FarEnd far = new FarEnd("pps")) {
            Cli.Result r = Cli.run("replay", "-r", SAMPLE.toString(), "-i", veth.captureInterface, "-Y", FILTER, "--pps", "2000");
            assertEquals(0, r.exit(), r.err());
            assertEquals(expected.size(), reported(r.out(), "packets"), r.out());
            assertEquals(expected.stream().mapToLong(h -> h.length() / 2).sum(), reported(r.out(), "bytes"));
            assertTrue(r.out().contains("Timing: inter-frame error p50 "), r.out());
            assertEquals(expected, far.frames());
        }
    }

    @Test
    void loopsAtTopSpeedFromMemory() throws Exception {
        List<String> once = selectedByTshark();
        List<String> expected = new ArrayList<>(once);
        expected.addAll(once);
        expected.addAll(once);
        try (FarEnd far = new FarEnd("top")) {
            Cli.Result r = Cli.run("replay", "-r", SAMPLE.toString(), "-i", veth.captureInterface, "-Y", FILTER, "-t", "-K", "-l", "3");
            assertEquals(0, r.exit(), r.err());
            assertEquals(expected.size(), reported(r.out(), "packets"), r.out());
            assertEquals(expected, far.frames());
        }
    }

    /**
     * A one-frame capture looped 2000 times at 1000 pps holds the rate without -K: a looped capture this small is
     * preloaded on its own, and the report says so (review: 820 pps, the first frame of each pass late by the ~2 ms
     * a pass's session costs to open). Fails when each pass is read again: the rate falls more than 1% short.
     */
    @Test
    void aLoopedOneFrameCaptureHoldsTheRateWithoutPreload() throws Exception {
        Path one = dir.resolve("one.pcap");
        VethPair.Result cut = VethPair.run("tshark", "-r", SAMPLE.toString(), "-c", "1", "-F", "pcap", "-w", one.toString());
        assertEquals(0, cut.exit(), cut.output());
        Cli.Result r = Cli.run("replay", "-r", one.toString(), "-i", veth.captureInterface, "-l", "2000", "--pps", "1000");
        assertEquals(0, r.exit(), r.err());
        assertEquals(2000, reported(r.out(), "packets"), r.out());
        Matcher rated = Pattern.compile("Rated: .* ([0-9.]+) pps").matcher(r.out());
        assertTrue(rated.find(), r.out());
        assertEquals(1000, Double.parseDouble(rated.group(1)), 10, r.out());
        assertTrue(r.out().contains("Preloaded: the looped capture (" + Files.size(one) + " bytes) was sent from memory, as with -K"), r.out());
        assertTrue(!r.out().contains("Warning"), r.out());
    }

    /** With an address map, what arrives is what {@code -w} writes with the same map: one rewrite, two outputs. */
    @Test
    void anAddressMapRewritesWhatIsSent() throws Exception {
        Path map = Files.writeString(dir.resolve("veth.map"), "mac 02:00:00:00:0a:11 02:00:00:00:aa:11\n"
                + "cellid a74aaa1fe85b0f9170c12ec1e28325b7 00112233445566778899aabbccddeeff\nip 10.0.0.2 172.16.0.2\n");
        Path written = dir.resolve("veth-rewritten.pcapng");
        Cli.Result w = Cli.run("replay", "-r", SAMPLE.toString(), "--map", map.toString(), "-w", written.toString());
        assertEquals(0, w.exit(), w.err());
        List<String> expected = hex(written);
        assertTrue(!expected.equals(hex(SAMPLE)), "the map changed frames");
        try (FarEnd far = new FarEnd("map")) {
            Cli.Result r = Cli.run("replay", "-r", SAMPLE.toString(), "-i", veth.captureInterface, "--map", map.toString(), "--pps", "5000");
            assertEquals(0, r.exit(), r.err());
            assertEquals(expected, far.frames());
        }
    }

    /** A replay looping for ever ends on SIGINT as tcpreplay's does: the frames in flight finish, the report prints, exit 0. */
    @Test
    void sigintEndsAnEndlessLoopWithTheReport() throws Exception {
        Path out = dir.resolve("sigint.out"), err = dir.resolve("sigint.err");
        Process p = new ProcessBuilder(Cli.command("replay", "-r", SAMPLE.toString(), "-i", veth.captureInterface, "-l", "0", "--pps", "1000"))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            Thread.sleep(4_000);
            assertTrue(p.isAlive(), "still replaying: " + Files.readString(err));
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor(5, TimeUnit.SECONDS);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ended after SIGINT");
            assertEquals(0, p.exitValue(), Files.readString(err));
            String report = Files.readString(out);
            long sent = reported(report, "packets");
            assertTrue(sent >= 100 && sent <= 4_000, "about 1000 frames a second until stopped: " + report);
            if (sent > 425) assertTrue(report.contains("Passes: "), "more frames than one pass holds: " + report);
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * {@code --cpu N}: while the replay runs, the kernel shows one thread of the process (the sender, SCHED_FIFO) on CPU N
     * alone and every other thread off N; every frame still arrives.
     */
    @Test
    void cpuGivesTheSendingThreadACpuOfItsOwn() throws Exception {
        java.util.BitSet online = dev.cellscope.nativetap.process.CpuAffinity.online();
        Assumptions.assumeTrue(online.cardinality() >= 2, "--cpu needs two online CPUs: " + online);
        int cpu = online.length() - 1;
        List<String> once = hex(SAMPLE);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 6; i++) expected.addAll(once); // 2550 frames at 1000/s: 2.5 s to look at the threads
        Path out = dir.resolve("cpu.out"), err = dir.resolve("cpu.err");
        try (FarEnd far = new FarEnd("cpu")) {
            Process p = new ProcessBuilder(Cli.command("replay", "-r", SAMPLE.toString(), "-i", veth.captureInterface, "-K", "-l", "6",
                    "--pps", "1000", "--cpu", Integer.toString(cpu))).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                String seen = null;
                while (seen == null && p.isAlive()) {
                    seen = threadsWhileSending(p.pid(), cpu);
                    Thread.sleep(20);
                }
                assertTrue(p.waitFor(120, TimeUnit.SECONDS), "replay did not end");
                assertEquals(0, p.exitValue(), Files.readString(err));
                assertTrue(seen != null, "never saw a thread alone on CPU " + cpu + " while sending");
                assertEquals("", seen);
            } finally {
                p.destroyForcibly();
            }
            assertEquals(expected.size(), reported(Files.readString(out), "packets"));
            assertEquals(expected, far.frames());
        }
    }

    /**
     * Once a thread of {@code pid} runs on {@code cpu} alone: "" when it is the only one there, SCHED_FIFO, and no other
     * thread may use {@code cpu}; otherwise what is wrong. Null before the replay has pinned its thread.
     */
    static String threadsWhileSending(long pid, int cpu) throws IOException {
        List<String> alone = new ArrayList<>(), shared = new ArrayList<>();
        try (var tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks) {
                String status, stat;
                try {
                    status = Files.readString(t.resolve("status"));
                    stat = Files.readString(t.resolve("stat"));
                } catch (IOException gone) {
                    continue; // a thread that ended
                }
                Matcher m = Pattern.compile("Cpus_allowed_list:\\s*(\\S+)").matcher(status);
                if (!m.find()) continue;
                java.util.BitSet cpus = dev.cellscope.nativetap.process.CpuAffinity.parseList(m.group(1));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String policy = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[41 - 3];
                if (cpus.cardinality() == 1 && cpus.get(cpu)) alone.add(name + " policy " + policy);
                else if (cpus.get(cpu)) shared.add(name + " on " + cpus);
            }
        } catch (IOException ended) {
            return null;
        }
        if (alone.isEmpty()) return null;
        if (alone.size() == 1 && alone.get(0).endsWith("policy 1") && shared.isEmpty()) return "";
        return "alone on CPU " + cpu + ": " + alone + "; also allowed there: " + shared;
    }

    @Test
    void everyFrameAsCapturedTwiceAsFast() throws Exception {
        List<String> expected = hex(SAMPLE);
        try (FarEnd far = new FarEnd("all")) {
            Cli.Result r = Cli.run("replay", "-r", SAMPLE.toString(), "-i", veth.captureInterface, "-x", "2");
            assertEquals(0, r.exit(), r.err());
            assertEquals(expected.size(), reported(r.out(), "packets"), r.out());
            assertEquals(expected, far.frames());
        }
    }
}
