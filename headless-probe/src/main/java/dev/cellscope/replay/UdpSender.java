package dev.cellscope.replay;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.UnsupportedAddressTypeException;

/**
 * Cell-protocol bytes ({@link FrameSelection#cellBytesOnly()}) as datagrams through an ordinary UDP
 * socket: no root, and the traffic crosses routed networks (PROTOCOLS.md section 1, UDP encapsulation).
 * The channel is connected to the destination, so an ICMP port unreachable comes back as an error of a
 * later send, which is counted like a datagram too large: the replay goes on.
 */
public final class UdpSender implements FrameSender {
    private static final int SEND_BUFFER = 4 << 20;
    private static final int WARM_UP_WRITES = 20_000;

    private final DatagramChannel channel;
    private final ProtocolFamily family;
    private final String path;
    private final boolean dry;
    private long peerRefusals;

    private UdpSender(DatagramChannel channel, ProtocolFamily family, String path, boolean dry) {
        this.channel = channel;
        this.family = family;
        this.path = path;
        this.dry = dry;
    }

    /**
     * Opens a UDP socket bound to {@code from} (null: an ephemeral port, the address the route picks)
     * and connected to {@code to}.
     *
     * @throws ReplayException with one line (address in use, not a local address, no route)
     */
    public static UdpSender open(InetSocketAddress to, InetSocketAddress from) {
        DatagramChannel channel = null;
        try {
            // the destination's family, so addresses show as given (no IPv4-mapped IPv6)
            ProtocolFamily family = to.getAddress() instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
            channel = DatagramChannel.open(family);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SEND_BUFFER);
            try {
                channel.bind(from);
            } catch (BindException e) {
                throw new ReplayException("--udp-from " + describe(from) + ": " + e.getMessage());
            } catch (UnsupportedAddressTypeException e) {
                throw new ReplayException("--udp-from " + describe(from) + ": not of the address family of --udp " + describe(to));
            }
            channel.connect(to);
            String path = "UDP to " + describe(to) + " from " + describe((InetSocketAddress) channel.getLocalAddress());
            return new UdpSender(channel, family, path, false);
        } catch (IOException e) {
            close(channel);
            throw new ReplayException("--udp " + describe(to) + ": " + e.getMessage());
        } catch (ReplayException e) {
            close(channel);
            throw e;
        }
    }

    /** One datagram a write: java.nio has no sendmmsg, and a refusal then belongs to exactly one frame. */
    @Override
    public int maxBatch() {
        return 1;
    }

    /**
     * A connected UDP socket reports the ICMP port unreachable that answered an earlier datagram on the next write,
     * which then sends nothing. That earlier datagram is counted as refused by the peer ({@link #peerRefusals}) and
     * this one written again: counting the failed write instead (as before) counted the wrong datagram, and against a
     * port nobody listens on every other datagram looked delivered.
     */
    @Override
    public int send(MemorySegment[] frames, int from, int count) {
        if (dry) return 1;
        MemorySegment bytes = frames[from];
        try {
            try {
                channel.write(bytes.asByteBuffer());
            } catch (PortUnreachableException earlier) {
                peerRefusals++;
                channel.write(bytes.asByteBuffer());
            }
            return 1;
        } catch (PortUnreachableException e) {
            peerRefusals++;
            throw new FrameRefused("port unreachable (ICMP)");
        } catch (ClosedChannelException e) {
            throw new ReplayException("--udp: the socket was closed");
        } catch (IOException e) {
            throw new FrameRefused(bytes.byteSize() + "-byte datagram: " + e.getMessage());
        }
    }

    /**
     * Empty datagrams through {@link #send}, from a socket of the same kind to one of our own on loopback
     * (never read: the kernel drops what its buffer cannot hold), never to the peer: the first writes of a
     * JVM load and link the send path, which should not happen on the replay's clock.
     */
    @Override
    public void warmUp() {
        try (DatagramChannel sink = DatagramChannel.open(family); DatagramChannel out = DatagramChannel.open(family);
             Arena arena = Arena.ofConfined()) {
            sink.bind(family == StandardProtocolFamily.INET ? new InetSocketAddress("127.0.0.1", 0) : new InetSocketAddress("::1", 0));
            out.connect(sink.getLocalAddress());
            MemorySegment[] empty = {arena.allocate(0, 16)};
            UdpSender warm = new UdpSender(out, family, path, false);
            for (int i = 0; i < WARM_UP_WRITES; i++) warm.send(empty, 0, 1); // the real run's method and buffers
        } catch (IOException | RuntimeException e) {
            // no loopback of this family: the replay starts cold, and its first frames show it
        }
    }

    /** The same class and path, nothing written, so the rehearsal compiles the real run's code. */
    @Override
    public FrameSender rehearsal() {
        return new UdpSender(channel, family, path, true);
    }

    @Override
    public String transmitPath() {
        return path;
    }

    /**
     * Datagrams the peer answered with ICMP port unreachable (nothing listened there when they came), the last ones'
     * collected at {@link #close}. Complete on loopback; a remote host rate-limits its ICMP, so there it is a lower bound.
     */
    public long peerRefusals() {
        return peerRefusals;
    }

    @Override
    public void close() {
        if (dry) return;
        collectLateRefusals();
        close(channel);
    }

    /** The ICMP errors for the last datagrams come after their writes: looked for over {@link #LATE_REFUSAL_NANOS}. */
    private void collectLateRefusals() {
        try {
            channel.configureBlocking(false);
            java.nio.ByteBuffer sink = java.nio.ByteBuffer.allocate(1);
            long end = System.nanoTime() + LATE_REFUSAL_NANOS;
            while (System.nanoTime() < end) {
                try {
                    if (channel.read(sink.clear()) == 0) Thread.sleep(1);
                } catch (PortUnreachableException e) {
                    peerRefusals++;
                }
            }
        } catch (IOException e) {
            // the socket is going: what was counted stands
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final long LATE_REFUSAL_NANOS = 20_000_000;

    private static void close(DatagramChannel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException e) {
            // nothing was left to send: UDP has no queue to flush at close
        }
    }

    /** {@code HOST:PORT}, an IPv6 address in brackets. */
    static String describe(InetSocketAddress a) {
        if (a.getAddress() == null) return a.getHostString() + ":" + a.getPort();
        byte[] ip = a.getAddress().getAddress();
        if (ip.length == 16) return "[" + dev.cellscope.field.FieldFormat.ipv6(ip) + "]:" + a.getPort(); // RFC 5952, as tshark writes it
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
