package dev.cellscope.nativetap.packet;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A veth pair whose sending end lives in a network namespace of its own, so the root namespace
 * only gains the receiving end (and loses it again at {@link #close}): {@code cs-<pid><tag>r} here,
 * {@code cs-<pid><tag>s} in namespace {@code cs<pid><tag>}. IPv6 is off on both ends (no router
 * solicitations or MLD reports), so the receiving end sees exactly the frames {@link #replay} sends.
 * {@link #create} skips the calling test, saying why, where this cannot be made.
 */
final class NetnsVeth implements AutoCloseable {
    final String namespace, receiver, sender;
    private boolean closed;

    private NetnsVeth(String tag) {
        long pid = ProcessHandle.current().pid();
        namespace = "cs" + pid + tag;
        receiver = "cs-" + pid + tag + "r";
        sender = "cs-" + pid + tag + "s";
    }

    static NetnsVeth create(String tag) throws IOException, InterruptedException {
        Assumptions.assumeTrue(System.getProperty("os.name", "").startsWith("Linux"), "AF_PACKET tests need Linux, not " + System.getProperty("os.name"));
        Assumptions.assumeTrue(SockaddrLlLayoutTest.which("ip") != null, "'ip' not found (Debian package iproute2): cannot create a veth pair");
        Assumptions.assumeTrue(SockaddrLlLayoutTest.which("tcpreplay") != null,
                "'tcpreplay' not found (Debian package tcpreplay): nothing to send frames with");
        Assumptions.assumeTrue(SockaddrLlLayoutTest.which("taskset") != null, "'taskset' not found (Debian package util-linux)");
        String caps = missingCapabilities();
        Assumptions.assumeTrue(caps.isEmpty(), "not root: this process lacks " + caps
                + " (network namespaces and veth pairs need CAP_NET_ADMIN and CAP_SYS_ADMIN, AF_PACKET needs CAP_NET_RAW)");
        NetnsVeth v = new NetnsVeth(tag);
        var r = SockaddrLlLayoutTest.run("ip", "netns", "add", v.namespace);
        Assumptions.assumeTrue(r.error().isEmpty(), "cannot create a network namespace: ip netns add: " + r.error().strip());
        try {
            r = SockaddrLlLayoutTest.run("ip", "link", "add", v.receiver, "type", "veth", "peer", "name", v.sender, "netns", v.namespace);
            Assumptions.assumeTrue(r.error().isEmpty(), "cannot create a veth pair (no veth in this kernel?): ip link add: " + r.error().strip());
            Path v6 = Path.of("/proc/sys/net/ipv6/conf", v.receiver, "disable_ipv6");
            if (Files.exists(v6)) Files.writeString(v6, "1");
            v.inNamespace("sh", "-c", "[ ! -e /proc/sys/net/ipv6/conf/" + v.sender + "/disable_ipv6 ] || echo 1 > /proc/sys/net/ipv6/conf/"
                    + v.sender + "/disable_ipv6");
            // room for the truncation test's 8000-byte frames
            ip("link", "set", v.receiver, "mtu", "9000", "up");
            v.inNamespace("ip", "link", "set", v.sender, "mtu", "9000", "up");
            v.inNamespace("ip", "link", "set", "lo", "up");
        } catch (IOException | RuntimeException | Error e) {
            v.close();
            throw e;
        }
        return v;
    }

    /**
     * Sends the frames of {@code pcap} from the namespace's end, at top speed, from one CPU (so
     * they arrive in order); returns how many tcpreplay says it sent.
     */
    long replay(Path pcap, String... options) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", "0", "ip", "netns", "exec", namespace, "tcpreplay", "-i", sender));
        cmd.addAll(options.length == 0 ? List.of("--topspeed") : List.of(options));
        cmd.add(pcap.toString());
        var r = SockaddrLlLayoutTest.run(cmd.toArray(String[]::new));
        if (!r.error().isEmpty()) throw new IOException(String.join(" ", cmd) + ": " + r.error().strip() + " " + r.output());
        Matcher m = Pattern.compile("Actual: (\\d+) packets").matcher(r.output());
        if (!m.find()) throw new IOException("tcpreplay said nothing about packets sent: " + r.output());
        Matcher failed = Pattern.compile("Failed packets:\\s+(\\d+)").matcher(r.output());
        if (failed.find() && Long.parseLong(failed.group(1)) != 0) throw new IOException("tcpreplay failed to send some packets: " + r.output());
        return Long.parseLong(m.group(1));
    }

    void inNamespace(String... cmd) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        all.addAll(List.of(cmd));
        var r = SockaddrLlLayoutTest.run(all.toArray(String[]::new));
        if (!r.error().isEmpty()) throw new IOException(String.join(" ", all) + ": " + r.error().strip());
    }

    static void ip(String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("ip"));
        all.addAll(List.of(args));
        var r = SockaddrLlLayoutTest.run(all.toArray(String[]::new));
        if (!r.error().isEmpty()) throw new IOException(String.join(" ", all) + ": " + r.error().strip());
    }

    /** CAP_NET_ADMIN (12), CAP_NET_RAW (13) and CAP_SYS_ADMIN (21, for setns) from /proc/self/status. */
    static String missingCapabilities() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("CapEff:")) {
                long eff = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                return (((eff >>> 12 & 1) == 0 ? " CAP_NET_ADMIN" : "") + ((eff >>> 13 & 1) == 0 ? " CAP_NET_RAW" : "")
                        + ((eff >>> 21 & 1) == 0 ? " CAP_SYS_ADMIN" : "")).strip();
            }
        }
        return "(unknown capabilities: no CapEff in /proc/self/status)";
    }

    /** Deletes the pair (deleting one end removes both) and the namespace; reports but never throws. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            if (Files.exists(Path.of("/sys/class/net", receiver))) {
                var r = SockaddrLlLayoutTest.run("ip", "link", "del", receiver);
                if (!r.error().isEmpty()) System.err.println("cleanup: ip link del " + receiver + ": " + r.error().strip());
            }
            var r = SockaddrLlLayoutTest.run("ip", "netns", "del", namespace);
            if (!r.error().isEmpty()) System.err.println("cleanup: ip netns del " + namespace + ": " + r.error().strip());
        } catch (IOException | InterruptedException e) {
            System.err.println("cleanup of " + namespace + " failed: " + e);
        }
    }
}
