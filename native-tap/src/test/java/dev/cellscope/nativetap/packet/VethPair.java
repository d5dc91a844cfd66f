package dev.cellscope.nativetap.packet;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A veth pair in this network namespace, named {@code cs-<pid><tag>a}/{@code …b} so parallel
 * runs (other worktrees, other test classes) never collide. {@link #create} skips the calling
 * test, saying why, where one cannot be made; {@link #close} deletes it (and any nftables
 * table added through {@link #dropOnIngressOfB}) and is safe to call more than once.
 */
final class VethPair implements AutoCloseable {
    final String a, b;
    private final List<String> tables = new ArrayList<>();
    private boolean closed;

    private VethPair(String a, String b) {
        this.a = a;
        this.b = b;
    }

    /** Creates and brings up the pair, or skips the test (JUnit assumption) with the reason. */
    static VethPair create(String tag) throws IOException, InterruptedException {
        Assumptions.assumeTrue(System.getProperty("os.name", "").startsWith("Linux"), "veth tests need Linux, not " + System.getProperty("os.name"));
        Path ip = SockaddrLlLayoutTest.which("ip");
        Assumptions.assumeTrue(ip != null, "'ip' not found (Debian package iproute2): cannot create a veth pair");
        String caps = missingCapabilities();
        Assumptions.assumeTrue(caps.isEmpty(), "not root: this process lacks " + caps + " (veth pairs need CAP_NET_ADMIN, AF_PACKET needs CAP_NET_RAW)");
        String base = "cs-" + ProcessHandle.current().pid() + tag;
        VethPair p = new VethPair(base + "a", base + "b");
        var r = SockaddrLlLayoutTest.run(ip.toString(), "link", "add", p.a, "type", "veth", "peer", "name", p.b);
        Assumptions.assumeTrue(r.error().isEmpty(), "cannot create a veth pair (no veth support in this kernel?): ip link add: " + r.error().strip());
        try {
            p.ip("link", "set", p.a, "up");
            p.ip("link", "set", p.b, "up");
            p.awaitOperationallyUp();
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    /**
     * Waits (5 s at most) until the kernel calls both ends up. Until its link watcher has run, a new veth's queue
     * discipline is the no-op one, which drops what is sent: PacketSocketVethTest's first frame vanished once under
     * load. The link watcher sets operstate, so "up" there means frames go through.
     */
    private void awaitOperationallyUp() throws IOException, InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        for (String side : List.of(a, b)) {
            Path state = Path.of("/sys/class/net", side, "operstate");
            while (!Files.readString(state).strip().equals("up")) {
                if (System.nanoTime() > end) throw new IOException(side + " is still " + Files.readString(state).strip() + " 5 s after 'ip link set up'");
                Thread.sleep(10);
            }
        }
    }

    /** CAP_NET_ADMIN (12) and CAP_NET_RAW (13) from the effective set in /proc/self/status. */
    private static String missingCapabilities() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("CapEff:")) {
                long eff = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                String missing = ((eff >>> 12 & 1) == 0 ? " CAP_NET_ADMIN" : "") + ((eff >>> 13 & 1) == 0 ? " CAP_NET_RAW" : "");
                return missing.strip();
            }
        }
        return "(unknown capabilities: no CapEff in /proc/self/status)";
    }

    /** The MAC the kernel gave an end, from sysfs (an independent source for checking SIOCGIFHWADDR). */
    long macOf(String end) throws IOException {
        return MacAddress.parse(Files.readString(Path.of("/sys/class/net", end, "address")));
    }

    void ip(String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "ip";
        System.arraycopy(args, 0, cmd, 1, args.length);
        var r = SockaddrLlLayoutTest.run(cmd);
        if (!r.error().isEmpty()) throw new IOException(String.join(" ", cmd) + ": " + r.error().strip());
    }

    /**
     * Adds an nftables netdev table dropping {@code percent}% of 0x88B5 frames at random on the
     * ingress of end b, with a counter; returns the table's name. Skips when nft is missing.
     */
    String dropOnIngressOfB(int percent) throws IOException, InterruptedException {
        Path nft = SockaddrLlLayoutTest.which("nft");
        Assumptions.assumeTrue(nft != null, "'nft' not found (Debian package nftables): cannot inject loss on the veth");
        String table = "cs_" + ProcessHandle.current().pid() + "_" + b.replace('-', '_');
        nft(nft, "add", "table", "netdev", table);
        tables.add(table);
        nft(nft, "add", "chain", "netdev", table, "c", "{ type filter hook ingress device " + b + " priority 0; }");
        nft(nft, "add", "rule", "netdev", table, "c", "meta", "protocol", "0x88b5",
                "numgen", "random", "mod", "100", "<", Integer.toString(percent), "counter", "drop");
        return table;
    }

    /** Packets the table's drop rule counted. */
    long droppedBy(String table) throws IOException, InterruptedException {
        var r = SockaddrLlLayoutTest.run("nft", "list", "chain", "netdev", table, "c");
        if (!r.error().isEmpty()) throw new IOException("nft list chain: " + r.error().strip());
        var m = java.util.regex.Pattern.compile("counter packets (\\d+)").matcher(r.output());
        if (!m.find()) throw new IOException("no counter in: " + r.output());
        return Long.parseLong(m.group(1));
    }

    private static void nft(Path nft, String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = nft.toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        var r = SockaddrLlLayoutTest.run(cmd);
        if (!r.error().isEmpty()) throw new IOException(String.join(" ", cmd) + ": " + r.error().strip());
    }

    void deleteTable(String table) throws IOException, InterruptedException {
        if (tables.remove(table)) SockaddrLlLayoutTest.run("nft", "delete", "table", "netdev", table);
    }

    /** Deletes the tables and the pair (deleting one end removes both); reports but never throws. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            for (String t : List.copyOf(tables)) deleteTable(t);
            var r = SockaddrLlLayoutTest.run("ip", "link", "del", a);
            if (!r.error().isEmpty()) System.err.println("cleanup: ip link del " + a + ": " + r.error().strip());
        } catch (IOException | InterruptedException e) {
            System.err.println("cleanup of " + a + "/" + b + " failed: " + e);
        }
    }
}
