package dev.cellscope.endpoint.transport;

import dev.cellscope.endpoint.core.RealScheduler;
import dev.cellscope.endpoint.utcp.UtcpConfig;
import dev.cellscope.endpoint.utcp.UtcpConnection;
import dev.cellscope.endpoint.utcp.UtcpEndpoint;
import dev.cellscope.nativetap.packet.MacAddress;
import dev.cellscope.nativetap.packet.PacketSocketException;
import dev.cellscope.wire.Bytes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * RawEthernetLink on a real veth pair made for this run ({@code cs-<pid>la}/{@code …lb}):
 * payloads both ways with MACs and padding, delivery on the scheduler thread, a prompt close,
 * and UTCP moving 2 MiB over it. Skips, saying why, where no veth pair can be made (not root,
 * no {@code ip}, no veth in the kernel); deletes the pair afterwards, also after a failure.
 */
class RawEthernetLinkTest {
    private static String a, b;
    /** Why the veth tests skip, or null. Kept rather than thrown in @BeforeAll, where surefire would drop it. */
    private static String skip;

    record Got(long from, byte[] payload, String thread) {
    }

    @BeforeAll
    static void createVethPair() throws Exception {
        skip = whyNoVeth();
        if (skip != null) {
            System.err.println("RawEthernetLinkTest veth tests skipped: " + skip);
            return;
        }
        String ip = which("ip"), base = "cs-" + ProcessHandle.current().pid() + "l";
        String err = run(ip, "link", "add", base + "a", "type", "veth", "peer", "name", base + "b");
        if (!err.isEmpty()) {
            skip = "cannot create a veth pair (no veth support in this kernel?): ip link add: " + err;
            System.err.println("RawEthernetLinkTest veth tests skipped: " + skip);
            return;
        }
        a = base + "a";
        b = base + "b";
        for (String end : new String[]{a, b}) {
            String e = run(ip, "link", "set", end, "up");
            if (!e.isEmpty()) throw new IOException("ip link set " + end + " up: " + e);
        }
    }

    static String whyNoVeth() throws IOException {
        if (!System.getProperty("os.name", "").startsWith("Linux")) return "raw Ethernet needs Linux, not " + System.getProperty("os.name");
        if (which("ip") == null) return "'ip' not found (Debian package iproute2): cannot create a veth pair";
        String caps = missingCapabilities();
        if (!caps.isEmpty()) {
            return "not root: this process lacks " + caps + " (veth pairs need CAP_NET_ADMIN, AF_PACKET needs CAP_NET_RAW)";
        }
        return null;
    }

    private static void needVeth() {
        Assumptions.assumeTrue(skip == null, skip);
    }

    @AfterAll
    static void deleteVethPair() throws Exception {
        if (a != null) {
            String err = run(which("ip"), "link", "del", a); // removes both ends
            if (!err.isEmpty()) System.err.println("cleanup: ip link del " + a + ": " + err);
        }
    }

    @Test
    void payloadsGoBothWaysOnTheSchedulerThread() throws Exception {
        needVeth();
        try (RealScheduler sa = new RealScheduler("raw-a"); RealScheduler sb = new RealScheduler("raw-b");
             RawEthernetLink la = RawEthernetLink.open(a, sa); RawEthernetLink lb = RawEthernetLink.open(b, sb)) {
            assertEquals(MacAddress.parse(Files.readString(Path.of("/sys/class/net", a, "address"))), la.localMac());
            BlockingQueue<Got> atA = new LinkedBlockingQueue<>(), atB = new LinkedBlockingQueue<>();
            la.onReceive((from, p) -> atA.add(new Got(from, p, Thread.currentThread().getName())));
            lb.onReceive((from, p) -> atB.add(new Got(from, p, Thread.currentThread().getName())));

            byte[] big = new byte[1400];
            new Random(1).nextBytes(big);
            la.send(lb.localMac(), big);
            Got g = atB.poll(2, TimeUnit.SECONDS);
            assertNotNull(g, "a→b");
            assertEquals(la.localMac(), g.from());
            assertArrayEquals(big, g.payload());
            assertEquals("raw-b", g.thread());

            // a short payload arrives padded to 46 bytes: the protocols carry their own lengths
            lb.send(la.localMac(), new byte[]{7, 8, 9});
            g = atA.poll(2, TimeUnit.SECONDS);
            assertNotNull(g, "b→a");
            assertEquals(lb.localMac(), g.from());
            assertEquals(46, g.payload().length);
            assertArrayEquals(new byte[]{7, 8, 9}, Arrays.copyOf(g.payload(), 3));
            assertEquals("raw-a", g.thread());

            // nothing echoes back to the sender
            assertNull(atA.poll(200, TimeUnit.MILLISECONDS));
            assertNull(atB.poll(0, TimeUnit.MILLISECONDS));
            assertEquals(0, la.sendErrors() + lb.sendErrors() + la.receiveErrors() + lb.receiveErrors());
        }
    }

