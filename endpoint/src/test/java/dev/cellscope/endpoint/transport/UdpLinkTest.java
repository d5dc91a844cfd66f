package dev.cellscope.endpoint.transport;

import dev.cellscope.endpoint.core.RealScheduler;
import dev.cellscope.endpoint.utcp.UtcpConfig;
import dev.cellscope.endpoint.utcp.UtcpConnection;
import dev.cellscope.endpoint.utcp.UtcpEndpoint;
import dev.cellscope.wire.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class UdpLinkTest {
    private static final Bytes A = cell(0x0A), B = cell(0x0B);
    private static final String NATIVE = "cellscope.udp.native";
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** Both ways a link moves datagrams: the native socket (batched) and the JDK's channel (one per call). */
    @ParameterizedTest(name = "native socket: {0}")
    @ValueSource(booleans = {true, false})
    void twoMibOverLoopback(boolean nativeSocket) throws Throwable {
        withNativeSocket(nativeSocket, () -> twoMib(nativeSocket));
    }

    /** Runs {@code body} with links bound while -Dcellscope.udp.native is {@code on}, then restores the property. */
    private static void withNativeSocket(boolean on, Executable body) throws Throwable {
        String before = System.getProperty(NATIVE);
        System.setProperty(NATIVE, Boolean.toString(on));
        try {
            body.execute();
        } finally {
            if (before == null) System.clearProperty(NATIVE);
            else System.setProperty(NATIVE, before);
        }
    }

    private void twoMib(boolean nativeSocket) throws Exception {
        byte[] data = new byte[2 << 20];
        new Random(4).nextBytes(data);
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (RealScheduler sa = new RealScheduler("utcp-a"); RealScheduler sb = new RealScheduler("utcp-b");
             UdpLink la = UdpLink.bind(loopback, sa); UdpLink lb = UdpLink.bind(loopback, sb)) {
            assertEquals(nativeSocket, !la.offload().startsWith("off"), la.offload());
            UtcpEndpoint<InetSocketAddress> ea = new UtcpEndpoint<>(sa, la, A, UtcpConfig.defaults());
            UtcpEndpoint<InetSocketAddress> eb = new UtcpEndpoint<>(sb, lb, B, UtcpConfig.defaults());
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
                UtcpConnection c = ea.connect(B, lb.localAddress());
                c.onClosed(aDone::complete);
                c.writeAll(data, c::close);
                return c;
            }).get();
            assertEquals(new UtcpConnection.CloseReason(false, "closed"), bDone.get(20, TimeUnit.SECONDS));
            assertEquals(new UtcpConnection.CloseReason(false, "closed"), aDone.get(20, TimeUnit.SECONDS));
            System.out.printf("UDP loopback 2 MiB (%s): %.3f s%n", la.offload(), (System.nanoTime() - t0) / 1e9);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), sb.submit(got::digest).get());
        }
    }

    @Test
    void aTakenPortIsAClearError() {
        try (RealScheduler s = new RealScheduler("udp");
             UdpLink first = UdpLink.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), s)) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> UdpLink.bind(first.localAddress(), s));
            assertTrue(e.getMessage().contains("already in use"), e.getMessage());
        }
    }

    @Test
    void onThisKernelTheLinkBatchesBothWays() {
        try (RealScheduler s = new RealScheduler("udp"); UdpLink link = UdpLink.bind(LOOPBACK, s)) {
            assumeTrue(System.getProperty(NATIVE) == null, "-D" + NATIVE + " is set for this run");
            assertEquals("segmentation, coalescing", link.offload(), "Linux 5.0 or later has UDP_SEGMENT and UDP_GRO");
        }
    }

    /**
     * A turn's sends are gathered per peer, so the batches must not reorder, merge or split payloads: each of two
     * plain JDK receivers gets exactly its own sequence (sizes that end batches early, a payload of every kind).
     */
    @Test
    void batchedPayloadsArriveInOrderAndWhole() throws Exception {
        int[] sizes = {1428, 1428, 1428, 700, 1428, 1428, 20, 1, 1428, 60_000, 1428, 1428, 1428, 1428, 0, 1428};
        try (RealScheduler s = new RealScheduler("udp"); UdpLink link = UdpLink.bind(LOOPBACK, s);
             DatagramChannel p = plain(); DatagramChannel q = plain()) {
            InetSocketAddress toP = (InetSocketAddress) p.getLocalAddress(), toQ = (InetSocketAddress) q.getLocalAddress();
            s.submit(() -> {
                for (int round = 0; round < 3; round++) {
                    for (int i = 0; i < sizes.length; i++) link.send(i % 5 == 4 ? toQ : toP, payload(sizes[i], round * 100 + i));
                }
                return null;
            }).get();
            List<byte[]> expectP = new ArrayList<>(), expectQ = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < sizes.length; i++) (i % 5 == 4 ? expectQ : expectP).add(payload(sizes[i], round * 100 + i));
            }
            assertSequence(expectP, p);
            assertSequence(expectQ, q);
            assertEquals(0, link.sendErrors());
        }
    }

    /**
     * One turn's 100 payloads of 1,428 bytes (a UTCP DATA packet) to one peer take three system calls: 45 fit in one
     * send (45 × 1,428 = 64,260 ≤ 65,507 bytes; 46 do not), then 45, then 10. Through the channel, one call each.
     */
    @ParameterizedTest(name = "native socket: {0}")
    @ValueSource(booleans = {true, false})
    void aTurnsPayloadsToOnePeerTakeAsFewCallsAsTheKernelAllows(boolean nativeSocket) throws Throwable {
        withNativeSocket(nativeSocket, () -> hundredPayloadsInOneTurn(nativeSocket));
    }

    private void hundredPayloadsInOneTurn(boolean nativeSocket) throws Exception {
        try (RealScheduler s = new RealScheduler("udp"); UdpLink link = UdpLink.bind(LOOPBACK, s); DatagramChannel p = plain()) {
            if (nativeSocket) assumeTrue(link.offload().startsWith("segmentation"), "no UDP_SEGMENT here: " + link.offload());
            InetSocketAddress to = (InetSocketAddress) p.getLocalAddress();
            s.submit(() -> {
                for (int i = 0; i < 100; i++) link.send(to, payload(1428, i));
                return null;
            }).get();
            List<byte[]> expected = new ArrayList<>();
            for (int i = 0; i < 100; i++) expected.add(payload(1428, i));
            assertSequence(expected, p);
            assertEquals(nativeSocket ? 3 : 100, link.sendCalls());
        }
    }

    @Test
    void closingSendsWhatTheTurnBatched() throws Exception {
        try (RealScheduler s = new RealScheduler("udp"); DatagramChannel p = plain()) {
            UdpLink link = UdpLink.bind(LOOPBACK, s);
            InetSocketAddress to = (InetSocketAddress) p.getLocalAddress();
            s.submit(() -> {
                for (int i = 0; i < 5; i++) link.send(to, payload(1428, i));
                link.close(); // in the same turn: the flush task never runs
                link.send(to, payload(1428, 9)); // after close: dropped
                return null;
            }).get();
            assertSequence(List.of(payload(1428, 0), payload(1428, 1), payload(1428, 2), payload(1428, 3), payload(1428, 4)), p);
            p.configureBlocking(false);
            Thread.sleep(100);
            assertNull(p.receive(ByteBuffer.allocate(2000)), "nothing after close");
        }
    }

    /** A plain sender's datagrams reach the stack one by one, in order, with the sender's address. */
    @Test
    void aPlainSendersDatagramsReachTheStackInOrder() throws Exception {
        try (RealScheduler s = new RealScheduler("udp"); UdpLink link = UdpLink.bind(LOOPBACK, s); DatagramChannel p = plain()) {
            List<byte[]> got = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.Set<InetSocketAddress> sources = java.util.concurrent.ConcurrentHashMap.newKeySet();
            CompletableFuture<Void> all = new CompletableFuture<>();
            link.onReceive((from, payload) -> {
                sources.add(from);
                got.add(payload);
                if (got.size() == 200) all.complete(null);
            });
            for (int i = 0; i < 200; i++) p.send(ByteBuffer.wrap(payload(i % 7 == 0 ? 90 : 1428, i)), link.localAddress());
            all.get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 200; i++) assertArrayEquals(payload(i % 7 == 0 ? 90 : 1428, i), got.get(i), "datagram " + i);
            assertEquals(java.util.Set.of(p.getLocalAddress()), sources);
        }
    }

    private static void assertSequence(List<byte[]> expected, DatagramChannel c) throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(65_536);
        for (int i = 0; i < expected.size(); i++) {
            buf.clear();
            c.receive(buf);
            assertArrayEquals(expected.get(i), Arrays.copyOf(buf.array(), buf.position()), "datagram " + i);
        }
    }

    private static DatagramChannel plain() throws Exception {
        DatagramChannel c = DatagramChannel.open();
        c.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
        c.bind(LOOPBACK);
        return c;
    }

    private static byte[] payload(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static Bytes cell(int fill) {
        byte[] id = new byte[16];
        Arrays.fill(id, (byte) fill);
        return Bytes.of(id);
    }
}
