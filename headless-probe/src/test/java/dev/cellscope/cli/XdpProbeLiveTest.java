package dev.cellscope.cli;

import dev.cellscope.live.Backends;
import dev.cellscope.live.LiveBackend;
import dev.cellscope.live.testing.VethPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cellscope probe -i IF --backend xdp} on the veth pair, as {@link ProbeLiveTest} runs the
 * other backends (its helpers, the same oracles): the ring files hold the sample byte for byte
 * (tshark reads them), and the flow records, findings and traffic counters are those of the probe's
 * run over the sample file. Afterwards nothing is left: no XDP program on the interface
 * ({@code ip link show}), also after SIGTERM mid-capture, and no promiscuous mode. Each failure
 * (no privilege, another XDP program in the way) is one line with exit code 1.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class XdpProbeLiveTest {
    private static VethPair veth;

    @BeforeAll
    static void pair() throws Exception {
        LiveBackend xdp = Backends.all().stream().filter(b -> b.name().equals("xdp")).findFirst().orElseThrow();
        Assumptions.assumeTrue(xdp.available().ok(), () -> "AF_XDP cannot run here: " + xdp.available().reason());
        veth = VethPair.createOrSkip("probe on a veth pair");
    }

    @AfterAll
    static void remove() throws Exception {
        if (veth != null) veth.close();
    }

    private static boolean hasXdp() throws Exception {
        return VethPair.run("ip", "link", "show", veth.captureInterface).output().contains("xdp");
    }

    private static void assertNothingLeft() throws Exception {
        assertFalse(hasXdp(), "no XDP program after the probe: " + VethPair.run("ip", "link", "show", veth.captureInterface).output());
        long flags = Long.decode(Files.readString(Path.of("/sys/class/net", veth.captureInterface, "flags")).strip());
        assertEquals(0, flags & 0x100, "IFF_PROMISC off after the probe");
    }

    @ParameterizedTest
    @ValueSource(strings = {"lossy-mesh", "tether-overrun"})
    void liveProbeThroughXdpAgreesWithTheSampleAndWithItsRunOnTheFile(String name, @TempDir Path dir) throws Exception {
        Path sample = ProbeLiveTest.SAMPLES.resolve(name + ".pcapng"), ring = dir.resolve("ring");
        int n = LiveReadTest.frameCount(sample);
        ProbeLiveTest.Run file = ProbeLiveTest.probe(Files.createDirectories(dir.resolve("file")), n, null, "-r", sample.toString());
        ProbeLiveTest.Run live = ProbeLiveTest.probe(Files.createDirectories(dir.resolve("live")), n, () -> {
                    assertTrue(hasXdp(), "the program is on the interface while capturing");
                    veth.replay(sample, "--pps=2000");
                },
                "-i", veth.captureInterface, "--backend", "xdp", "-f", ProbeLiveTest.FILTER, "--ring", ring.toString(), "--ring-packets", "100");

        assertTrue(live.stderr().contains("cellscope: capturing on '" + veth.captureInterface + "' (backend xdp: XDP native, copy mode, 1 queue, busy poll off)"),
                live.stderr());
        ProbeLiveTest.assertLiveRunIsTheSample(ring, sample, n, file, live);
        assertNothingLeft();
    }

    /**
     * A veth of 2 queues read with {@code --queues 2 --busy-poll}: the start-up line says so, the flow
     * records are those of the run over the file (a flow stays on one queue, so its frames stay in
     * order), and the final per-queue line adds up to every frame of the sample.
     */
    @Test
    void twoQueuesWithBusyPollingAgreeWithTheFileAndCountPerQueue(@TempDir Path dir) throws Exception {
        Path sample = ProbeLiveTest.SAMPLES.resolve("lossy-mesh.pcapng");
        int n = LiveReadTest.frameCount(sample);
        ProbeLiveTest.Run file = ProbeLiveTest.probe(Files.createDirectories(dir.resolve("file")), n, null, "-r", sample.toString());
        try (VethPair two = VethPair.create(2)) {
            ProbeLiveTest.Run live = ProbeLiveTest.probe(Files.createDirectories(dir.resolve("live")), n, () -> two.replay(sample, "--pps=2000"),
                    "-i", two.captureInterface, "--backend", "xdp", "--queues", "2", "--busy-poll");
            assertTrue(live.stderr().contains("cellscope: capturing on '" + two.captureInterface + "' (backend xdp: XDP native, copy mode, 2 queues, busy poll on)"),
                    live.stderr());
            assertEquals(file.flowRows(), live.flowRows(), "flow end records (time columns aside)");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("cellscope: per queue: queue 0: (\\d+) frames, 0 dropped; queue 1: (\\d+) frames, 0 dropped\n")
                    .matcher(live.stderr());
            assertTrue(m.find(), live.stderr());
            assertEquals(n, Long.parseLong(m.group(1)) + Long.parseLong(m.group(2)), live.stderr());
            assertFalse(VethPair.run("ip", "link", "show", two.captureInterface).output().contains("xdp"), "detached");
        }
    }

    /** --queues and --busy-poll name the backends they are for: a usage error (exit 2) with another. */
    @Test
    void queuesAndBusyPollWithAnotherBackendAreUsageErrors() throws Exception {
        Cli.Result q = Cli.run("probe", "-i", veth.captureInterface, "--backend", "afpacket", "--queues", "2", "-c", "1");
        assertEquals(2, q.exit(), q.toString());
        assertTrue(Cli.errors(q).contains("--queues is for --backend xdp (the afpacket backend reads one socket or port)"), q.toString());
        Cli.Result b = Cli.run("probe", "-i", veth.captureInterface, "--backend", "afpacket", "--busy-poll", "-c", "1");
        assertEquals(2, b.exit(), b.toString());
        assertTrue(Cli.errors(b).contains("--busy-poll is for --backend xdp or dpdk (the afpacket backend waits on the kernel)"), b.toString());
    }

    /** SIGTERM with traffic flowing: exit 0, and the program is detached (the shutdown path, not only close). */
    @Test
    void sigtermMidCaptureLeavesNoProgramBehind(@TempDir Path dir) throws Exception {
        Path ring = dir.resolve("ring"), flows = Files.createDirectories(dir.resolve("flows"));
        Process replay = null;
        try (ProbeProcess p = ProbeProcess.start("-i", veth.captureInterface, "--backend", "xdp", "--ring", ring.toString(),
                "--ring-packets", "500", "--flows", flows.toString(), "--status-interval", "0")) {
            p.await("capturing line", Duration.ofSeconds(60), () -> ProbeLiveTest.stderrOf(p).contains("cellscope: capturing on"));
            assertTrue(hasXdp(), "attached while capturing");
            List<String> cmd = new ArrayList<>(veth.inNamespace());
            cmd.addAll(List.of("tcpreplay", "-i", veth.sendInterface, "--pps=5000", "--loop=100",
                    ProbeLiveTest.SAMPLES.resolve("lossy-mesh.pcapng").toString()));
            replay = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.await("a second ring file", Duration.ofSeconds(60), () -> {
                try {
                    return ProbeLiveTest.ringFiles(ring).size() >= 2;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            assertTrue(replay.isAlive(), "the replay still runs: the probe is stopped mid-capture");
            p.signal("TERM");
            assertEquals(0, p.exit(Duration.ofSeconds(20)), p.stderr());
        } finally {
            if (replay != null) replay.destroyForcibly().waitFor();
        }
        assertNothingLeft();
    }

    // ---- failures: one line, exit code 1, nothing attached ----

    private static Process start(Path dir, String name, List<String> prefix, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(dir.resolve(name + ".err").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    }

    private static String err(Path dir, String name) throws Exception {
        return Cli.errors(new Cli.Result(0, "", Files.readString(dir.resolve(name + ".err"), StandardCharsets.UTF_8)));
    }

    private static int exit(Process p, Path dir, String name) throws Exception {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("still running after 60 s\n" + err(dir, name));
        }
        return p.exitValue();
    }

    /** Without libxdp (hidden under /dev/null in a mount namespace of the child's own): one line naming the package, exit 1. */
    @Test
    void withoutLibxdpTheErrorNamesThePackageAndExits1(@TempDir Path dir) throws Exception {
        String unshare = VethPair.which("unshare");
        Assumptions.assumeTrue(unshare != null, "unshare not found (Debian package util-linux): cannot hide a library from a child JVM");
        Path lib = Path.of("/usr/lib/x86_64-linux-gnu/libxdp.so.1");
        Assumptions.assumeTrue(Files.exists(lib), lib + " not found: nothing to hide");
        Process p = start(dir, "nolib", List.of(unshare, "-m", "sh", "-c", "mount --bind /dev/null \"$0\" && exec \"$@\"", lib.toString()),
                "probe", "-i", veth.captureInterface, "--backend", "xdp", "-c", "1");
        assertEquals(1, exit(p, dir, "nolib"), err(dir, "nolib"));
        assertEquals("cellscope: backend xdp cannot run here: AF_XDP needs libxdp: libxdp.so.1 not found: install it (apt-get install libxdp1)\n",
                err(dir, "nolib"));
        assertNothingLeft();
    }

    /** Without CAP_NET_RAW (setpriv takes it out of a root child's sets): the same line as every backend's. */
    @Test
    void withoutCapNetRawTheErrorNamesTheFix(@TempDir Path dir) throws Exception {
        String setpriv = VethPair.which("setpriv");
        Assumptions.assumeTrue(setpriv != null, "setpriv not found (Debian package util-linux): cannot drop CAP_NET_RAW for a child JVM");
        Process p = start(dir, "nocap", List.of(setpriv, "--inh-caps=-net_raw", "--bounding-set=-net_raw"),
                "probe", "-i", veth.captureInterface, "--backend", "xdp", "-c", "1");
        assertEquals(1, exit(p, dir, "nocap"), err(dir, "nocap"));
        assertEquals("cellscope: " + veth.captureInterface + ": no permission to capture (needs CAP_NET_RAW): run as root or give the"
                + " binary cap_net_raw (setcap cap_net_raw,cap_net_admin+eip on the java binary)\n", err(dir, "nocap"));
        assertNothingLeft();
    }

    /** Another XDP program (attached by ip, without libxdp's dispatcher) is in the way: one line naming the fix; it stays as it was. */
    @Test
    void anotherXdpProgramInTheWayIsOneLineNamingTheFix(@TempDir Path dir) throws Exception {
        Path object = Path.of("/usr/lib/x86_64-linux-gnu/bpf/xsk_def_xdp_prog.o");
        Assumptions.assumeTrue(Files.exists(object), "libxdp1's " + object + " not found: it is the foreign program");
        VethPair.Result r = VethPair.run("ip", "link", "set", "dev", veth.captureInterface, "xdpgeneric", "obj", object.toString(), "sec", "xdp");
        Assumptions.assumeTrue(r.exit() == 0, () -> "ip cannot attach an XDP program here: " + r.output());
        try {
            Process p = start(dir, "busy", List.of(), "probe", "-i", veth.captureInterface, "--backend", "xdp", "-c", "1");
            assertEquals(1, exit(p, dir, "busy"), err(dir, "busy"));
            String e = err(dir, "busy");
            String i = veth.captureInterface;
            assertTrue(e.startsWith("cellscope: " + i + ": '" + i + "' already has an XDP program that libxdp cannot share (remove it: xdp-loader unload "
                    + i + " --all; Debian package xdp-tools)") && e.lines().count() == 1, e);
            assertTrue(hasXdp(), "the foreign program is still there");
        } finally {
            VethPair.run("ip", "link", "set", "dev", veth.captureInterface, "xdpgeneric", "off");
        }
        assertNothingLeft();
    }
}
