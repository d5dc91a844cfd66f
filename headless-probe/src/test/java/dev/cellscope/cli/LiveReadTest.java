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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cellscope read -i} on a real interface: a veth pair whose far end, in a namespace of its
 * own, tcpreplay sends committed samples out of; the command captures on the near end in a child
 * JVM, as a user runs it. What it prints must be what {@code read -r} prints for the same sample.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LiveReadTest {
    static final Path SAMPLES = Path.of("..", "samples", "captures").toAbsolutePath().normalize();
    /** Fields that do not depend on when a frame was captured: the replay's times are not the sample's. */
    static final String[] FIELDS = {"frame.number", "frame.len", "eth.src", "eth.dst", "eth.type", "utcp.seq", "utcp.flags",
            "utcp.stream", "utcp.analysis.retransmission", "utcp.analysis.gap", "utcp.analysis.missing", "sbi.op",
            "sbi.put.verified", "tether.flow", "tether.analysis.credit", "tether.analysis.overrun", "expert.message"};
    private static VethPair veth;

    @TempDir
    static Path dir;

    @BeforeAll
    static void pair() throws Exception {
        veth = VethPair.createOrSkip("live capture on a veth pair");
    }

    @AfterAll
    static void remove() throws Exception {
        if (veth != null) veth.close();
    }

    /** The command running in a child JVM, its output in files so it can be watched while it runs. */
    static final class Running implements AutoCloseable {
        final Process process;
        final Path out, err;

        Running(List<String> prefix, String name, String... args) throws IOException {
            this(dir, prefix, name, args);
        }

        /** With its output files in {@code outputs} (another test class's directory). */
        Running(Path outputs, List<String> prefix, String name, String... args) throws IOException {
            out = outputs.resolve(name + ".out");
            err = outputs.resolve(name + ".err");
            List<String> cmd = new ArrayList<>(prefix);
            cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), Main.class.getName()));
            cmd.addAll(List.of(args));
            process = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        }

        Running(String name, String... args) throws IOException {
            this(List.of(), name, args);
        }

        String out() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        String err() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }

        /** Waits for the interface to be open (tshark's "Capturing on" line). */
        void awaitCapturing(String iface) throws Exception {
            await(err, Pattern.compile("Capturing on '" + Pattern.quote(iface) + "'"), 60);
        }

        void await(Path file, Pattern p, long seconds) throws Exception {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end) {
                if (p.matcher(Files.readString(file, StandardCharsets.UTF_8)).find()) return;
                if (!process.isAlive()) throw new AssertionError("ended (exit " + process.exitValue() + ") before /" + p + "/\n" + err());
                Thread.sleep(20);
            }
            throw new AssertionError("no /" + p + "/ within " + seconds + " s\n" + err());
        }

        int exit(long seconds) throws Exception {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) throw new AssertionError("still running after " + seconds + " s\n" + err());
            return process.exitValue();
        }

        void signal(String sig) throws Exception {
            new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    static int frameCount(Path sample) throws IOException {
        int n = 0;
        try (CaptureReader r = CaptureReader.open(sample)) {
            while (r.next() != null) n++;
        }
        return n;
    }

    static List<String> fieldArgs() {
        List<String> a = new ArrayList<>(List.of("-T", "fields"));
        for (String f : FIELDS) a.addAll(List.of("-e", f));
        return a;
    }

    /** Every backend, named with --backend, gives what the file gives. */
    @ParameterizedTest
    @ValueSource(strings = {"pcap", "afpacket"})
    void liveFieldsAreTheFileFieldsForTheSameFrames(String backend) throws Exception {
        Path sample = SAMPLES.resolve("mixed-wire.pcapng");
        int n = frameCount(sample);
        List<String> live = new ArrayList<>(List.of("read", "-i", veth.captureInterface, "--backend", backend, "-c", Integer.toString(n)));
        live.addAll(fieldArgs());
        try (Running r = new Running("fields-" + backend, live.toArray(String[]::new))) {
            r.awaitCapturing(veth.captureInterface);
            veth.replay(sample, "--topspeed");
            assertEquals(0, r.exit(60), r.err());
            List<String> file = new ArrayList<>(List.of("read", "-r", sample.toString()));
            file.addAll(fieldArgs());
            Cli.Result expected = Cli.run(file.toArray(String[]::new));
            assertEquals(0, expected.exit(), expected.err());
            assertEquals(expected.out(), r.out());
            assertEquals(n, expected.lines().size());
            assertEquals("Capturing on '" + veth.captureInterface + "'\n" + n + " packets captured\n", Cli.errors(new Cli.Result(0, "", r.err())));
        }
    }

    @Test
    void liveExpertSummaryIsTheFileSummary() throws Exception {
        Path sample = SAMPLES.resolve("lossy-mesh.pcapng");
        int n = frameCount(sample);
        try (Running r = new Running("expert", "read", "-i", veth.captureInterface, "-a", "packets:" + n, "-q", "-z", "expert")) {
            r.awaitCapturing(veth.captureInterface);
            veth.replay(sample, "--topspeed");
            assertEquals(0, r.exit(60), r.err());
            Cli.Result expected = Cli.run("read", "-r", sample.toString(), "-q", "-z", "expert");
            assertEquals(0, expected.exit(), expected.err());
            assertTrue(expected.out().contains("NACK") || expected.out().lines().count() > 5, expected.out());
            assertEquals(expected.out(), r.out());
        }
    }

    /** SIGTERM mid-capture: outputs complete, the count line, exit 0, within 2 s; -w wrote every frame, tshark reads it. */
    @Test
    void sigtermEndsTheCaptureCleanlyWithEveryFrameWritten() throws Exception {
        Path sample = SAMPLES.resolve("quickstart.pcapng");
        int n = frameCount(sample);
        Path written = dir.resolve("live.pcapng");
        try (Running r = new Running("sigterm", "read", "-i", veth.captureInterface, "-w", written.toString(), "-P")) {
            r.awaitCapturing(veth.captureInterface);
            veth.replay(sample, "--topspeed");
            r.await(r.out, Pattern.compile("(?m)^\\s*" + n + " "), 30); // the last frame's summary line is out
            long t0 = System.nanoTime();
            r.signal("TERM");
            int exit = r.exit(10);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(0, exit, r.err());
            assertTrue(ms < 2000, "ended " + ms + " ms after SIGTERM");
            assertTrue(r.err().endsWith(n + " packets captured\n"), r.err());
            assertEquals(n, r.out().lines().count());
        }
        try (CaptureReader r = CaptureReader.open(written)) {
            while (r.next() != null) {
                // read to the end: the statistics block follows the last frame
            }
            List<dev.cellscope.io.InterfaceStatistics> isb = r.statistics();
            assertEquals(1, isb.size(), "-w of a live capture ends with its Interface Statistics Block");
            assertEquals((long) n, isb.getFirst().received().orElseThrow(), "isb_ifrecv");
            assertEquals(0L, isb.getFirst().osDrops().orElseThrow(), "isb_osdrop");
        }
        // tshark 4.0 shows no statistics block; read -z isb does (docs/PROBE.md).
        Cli.Result listed = Cli.run("read", "-r", written.toString(), "-q", "-z", "isb");
        assertEquals(0, listed.exit(), listed.err());
        assertTrue(listed.out().matches("(?s)=== Interface Statistics Blocks ===\ninterface 0 \\(" + Pattern.quote(veth.captureInterface)
                + "\\) at \\S+ ifrecv=" + n + "( ifdrop=\\d+)? osdrop=0 starttime=\\S+\n=+\n"), listed.out());
        List<byte[]> sent = frames(sample), got = frames(written);
        assertEquals(sent.size(), got.size());
        for (int i = 0; i < sent.size(); i++) assertArrayEquals(sent.get(i), got.get(i), "frame " + (i + 1));
        Cli.Result tshark = Cli.tool("tshark", "-r", written.toString(), "-T", "fields", "-e", "frame.number");
        if (tshark != null) { // tshark reads what -w wrote (the run-tests script installs it)
            assertEquals(0, tshark.exit(), tshark.err());
            assertEquals(n, tshark.lines().size());
        }
    }

    /**
     * A full disk under {@code -w}: as dumpcap, the file keeps every whole frame written before it (tshark reads them
     * all), the error is one line saying so, the count line still comes, exit 1 (review: the whole capture was deleted).
     */
    @Test
    void aFullDiskKeepsTheFramesWrittenBeforeIt() throws Exception {
        Path mount = Files.createDirectories(dir.resolve("full"));
        VethPair.Result mounted = VethPair.run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString());
        Assumptions.assumeTrue(mounted.exit() == 0, () -> "cannot mount a tmpfs to fill (needs CAP_SYS_ADMIN): " + mounted.output());
        Path written = mount.resolve("out.pcapng");
        try (Running r = new Running("fulldisk", "read", "-i", veth.captureInterface, "-q", "-w", written.toString())) {
            r.awaitCapturing(veth.captureInterface);
            veth.replay(SAMPLES.resolve("lossy-mesh.pcapng"), "--topspeed", "--loop=4"); // 1.5 MB into 1 MiB
            assertEquals(1, r.exit(60), r.err());
            String err = Cli.errors(new Cli.Result(1, "", r.err()));
            java.util.regex.Matcher m = Pattern.compile("(?m)^cellscope: " + Pattern.quote(written.toString())
                    + ": cannot write: No space left on device \\(the (\\d+) frames written before it are kept\\)$").matcher(err);
            assertTrue(m.find(), err);
            assertTrue(Pattern.compile("(?m)^\\d+ packets captured$").matcher(err).find(), err);
            int kept = Integer.parseInt(m.group(1));
            assertTrue(kept > 500, kept + " frames kept"); // about 1 MiB of them
            assertEquals(kept, frames(written).size(), "the file reads cleanly up to its last whole frame");
            Cli.Result tshark = Cli.tool("tshark", "-r", written.toString(), "-T", "fields", "-e", "frame.number");
            if (tshark != null) {
                assertEquals(0, tshark.exit(), tshark.err());
                assertEquals(kept, tshark.lines().size());
            }
        } finally {
            VethPair.run("umount", "-l", mount.toString());
        }
    }

    /** After kill -9 the file is in place under its name, every frame flushed (review: only a hidden temporary file remained). */
    @Test
    void killNineLeavesTheFileInPlaceWithEveryFrameFlushed() throws Exception {
        Path sample = SAMPLES.resolve("quickstart.pcapng");
        Path written = dir.resolve("k9.pcapng");
        try (Running r = new Running("kill9", "read", "-i", veth.captureInterface, "-q", "-w", written.toString())) {
            r.awaitCapturing(veth.captureInterface);
            veth.replay(sample, "--topspeed");
            Thread.sleep(1000);
            r.signal("KILL");
            r.exit(10);
        }
        List<byte[]> sent = frames(sample), got = frames(written);
        assertEquals(sent.size(), got.size());
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith(".k9")).toList(), "no temporary file");
        }
    }

    /**
     * SIGTERM while frames still flow: the last statistics block accounts for every frame it counts as received,
     * written or dropped (review: isb_ifrecv 13050 for 12918 frames written and none dropped; dumpcap's are equal).
     */
    @Test
    void sigtermDuringTrafficLeavesAStatisticsBlockThatAddsUp() throws Exception {
        Path written = dir.resolve("busy.pcapng");
        Process replay = null;
        try (Running r = new Running("busy", "read", "-i", veth.captureInterface, "-q", "-w", written.toString())) {
            r.awaitCapturing(veth.captureInterface);
            List<String> cmd = new ArrayList<>(veth.inNamespace());
            cmd.addAll(List.of("tcpreplay", "-i", veth.sendInterface, "--pps=5000", "--loop=100", SAMPLES.resolve("lossy-mesh.pcapng").toString()));
            replay = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("busy.tcpreplay").toFile()).start();
            Thread.sleep(1500);
            r.signal("TERM");
            assertEquals(0, r.exit(10), r.err());
            assertTrue(replay.isAlive(), "frames were still flowing at the SIGTERM: " + Files.readString(dir.resolve("busy.tcpreplay")));
        } finally {
            if (replay != null) replay.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        long frames = 0;
        List<dev.cellscope.io.InterfaceStatistics> isb;
        try (CaptureReader r = CaptureReader.open(written)) {
            while (r.next() != null) frames++;
            isb = r.statistics();
        }
        assertTrue(frames > 1000, frames + " frames");
        dev.cellscope.io.InterfaceStatistics last = isb.getLast();
        assertEquals(frames + last.osDrops().orElseThrow(), last.received().orElseThrow(),
                "isb_ifrecv = frames written + isb_osdrop (" + frames + " written)");
    }

    static List<byte[]> frames(Path capture) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(capture)) {
            Packet p;
            while ((p = r.next()) != null) out.add(p.data().toArray(ValueLayout.JAVA_BYTE));
        }
        return out;
    }

    @Test
    void aDurationEndsTheCaptureOnTime() throws Exception {
        // A fraction of a second, as tshark takes it (review: duration:1.5 was refused).
        try (Running r = new Running("duration", "read", "-i", veth.captureInterface, "-a", "duration:1.5")) {
            r.awaitCapturing(veth.captureInterface);
            long t0 = System.nanoTime();
            assertEquals(0, r.exit(30), r.err());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms > 1000 && ms < 3000, "a 1.5 s capture ended after " + ms + " ms");
            assertTrue(r.err().endsWith("0 packets captured\n"), r.err());
        }
    }

    @Test
    void dashDListsTheVethNumberedAndDashIAcceptsItsNumber() throws Exception {
        Cli.Result r = Cli.run("read", "-D");
        assertEquals(0, r.exit(), r.err());
        String line = r.lines().stream().filter(l -> l.matches("\\d+\\. " + Pattern.quote(veth.captureInterface) + "( .*)?")).findFirst()
                .orElseThrow(() -> new AssertionError(veth.captureInterface + " not in\n" + r.out()));
        assertTrue(r.lines().stream().anyMatch(l -> l.matches("\\d+\\. lo \\(Loopback\\)  127\\.0\\.0\\.1, ::1.*")), r.out());
        for (int i = 0; i < r.lines().size(); i++) assertTrue(r.lines().get(i).startsWith((i + 1) + ". "), r.lines().get(i));
        String number = line.substring(0, line.indexOf('.'));
        try (Running c = new Running("bynumber", "read", "-i", number, "-a", "duration:1")) {
            c.awaitCapturing(veth.captureInterface);
            assertEquals(0, c.exit(30), c.err());
        }
    }

    // ---- what a user gets wrong: one line, the right exit code ----

    @Test
    void anInterfaceThatDoesNotExistIsOneLineNamingTheOnesThatDo() throws Exception {
        Cli.Result r = Cli.run("read", "-i", "nosuch0", "-c", "1");
        assertEquals(1, r.exit(), r.err());
        String err = Cli.errors(r);
        assertTrue(err.matches("cellscope: nosuch0: no such interface \\(here: .*" + Pattern.quote(veth.captureInterface)
                + ".*; cellscope read -D lists them\\)\n"), err);
    }

    @Test
    void aBadCaptureFilterIsAUsageErrorWithLibpcapsReason() throws Exception {
        Cli.Result r = Cli.run("read", "-i", veth.captureInterface, "-f", "ether proto 0x88b5 or udp prot 34997");
        assertEquals(2, r.exit(), r.err());
        assertEquals("cellscope: -f: bad capture filter 'ether proto 0x88b5 or udp prot 34997': can't parse filter expression: syntax error\n",
                Cli.errors(r));
    }

    @Test
    void twoPassesOfALiveInterfaceAreRefused() throws Exception {
        Cli.Result r = Cli.run("read", "-i", veth.captureInterface, "-2", "-z", "expert");
        assertEquals(2, r.exit(), r.err());
        assertEquals("cellscope: -2 needs a capture file: a live interface cannot be read twice (capture with -w FILE, then read -r FILE -2)\n",
                Cli.errors(r));
    }

    @Test
    void liveOptionsWithAFileAndMixedSourcesAreRefused() throws Exception {
        String sample = SAMPLES.resolve("quickstart.pcapng").toString();
        Cli.Result f = Cli.run("read", "-r", sample, "-f", "udp");
        assertEquals(2, f.exit(), f.err());
        assertEquals("cellscope: -f is a live-capture option (with -i INTERFACE); to select frames of a file use the display filter -Y\n", Cli.errors(f));
        Cli.Result both = Cli.run("read", "-r", sample, "-i", veth.captureInterface);
        assertEquals(2, both.exit());
        assertEquals("cellscope: -r and -i cannot be used together: read a file or capture live, not both\n", Cli.errors(both));
        Cli.Result none = Cli.run("read", "-c", "1");
        assertEquals(2, none.exit());
        assertEquals("cellscope: read needs -r FILE or -i INTERFACE (cellscope read -D lists the interfaces)\n", Cli.errors(none));
        Cli.Result autostop = Cli.run("read", "-i", veth.captureInterface, "-a", "filesize:100");
        assertEquals(2, autostop.exit());
        assertEquals("cellscope: -a takes duration:SECONDS or packets:N, not 'filesize:100' (ring files come with the probe)\n", Cli.errors(autostop));
        Cli.Result backend = Cli.run("read", "-i", veth.captureInterface, "--backend", "nope");
        assertEquals(2, backend.exit());
        assertTrue(Cli.errors(backend).startsWith("cellscope: --backend: unknown capture backend 'nope' (known: "), Cli.errors(backend));
        assertTrue(Cli.errors(backend).contains("afpacket") && Cli.errors(backend).contains("pcap"), Cli.errors(backend));
    }

    /** Without CAP_NET_RAW (setpriv takes it out of a root child's sets): the fix in one line, the same from every backend. */
    @ParameterizedTest
    @ValueSource(strings = {"pcap", "afpacket"})
    void withoutCapNetRawTheErrorNamesTheFix(String backend) throws Exception {
        String setpriv = VethPair.which("setpriv");
        Assumptions.assumeTrue(setpriv != null, "setpriv not found (Debian package util-linux): cannot drop CAP_NET_RAW for a child JVM");
        try (Running r = new Running(List.of(setpriv, "--inh-caps=-net_raw", "--bounding-set=-net_raw"), "nocap-" + backend,
                "read", "-i", veth.captureInterface, "--backend", backend, "-c", "1")) {
            assertEquals(1, r.exit(60), r.err());
            assertEquals("cellscope: " + veth.captureInterface + ": no permission to capture (needs CAP_NET_RAW): run as root or give the"
                    + " binary cap_net_raw (setcap cap_net_raw,cap_net_admin+eip on the java binary)\n", Cli.errors(new Cli.Result(1, "", r.err())));
        }
    }
}
