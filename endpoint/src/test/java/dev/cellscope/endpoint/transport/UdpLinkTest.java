package dev.cellscope.endpoint.transport;

import dev.cellscope.endpoint.core.RealScheduler;
import dev.cellscope.endpoint.utcp.UtcpConfig;
import dev.cellscope.endpoint.utcp.UtcpConnection;
import dev.cellscope.endpoint.utcp.UtcpEndpoint;
import dev.cellscope.wire.Bytes;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class UdpLinkTest {
    private static final Bytes A = cell(0x0A), B = cell(0x0B);

    @Test
    void twoMibOverLoopback() throws Exception {
        byte[] data = new byte[2 << 20];
        new Random(4).nextBytes(data);
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (RealScheduler sa = new RealScheduler("utcp-a"); RealScheduler sb = new RealScheduler("utcp-b");
             UdpLink la = UdpLink.bind(loopback, sa); UdpLink lb = UdpLink.bind(loopback, sb)) {
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
            System.out.printf("UDP loopback 2 MiB: %.3f s%n", (System.nanoTime() - t0) / 1e9);
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

    private static Bytes cell(int fill) {
        byte[] id = new byte[16];
        Arrays.fill(id, (byte) fill);
        return Bytes.of(id);
    }
}
