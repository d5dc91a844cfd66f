package dev.cellscope.nativetap.packet;

import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The native UDP socket against the JDK's own {@link DatagramChannel} as the independent end: what one
 * segmented send carries must arrive as the separate datagrams it stands for, and what a plain sender
 * sends must come out of {@link UdpSocket#receive} unchanged, with its sender's address.
 */
class UdpSocketTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void oneSegmentedSendArrivesAsTheDatagramsItStandsFor() throws Exception {
        try (UdpSocket s = UdpSocket.open(LOOPBACK, 1 << 20); DatagramChannel peer = channel()) {
            assumeTrue(s.segmentOffload(), "this kernel refuses UDP_SEGMENT (Linux before 4.18): nothing to test");
            byte[] data = random(10 * 1000 + 500, 1);
            assertTrue(s.send((InetSocketAddress) peer.getLocalAddress(), data, data.length, 1000));
            List<byte[]> got = receiveAll(peer, 11);
            assertEquals(11, got.size());
            for (int i = 0; i < 11; i++) {
                int len = i < 10 ? 1000 : 500;
                assertArrayEquals(Arrays.copyOfRange(data, i * 1000, i * 1000 + len), got.get(i), "datagram " + i);
            }
            assertEquals(s.localAddress().getPort(), ((InetSocketAddress) lastSource).getPort(), "the datagrams come from the socket's port");
        }
    }

    @Test
    void aTrainFromOneSenderComesBackAsItsDatagrams() {
        try (UdpSocket tx = UdpSocket.open(LOOPBACK, 4 << 20); UdpSocket rx = UdpSocket.open(LOOPBACK, 4 << 20)) {
            assumeTrue(tx.segmentOffload(), "this kernel refuses UDP_SEGMENT (Linux before 4.18): nothing to test");
            List<byte[]> sent = new ArrayList<>();
            Random r = new Random(2);
            for (int batch = 0; batch < 50; batch++) {
                int seg = 200 + r.nextInt(1300), count = 1 + r.nextInt(Math.min(UdpSocket.MAX_SEGMENTS, UdpSocket.MAX_BATCH_BYTES / seg)), last = 1 + r.nextInt(seg);
                byte[] data = random(seg * (count - 1) + last, batch);
                assertTrue(tx.send(rx.localAddress(), data, data.length, seg));
                for (int i = 0; i < count; i++) sent.add(Arrays.copyOfRange(data, i * seg, Math.min(data.length, (i + 1) * seg)));
            }
            List<byte[]> got = new ArrayList<>();
            byte[] buf = new byte[UdpSocket.RECEIVE_BUFFER];
            boolean coalesced = false;
            while (got.size() < sent.size()) {
                UdpSocket.Received one = rx.receive(buf);
                assertNotNull(one);
                assertFalse(one.truncated());
                assertEquals(tx.localAddress().getPort(), one.from().getPort());
                coalesced |= one.segmentSize() < one.length();
                for (int off = 0; off < one.length(); off += one.segmentSize()) {
                    got.add(Arrays.copyOfRange(buf, off, Math.min(one.length(), off + one.segmentSize())));
                }
            }
            assertEquals(sent.size(), got.size());
            for (int i = 0; i < sent.size(); i++) assertArrayEquals(sent.get(i), got.get(i), "datagram " + i);
            if (rx.receiveOffload()) assertTrue(coalesced, "UDP_GRO is on, yet no receive returned more than one datagram");
        }
    }

    @Test
    void aPlainSendersDatagramsArriveOneByOneWithTheirSource() throws Exception {
        try (UdpSocket rx = UdpSocket.open(LOOPBACK, 1 << 20); DatagramChannel peer = channel()) {
            int[] sizes = {1, 1400, 0, 65_507, 37};
            for (int i = 0; i < sizes.length; i++) peer.send(ByteBuffer.wrap(random(sizes[i], i)), rx.localAddress());
            byte[] buf = new byte[UdpSocket.RECEIVE_BUFFER];
            for (int i = 0; i < sizes.length; i++) {
                UdpSocket.Received one = rx.receive(buf);
                assertEquals(sizes[i], one.length(), "datagram " + i);
                assertEquals(one.length(), one.segmentSize(), "a lone datagram is its own segment");
                assertArrayEquals(random(sizes[i], i), Arrays.copyOf(buf, one.length()));
                assertEquals(peer.getLocalAddress(), one.from());
                assertInstanceOf(Inet4Address.class, one.from().getAddress());
            }
        }
    }

    @Test
    void aWildcardSocketIsDualStackAndNamesIpv4PeersAsIpv4() throws Exception {
        try (UdpSocket rx = UdpSocket.open(new InetSocketAddress(0), 1 << 20); DatagramChannel peer = channel()) {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), rx.localAddress().getPort());
            peer.send(ByteBuffer.wrap(new byte[] {7}), to);
            UdpSocket.Received one = rx.receive(new byte[UdpSocket.RECEIVE_BUFFER]);
            assertEquals(peer.getLocalAddress(), one.from());
            assertTrue(rx.send(one.from(), new byte[] {8, 9}, 2, 2), "an answer to an IPv4 peer through the mapped address");
            ByteBuffer back = ByteBuffer.allocate(16);
            peer.receive(back);
            assertEquals(2, back.position());
        }
    }

    @Test
    void closingWakesABlockedReceive() throws Exception {
        UdpSocket rx = UdpSocket.open(LOOPBACK, 1 << 20);
        CompletableFuture<UdpSocket.Received> result = CompletableFuture.supplyAsync(() -> rx.receive(new byte[UdpSocket.RECEIVE_BUFFER]));
        Thread.sleep(200);
        assertFalse(result.isDone(), "nothing was sent, so receive waits");
        long t0 = System.nanoTime();
        rx.close();
        assertNull(result.get(2, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "close returned after " + (System.nanoTime() - t0) / 1e6 + " ms");
        assertFalse(rx.send(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9), new byte[1], 1, 1), "a closed socket sends nothing");
        rx.close(); // twice is harmless
    }

    @Test
    void aTakenPortIsNamedAsSuch() {
        try (UdpSocket first = UdpSocket.open(LOOPBACK, 1 << 20)) {
            PacketSocketException e = assertThrows(PacketSocketException.class, () -> UdpSocket.open(first.localAddress(), 1 << 20));
            assertEquals("EADDRINUSE", e.errnoName());
            assertTrue(e.getMessage().contains("127.0.0.1:" + first.localAddress().getPort() + " is already in use"), e.getMessage());
        }
    }

    @Test
    void sendsTheKernelCannotTakeAreRefusedBeforeTheCall() {
        try (UdpSocket s = UdpSocket.open(LOOPBACK, 1 << 20)) {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
            byte[] big = new byte[UdpSocket.MAX_BATCH_BYTES + 1];
            assertThrows(IllegalArgumentException.class, () -> s.send(to, big, big.length, 1000), "more than one datagram's worth");
            assertThrows(IllegalArgumentException.class, () -> s.send(to, big, (UdpSocket.MAX_SEGMENTS + 1) * 10, 10), "too many segments");
            assertThrows(IllegalArgumentException.class, () -> s.send(to, big, 10, 0), "segment size 0");
            assertThrows(IllegalArgumentException.class, () -> s.send(to, new byte[4], 5, 5), "longer than the array");
            assertFalse(s.send(new InetSocketAddress("::1", 9), new byte[4], 4, 4), "an IPv4 socket cannot reach an IPv6 peer");
        }
    }

    private SocketAddress lastSource; // who sent the last datagram receiveAll took

    private static DatagramChannel channel() throws Exception {
        DatagramChannel c = DatagramChannel.open();
        c.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
        c.bind(LOOPBACK);
        return c;
    }

    private List<byte[]> receiveAll(DatagramChannel c, int n) throws Exception {
        List<byte[]> got = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.allocate(65_536);
        for (int i = 0; i < n; i++) {
            buf.clear();
            lastSource = c.receive(buf);
            got.add(Arrays.copyOf(buf.array(), buf.position()));
        }
        return got;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
