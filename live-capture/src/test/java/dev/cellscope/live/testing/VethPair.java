package dev.cellscope.live.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A veth pair for live-capture tests: the sending end in a network namespace of its own, the
 * capturing end in this (the root) namespace, so the test's JVM and any child it starts capture
 * on it directly. IPv6 is off on both ends, so the kernel adds no frames of its own (router
 * solicitations, MLD) to what a test sends. Names are unique per process and instance; everything
 * made is removed by {@link #close()}, also after a failure half-way.
 */
public final class VethPair implements AutoCloseable {
    private static final AtomicInteger SERIAL = new AtomicInteger();

    public final String namespace, sendInterface, captureInterface;
    /** Receive and transmit queues of each end (veth's numrxqueues/numtxqueues). */
    public final int queues;
    private boolean namespaceMade, vethMade;

    private VethPair(int queues) {
        this.queues = queues;
        long pid = ProcessHandle.current().pid();
        int n = SERIAL.incrementAndGet();
        namespace = "cs-live-" + pid + "-" + n;
        sendInterface = "cl" + pid + "x" + n + "s"; // at most 15 characters
        captureInterface = "cl" + pid + "x" + n + "c";
    }

    /** Why this machine cannot run the veth tests, or null: root's capabilities, ip and tcpreplay. */
    public static String whyNot() throws IOException {
        if (!System.getProperty("os.name", "").startsWith("Linux")) return "needs Linux network namespaces, not " + System.getProperty("os.name");
        String caps = missingCapabilities();
        if (!caps.isEmpty()) return "not root: this process lacks " + caps + " (veth pairs and namespaces need CAP_NET_ADMIN and CAP_SYS_ADMIN, capture needs CAP_NET_RAW)";
        for (String[] tool : new String[][]{{"ip", "iproute2"}, {"tcpreplay", "tcpreplay"}}) {
            if (which(tool[0]) == null) return "'" + tool[0] + "' not found (Debian package " + tool[1] + ")";
        }
        return null;
    }

    /**
     * Skips the calling test (class, from {@code @BeforeAll}) with "{@code what}: why" when {@link #whyNot()}
     * says this machine cannot run veth tests: never a silent pass.
     */
    public static void assumeAvailable(String what) throws IOException {
        String why = whyNot();
        Assumptions.assumeTrue(why == null, () -> what + ": " + why);
    }

    /** {@link #assumeAvailable}, then {@link #create()}: a test class's {@code @BeforeAll} in one line. */
    public static VethPair createOrSkip(String what) throws IOException, InterruptedException {
        assumeAvailable(what);
        return create();
    }

    /** Makes the namespace and the pair, both ends up; throws with the failing command's output. */
    public static VethPair create() throws IOException, InterruptedException {
        return create(1);
    }

    /**
     * A pair whose ends have {@code queues} receive and transmit queues each. The sending end picks a
     * transmit queue per flow (the hash of its addresses and ports, no XPS on a veth), and a veth
     * delivers on the peer's receive queue of the same number: so frames spread over the queues by flow.
     */
    public static VethPair create(int queues) throws IOException, InterruptedException {
        VethPair v = new VethPair(queues);
        try {
            v.make();
            return v;
        } catch (IOException | RuntimeException e) {
            v.close();
            throw e;
        }
    }

    private void make() throws IOException, InterruptedException {
        check(run("ip", "netns", "add", namespace));
        namespaceMade = true;
        String n = Integer.toString(queues);
        check(run("ip", "link", "add", captureInterface, "numrxqueues", n, "numtxqueues", n, "type", "veth",
                "peer", "name", sendInterface, "numrxqueues", n, "numtxqueues", n, "netns", namespace));
        vethMade = true;
        Files.writeString(Path.of("/proc/sys/net/ipv6/conf", captureInterface, "disable_ipv6"), "1");
        check(run("ip", "netns", "exec", namespace, "sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/" + sendInterface + "/disable_ipv6"));
        check(run("ip", "link", "set", captureInterface, "mtu", "9000", "up"));
        check(run("ip", "-n", namespace, "link", "set", sendInterface, "mtu", "9000", "up"));
        awaitOperationallyUp();
    }

    /**
     * Waits (5 s at most) until the kernel calls both ends up. Until its link watcher has run, a new veth's queue
     * discipline is the no-op one, which drops what is sent (a first frame vanished once under load in native-tap's
     * veth tests). The link watcher sets operstate, so "up" there means frames go through.
     */
    private void awaitOperationallyUp() throws IOException, InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (true) {
            String here = Files.readString(Path.of("/sys/class/net", captureInterface, "operstate")).strip();
            String there = run("ip", "-n", namespace, "-o", "link", "show", "dev", sendInterface).output();
            if (here.equals("up") && there.contains(" state UP ")) return;
            if (System.nanoTime() > end) {
                throw new IOException("veth still not up 5 s after 'ip link set up': " + captureInterface + " " + here + "; " + there.strip());
            }
            Thread.sleep(10);
        }
    }

    /** The command prefix that runs a command in the sending end's namespace. */
    public List<String> inNamespace() {
        return List.of(which("ip"), "netns", "exec", namespace);
    }

    /**
     * Sends the frames of {@code capture} out of the sending end with tcpreplay (in order, at
     * {@code rate} options such as {@code --topspeed} or {@code --pps=N}); returns tcpreplay's report.
     */
    public String replay(Path capture, String... rate) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "tcpreplay", "-i", sendInterface));
        cmd.addAll(List.of(rate));
        cmd.add(capture.toString());
        Result r = run(cmd.toArray(String[]::new));
        check(r);
        return r.output();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        List<String> failed = new ArrayList<>();
        if (vethMade) note(failed, run("ip", "link", "del", captureInterface)); // removes both ends
        if (namespaceMade) note(failed, run("ip", "netns", "del", namespace));
        vethMade = namespaceMade = false;
        if (!failed.isEmpty()) System.err.println("VethPair cleanup: " + String.join("; ", failed));
    }

    public record Result(int exit, String output, String command) {}

    private static void note(List<String> failed, Result r) {
        if (r.exit() != 0) failed.add(r.command() + ": exit " + r.exit() + ": " + r.output());
    }

    private static void check(Result r) throws IOException {
        if (r.exit() != 0) throw new IOException(r.command() + ": exit " + r.exit() + ": " + r.output());
    }

    /** Runs a command (30 s at most), output and error together. */
    public static Result run(String... cmd) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of(cmd));
        String path = which(cmd[0]);
        if (path != null) full.set(0, path);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "did not finish in 30 s", String.join(" ", cmd));
        }
        return new Result(p.exitValue(), out, String.join(" ", cmd));
    }

    public static String which(String tool) {
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin").split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, tool);
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    /** CAP_NET_ADMIN (12), CAP_NET_RAW (13) and CAP_SYS_ADMIN (21, for ip netns) from the effective set. */
    private static String missingCapabilities() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("CapEff:")) {
                long eff = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                return (((eff >>> 12 & 1) == 0 ? " CAP_NET_ADMIN" : "") + ((eff >>> 13 & 1) == 0 ? " CAP_NET_RAW" : "")
                        + ((eff >>> 21 & 1) == 0 ? " CAP_SYS_ADMIN" : "")).strip();
            }
        }
        return "(unknown: no CapEff in /proc/self/status)";
    }
}