    @Test
    void closeStopsTheReceiveThreadPromptly() throws Exception {
        needVeth();
        try (RealScheduler s = new RealScheduler("raw-close")) {
            RawEthernetLink l = RawEthernetLink.open(b, s);
            Thread rx = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("raw-rx-" + b)).findFirst().orElseThrow();
            assertTrue(rx.isAlive() && rx.isDaemon());
            long t0 = System.nanoTime();
            l.close();
            rx.join(1000);
            assertFalse(rx.isAlive(), "receive thread still running after close");
            assertTrue(System.nanoTime() - t0 < 500_000_000L, "close took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            l.send(0x020000000001L, new byte[10]); // a closed link drops silently
            l.close();
        }
    }

    @Test
    void anUnknownInterfaceIsAClearError() {
        try (RealScheduler s = new RealScheduler("raw-err")) {
            PacketSocketException e = assertThrows(PacketSocketException.class, () -> RawEthernetLink.open("cs-nosuch1", s));
            assertEquals("no network interface 'cs-nosuch1'", e.getMessage());
        }
    }

    /** UTCP end to end over the veth: the same 2 MiB transfer UdpLinkTest runs over loopback. */
    @Test
    void utcpMovesTwoMibOverRawEthernet() throws Exception {
        needVeth();
        byte[] data = new byte[2 << 20];
        new Random(4).nextBytes(data);
        try (RealScheduler sa = new RealScheduler("utcp-raw-a"); RealScheduler sb = new RealScheduler("utcp-raw-b");
             RawEthernetLink la = RawEthernetLink.open(a, sa); RawEthernetLink lb = RawEthernetLink.open(b, sb)) {
            Bytes idA = cell(0x0A), idB = cell(0x0B);
            UtcpEndpoint<Long> ea = new UtcpEndpoint<>(sa, la, idA, UtcpConfig.defaults());
            UtcpEndpoint<Long> eb = new UtcpEndpoint<>(sb, lb, idB, UtcpConfig.defaults());
            MessageDigest got = MessageDigest.getInstance("SHA-256");
            CompletableFuture<UtcpConnection.CloseReason> bDone = new CompletableFuture<>(), aDone = new CompletableFuture<>();
            sb.submit(() -> {
                eb.listen(c -> {
                    c.onData(got::update);
                    c.onEnd(c::close);
                    c.onClosed(bDone::complete);
                });
                return null;
            }).get();
            long t0 = System.nanoTime();
            sa.submit(() -> {
                UtcpConnection c = ea.connect(idB, lb.localMac());
                c.onClosed(aDone::complete);
                c.writeAll(data, c::close);
                return c;
            }).get();
            assertEquals(new UtcpConnection.CloseReason(false, "closed"), bDone.get(20, TimeUnit.SECONDS));
            assertEquals(new UtcpConnection.CloseReason(false, "closed"), aDone.get(20, TimeUnit.SECONDS));
            System.out.printf("UTCP over veth (AF_PACKET) 2 MiB: %.3f s, send errors %d/%d%n",
                    (System.nanoTime() - t0) / 1e9, la.sendErrors(), lb.sendErrors());
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), sb.submit(got::digest).get());
        }
    }

    private static Bytes cell(int fill) {
        byte[] id = new byte[16];
        Arrays.fill(id, (byte) fill);
        return Bytes.of(id);
    }

    /** CAP_NET_ADMIN (12) and CAP_NET_RAW (13) from the effective set; empty when both are there. */
    private static String missingCapabilities() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("CapEff:")) {
                long eff = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                return (((eff >>> 12 & 1) == 0 ? " CAP_NET_ADMIN" : "") + ((eff >>> 13 & 1) == 0 ? " CAP_NET_RAW" : "")).strip();
            }
        }
        return "(unknown capabilities: no CapEff in /proc/self/status)";
    }

    static String which(String tool) {
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin").split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, tool);
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    /** Runs a command; returns "" on success, else the exit code and stderr. */
    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", cmd) + ": did not finish in 30 s";
        }
        return p.exitValue() == 0 ? "" : "exit " + p.exitValue() + ": " + out;
    }
}
