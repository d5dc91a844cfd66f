package dev.cellscope.cli;

import dev.cellscope.io.CaptureReader;
import dev.cellscope.live.Backends;
import dev.cellscope.live.LiveBackend;
import dev.cellscope.live.testing.VethPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cellscope read -i IF --backend dpdk} as a user runs it, in a child JVM (the EAL starts once
 * per process, so each case is a process of its own): what it writes is the replayed sample (tshark
 * reads it), and each failure is one line with exit code 1.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DpdkLiveReadTest {
    static final Path SAMPLES = Path.of("..", "samples", "captures").toAbsolutePath().normalize();
    private static VethPair veth;

    @TempDir
    static Path dir;

    @BeforeAll
    static void pair() throws Exception {
        LiveBackend dpdk = Backends.all().stream().filter(b -> b.name().equals("dpdk")).findFirst().orElseThrow();
        Assumptions.assumeTrue(dpdk.available().ok(), () -> "DPDK cannot run here: " + dpdk.available().reason());
        veth = VethPair.createOrSkip("live capture on a veth pair");
    }

    @AfterAll
    static void remove() throws Exception {
        if (veth != null) veth.close();
    }

    /** The child JVM: {@code prefix} before java (setpriv), {@code env} added to its environment. */
    private static Process start(String name, List<String> prefix, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().putAll(env);
        return pb.start();
    }

    private static String err(String name) throws Exception {
        return Cli.errors(new Cli.Result(0, "", Files.readString(dir.resolve(name + ".err"), StandardCharsets.UTF_8)));
    }

    private static int exit(Process p, String name) throws Exception {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("still running after 60 s\n" + err(name));
        }
        return p.exitValue();
    }

    /** Replayed onto the veth, captured with -c N -w: the sample's frames, byte for byte, which tshark reads too; the ISB counts them. */
    @Test
    void theCliCapturesTheReplayedSampleThroughDpdk() throws Exception {
        Path sample = SAMPLES.resolve("mixed-wire.pcapng");
        List<byte[]> sent = LiveReadTest.frames(sample);
        Path written = dir.resolve("dpdk.pcapng");
        Process p = start("capture", List.of(), Map.of(), "read", "-i", veth.captureInterface, "--backend", "dpdk",
                "-c", Integer.toString(sent.size()), "-w", written.toString());
        try {
            awaitCapturing(p, "capture");
            veth.replay(sample, "--topspeed");
            assertEquals(0, exit(p, "capture"), err("capture"));
        } finally {
            p.destroyForcibly();
        }
        assertEquals("Capturing on '" + veth.captureInterface + "'\n" + sent.size() + " packets captured\n", err("capture"));
        List<byte[]> got = LiveReadTest.frames(written);
        assertEquals(sent.size(), got.size());
        for (int i = 0; i < sent.size(); i++) assertArrayEquals(sent.get(i), got.get(i), "frame " + (i + 1));
        try (CaptureReader r = CaptureReader.open(written)) {
            while (r.next() != null) {
                // to the end: the statistics block follows the last frame
            }
            var isb = r.statistics();
            assertEquals(1, isb.size(), "-w of a live capture ends with its Interface Statistics Block");
            assertEquals((long) sent.size(), isb.getFirst().received().orElseThrow(), "isb_ifrecv");
            assertEquals(0L, isb.getFirst().osDrops().orElseThrow(), "isb_osdrop");
        }
        Cli.Result tshark = Cli.tool("tshark", "-r", written.toString(), "-T", "fields", "-e", "frame.len");
        Assumptions.assumeTrue(tshark != null, "tshark not found (Debian package tshark): the independent reader");
        Cli.Result expected = Cli.tool("tshark", "-r", sample.toString(), "-T", "fields", "-e", "frame.len");
        assertEquals(0, tshark.exit(), tshark.err());
        assertEquals(expected.out(), tshark.out(), "tshark reads the same frame lengths from the capture as from the sample");
    }

    private static void awaitCapturing(Process p, String name) throws Exception {
        Pattern started = Pattern.compile("Capturing on '" + Pattern.quote(veth.captureInterface) + "'");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            if (started.matcher(err(name)).find()) return;
            if (!p.isAlive()) throw new AssertionError("ended (exit " + p.exitValue() + ") before capturing\n" + err(name));
            Thread.sleep(20);
        }
        throw new AssertionError("not capturing within 60 s\n" + err(name));
    }

    @Test
    void anEalThatRefusesItsArgumentsIsOneLine() throws Exception {
        Process p = start("badeal", List.of(), Map.of("CELLSCOPE_DPDK_EAL_ARGS", "--no-huge --bogus-eal-option"),
                "read", "-i", veth.captureInterface, "--backend", "dpdk", "-c", "1");
        assertEquals(1, exit(p, "badeal"), err("badeal"));
        assertEquals("cellscope: DPDK's EAL refused its arguments (--no-huge --bogus-eal-option): unrecognized option '--bogus-eal-option'\n",
                err("badeal"));
        assertEquals("", Files.readString(dir.resolve("badeal.out")), "EAL's usage text is not on stdout");
    }

    @Test
    void aMissingInterfaceIsOneLine() throws Exception {
        Process p = start("nosuch", List.of(), Map.of(), "read", "-i", "nosuch0", "--backend", "dpdk", "-c", "1");
        assertEquals(1, exit(p, "nosuch"), err("nosuch"));
        String e = err("nosuch");
        assertTrue(e.startsWith("cellscope: nosuch0: no such interface (here: ") && e.endsWith("; cellscope read -D lists them)\n")
                && e.lines().count() == 1, e);
    }

    /** Raw EAL arguments name the ports; -i naming none of them says how to give one. */
    @Test
    void aPortTheEalDoesNotHaveIsOneLine() throws Exception {
        Process p = start("noport", List.of(), Map.of("CELLSCOPE_DPDK_EAL_ARGS", "--no-huge --no-shconf -m 256 --no-pci --no-telemetry --file-prefix=cs-noport-" + ProcessHandle.current().pid()),
                "read", "-i", "0000:3b:00.0", "--backend", "dpdk", "-c", "1");
        assertEquals(1, exit(p, "noport"), err("noport"));
        assertEquals("cellscope: 0000:3b:00.0: DPDK has no port 0000:3b:00.0 (give the EAL the device with -a PCI-ADDRESS or --vdev,"
                + " or name a kernel interface without raw EAL arguments)\n", err("noport"));
    }

    /** User review: a --vdev that the EAL was given but could not make said only "give the EAL the device with --vdev". */
    @Test
    void aVirtualDeviceThatFailedQuotesItsDriver() throws Exception {
        Process p = start("badvdev", List.of(), Map.of("CELLSCOPE_DPDK_EAL_ARGS", "--no-huge --no-shconf -m 256 --no-pci --no-telemetry --file-prefix=cs-badvdev-"
                        + ProcessHandle.current().pid() + " --vdev=net_pcap0,iface=nosuch0"),
                "read", "-i", "net_pcap0", "--backend", "dpdk", "-c", "1");
        assertEquals(1, exit(p, "badvdev"), err("badvdev"));
        String e = err("badvdev");
        assertTrue(e.startsWith("cellscope: net_pcap0: DPDK has no port net_pcap0 (the EAL's log: ") && e.contains("Couldn't open nosuch0")
                && e.lines().count() == 1, e);
    }

    /**
     * User review: an af_xdp device the kernel refuses (XDP on a veth whose peer's MTU is 9000) printed 253 lines of
     * libbpf's and libxdp's retries before the one that mattered. Now one line, with libbpf's reason.
     */
    @Test
    void anAfXdpDeviceTheKernelRefusesIsOneLine() throws Exception {
        try {
            mtu(9000);
            Process p = start("xdpmtu", List.of(), Map.of(), "read", "-i", "af_xdp:" + veth.captureInterface, "--backend", "dpdk", "-c", "1");
            assertEquals(1, exit(p, "xdpmtu"), err("xdpmtu"));
            String e = err("xdpmtu");
            // one line; the reason is libbpf's from DPDK's log (the kernel's "Peer MTU is too large to set XDP" where it says so)
            assertTrue(e.lines().count() == 1 && e.startsWith("cellscope: af_xdp:" + veth.captureInterface + ": DPDK port ")
                    && e.contains(": rte_eth_rx_queue_setup failed (libbpf: "), e);
        } finally {
            mtu(1500);
        }
    }

    private static void mtu(int mtu) throws Exception {
        assertEquals(0, VethPair.run("ip", "link", "set", veth.captureInterface, "mtu", Integer.toString(mtu)).exit());
        assertEquals(0, VethPair.run("ip", "-n", veth.namespace, "link", "set", veth.sendInterface, "mtu", Integer.toString(mtu)).exit());
    }

    /**
     * Without DPDK's libraries (librte_eal hidden under /dev/null in a mount namespace of the child's
     * own): a start failure like the other backends' (exit 1), one line naming the packages.
     */
    @Test
    void withoutTheDpdkLibrariesTheErrorNamesThePackagesAndExits1() throws Exception {
        String unshare = VethPair.which("unshare");
        Assumptions.assumeTrue(unshare != null, "unshare not found (Debian package util-linux): cannot hide a library from a child JVM");
        Path eal = Path.of("/usr/lib/x86_64-linux-gnu/librte_eal.so.23");
        Assumptions.assumeTrue(Files.exists(eal), eal + " not found: nothing to hide");
        Process p = start("nolib", List.of(unshare, "-m", "sh", "-c", "mount --bind /dev/null \"$0\" && exec \"$@\"", eal.toString()), Map.of(),
                "read", "-i", veth.captureInterface, "--backend", "dpdk", "-c", "1");
        assertEquals(1, exit(p, "nolib"), err("nolib"));
        assertEquals("cellscope: backend dpdk cannot run here: the DPDK 22.11 libraries are not installed (librte_eal.so.23 not found):"
                + " install the Debian packages dpdk and librte-net-af-xdp23 (apt-get install dpdk librte-net-af-xdp23)\n", err("nolib"));
    }

    /** Without CAP_NET_RAW (setpriv takes it out of a root child's sets): the same line as every backend's. */
    @Test
    void withoutCapNetRawTheErrorNamesTheFix() throws Exception {
        String setpriv = VethPair.which("setpriv");
        Assumptions.assumeTrue(setpriv != null, "setpriv not found (Debian package util-linux): cannot drop CAP_NET_RAW for a child JVM");
        Process p = start("nocap", List.of(setpriv, "--inh-caps=-net_raw", "--bounding-set=-net_raw"), Map.of(),
                "read", "-i", veth.captureInterface, "--backend", "dpdk", "-c", "1");
        assertEquals(1, exit(p, "nocap"), err("nocap"));
        assertEquals("cellscope: " + veth.captureInterface + ": no permission to capture (needs CAP_NET_RAW): run as root or give the"
                + " binary cap_net_raw (setcap cap_net_raw,cap_net_admin+eip on the java binary)\n", err("nocap"));
    }

    /**
     * With CAP_NET_RAW but not CAP_NET_ADMIN (setpriv takes it out of a root child's sets): one line naming what is
     * missing and the fix, before DPDK starts. Fails without the check: DPDK's own "rte_eth_dev_start failed
     * (eth_dev_macaddr_set(): ioctl(SIOCSIFHWADDR) failed:Operation not permitted)" (review).
     */
    @Test
    void withoutCapNetAdminTheErrorNamesTheFix() throws Exception {
        String setpriv = VethPair.which("setpriv");
        Assumptions.assumeTrue(setpriv != null, "setpriv not found (Debian package util-linux): cannot drop CAP_NET_ADMIN for a child JVM");
        Process p = start("noadmin", List.of(setpriv, "--inh-caps=-net_admin", "--bounding-set=-net_admin"), Map.of(),
                "read", "-i", veth.captureInterface, "--backend", "dpdk", "-c", "1");
        assertEquals(1, exit(p, "noadmin"), err("noadmin"));
        assertEquals("cellscope: " + veth.captureInterface + ": the dpdk backend needs CAP_NET_ADMIN as well as CAP_NET_RAW on a kernel interface"
                + " (DPDK sets the interface's MAC address and flags when its port starts): run as root, or grant both"
                + " (setpriv --inh-caps=+net_raw,+net_admin --ambient-caps=+net_raw,+net_admin), or use --backend afpacket, which needs CAP_NET_RAW only\n",
                err("noadmin"));
    }
}
