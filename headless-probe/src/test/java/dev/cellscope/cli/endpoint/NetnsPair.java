package dev.cellscope.cli.endpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two network namespaces joined by a veth pair, named uniquely for this run, with fixed MACs
 * (so peers are known before anything starts). Everything made is undone by {@link #close},
 * also after a failure half-way through.
 */
final class NetnsPair implements AutoCloseable {
    static final String MAC_A = "02:00:00:00:00:0a", MAC_B = "02:00:00:00:00:0b";
    private static final String LOSS_TABLE = "cellscope_loss";

    final String nsA, nsB, ifA, ifB;
    private boolean nsMadeA, nsMadeB, vethMade, lossOnA;

    NetnsPair() {
        long pid = ProcessHandle.current().pid();
        String run = pid + "-" + Long.toString(System.nanoTime() % 46656, 36);
        nsA = "cs-" + run + "-a";
        nsB = "cs-" + run + "-b";
        ifA = "cse" + pid + "a"; // interface names are at most 15 characters
        ifB = "cse" + pid + "b";
    }

    /** Why this machine cannot run the namespace tests, or null. */
    static String whyNot() throws IOException {
        if (!System.getProperty("os.name", "").startsWith("Linux")) return "needs Linux network namespaces, not " + System.getProperty("os.name");
        String caps = missingCapabilities();
        if (!caps.isEmpty()) return "not root: this process lacks " + caps + " (namespaces and veth need CAP_NET_ADMIN and CAP_SYS_ADMIN, AF_PACKET needs CAP_NET_RAW)";
        for (String[] tool : new String[][]{{"ip", "iproute2"}, {"nft", "nftables"}, {"tcpdump", "tcpdump"}}) {
            if (which(tool[0]) == null) return "'" + tool[0] + "' not found (Debian package " + tool[1] + ")";
        }
        return null;
    }

    /** Creates both namespaces and the veth pair and brings them up; returns why not, or null. */
    String create() throws IOException, InterruptedException {
        String e = run("ip", "netns", "add", nsA);
        if (e != null) return "ip netns add: " + e;
        nsMadeA = true;
        if ((e = run("ip", "netns", "add", nsB)) != null) return "ip netns add: " + e;
        nsMadeB = true;
        if ((e = run("ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB)) != null) {
            return "cannot create a veth pair (no veth support in this kernel?): " + e;
        }
        vethMade = true;
        for (String[] end : new String[][]{{nsA, ifA, MAC_A}, {nsB, ifB, MAC_B}}) {
            if ((e = run("ip", "-n", end[0], "link", "set", end[1], "address", end[2], "up")) != null) return "ip link set: " + e;
        }
        return null;
    }

    /**
     * Drops {@code percent}% of EtherType 0x88B5 frames arriving at A (an nftables netdev ingress
     * rule: this kernel has no netem). Returns why not, or null.
     */
    String lossIntoA(int percent) throws IOException, InterruptedException {
        String e = run("ip", "netns", "exec", nsA, "nft", "add", "table", "netdev", LOSS_TABLE);
        if (e != null) return "nftables netdev table: " + e;
        lossOnA = true;
        if ((e = run("ip", "netns", "exec", nsA, "nft", "add", "chain", "netdev", LOSS_TABLE, "c",
                "{ type filter hook ingress device " + ifA + " priority 0; }")) != null) return "nftables ingress chain: " + e;
        if ((e = run("ip", "netns", "exec", nsA, "nft", "add", "rule", "netdev", LOSS_TABLE, "c", "meta", "protocol", "0x88b5",
                "numgen", "random", "mod", "100", "<", Integer.toString(percent), "drop")) != null) return "nftables drop rule: " + e;
        return null;
    }

    List<String> exec(String ns) {
        return List.of(which("ip"), "netns", "exec", ns);
    }

    /** Undoes what was made, newest first; what fails is reported, not thrown, so the rest still goes. */
    @Override
    public void close() throws IOException, InterruptedException {
        List<String> failed = new ArrayList<>();
        if (lossOnA) note(failed, run("ip", "netns", "exec", nsA, "nft", "delete", "table", "netdev", LOSS_TABLE));
        if (vethMade) note(failed, run("ip", "-n", nsA, "link", "del", ifA)); // removes both ends
        if (nsMadeB) note(failed, run("ip", "netns", "del", nsB));
        if (nsMadeA) note(failed, run("ip", "netns", "del", nsA));
        if (!failed.isEmpty()) System.err.println("NetnsPair cleanup: " + String.join("; ", failed));
    }

    private static void note(List<String> failed, String error) {
        if (error != null) failed.add(error);
    }

    /** Runs a command; null on success, else the command, exit code and output. */
    static String run(String... cmd) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of(cmd));
        String path = which(cmd[0]);
        if (path != null) full.set(0, path);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", cmd) + ": did not finish in 30 s";
        }
        return p.exitValue() == 0 ? null : String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + out;
    }

    static String which(String tool) {
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
