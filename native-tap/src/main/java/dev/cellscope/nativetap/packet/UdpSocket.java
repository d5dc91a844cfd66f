package dev.cellscope.nativetap.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import static dev.cellscope.nativetap.packet.LinuxAbi.EAGAIN;
import static dev.cellscope.nativetap.packet.LinuxAbi.EINTR;
import static dev.cellscope.nativetap.packet.LinuxAbi.ENOBUFS;
import static dev.cellscope.nativetap.packet.LinuxAbi.SOCK_CLOEXEC;
import static dev.cellscope.nativetap.packet.LinuxAbi.SOL_SOCKET;
import static dev.cellscope.nativetap.packet.LinuxAbi.SO_RCVBUF;
import static dev.cellscope.nativetap.packet.LinuxAbi.SO_SNDBUF;
import static dev.cellscope.nativetap.packet.LinuxAbi.errnoName;

/**
 * A UDP socket that moves many datagrams per system call: a send hands the kernel up to
 * {@link #MAX_SEGMENTS} equal-sized datagrams at once ({@code UDP_SEGMENT}, "GSO", Linux 4.18), and a
 * receive may return several datagrams of one sender coalesced ({@code UDP_GRO}, Linux 5.0) with their
 * size. On the wire they are ordinary datagrams: a peer sees no difference, and one that uses
 * neither option still talks to this socket.
 *
 * <p>Why: the endpoint's UTCP and Tether send 1,4xx-byte datagrams, and on this machine kind a kernel
 * traversal per datagram is most of a transfer's cost. Over loopback, a C program moving 1 GB in
 * 1,400-byte datagrams spends 3.9 CPU s sending one per {@code send}, 0.15 s in 64-datagram batches
 * with GRO on the receiver (bench/README.md, session 29).
 *
 * <p>Dual stack: bound to a wildcard or IPv6 address the socket is {@code AF_INET6} and reaches IPv4
 * peers through IPv4-mapped addresses (which come back as {@link Inet4Address}); bound to an IPv4
 * address it is {@code AF_INET}. Blocking, like a {@code DatagramChannel}: a send waits while the
 * socket buffer is full. Closing wakes a blocked {@link #receive} ({@code shutdown}), then waits until
 * no call is inside the socket before the descriptor is closed, so its number is never reused under
 * a running call.
 */
public final class UdpSocket implements AutoCloseable {

    /** Datagrams per send, at most: the kernel's UDP_MAX_SEGMENTS was 64 before Linux 6.x raised it. */
    public static final int MAX_SEGMENTS = 64;
    /** Bytes per send, at most: one IPv4 datagram's UDP payload (65,535 − 20 − 8). */
    public static final int MAX_BATCH_BYTES = 65_507;
    /** A receive buffer that holds any datagram and any GRO-coalesced train. */
    public static final int RECEIVE_BUFFER = 65_536;

    // bits/socket.h, netinet/in.h, linux/udp.h, sys/socket.h (shutdown)
    private static final int AF_INET = 2, AF_INET6 = 10, SOCK_DGRAM = 2;
    private static final int IPPROTO_IPV6 = 41, IPV6_V6ONLY = 26;
    private static final int SOL_UDP = 17, UDP_SEGMENT = 103, UDP_GRO = 104;
    private static final int SHUT_RDWR = 2;
    private static final int MSG_TRUNC = 0x20, MSG_CTRUNC = 0x08;
    // struct msghdr, struct iovec, struct cmsghdr on x86-64 / aarch64 (LP64)
    private static final long MSG_NAME = 0, MSG_NAMELEN = 8, MSG_IOV = 16, MSG_IOVLEN = 24, MSG_CONTROL = 32,
            MSG_CONTROLLEN = 40, MSG_FLAGS = 48, MSGHDR_SIZE = 56, IOVEC_SIZE = 16;
    private static final long CMSG_HEADER = 16; // cmsg_len (size_t), cmsg_level, cmsg_type
    private static final int SOCKADDR_SIZE = 28; // sockaddr_in6, the larger of the two
    private static final ValueLayout.OfShort NETWORK_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final int fd;
    private final int family;
    private final boolean segmentOffload;
    private final boolean receiveOffload;
    private final ReentrantReadWriteLock life = new ReentrantReadWriteLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Arena arena = Arena.ofShared();

    private final ReentrantLock sendLock = new ReentrantLock();
    private final MemorySegment txData, txAddr, txMsg, txIov, txControl, txErrno;

    private final ReentrantLock receiveLock = new ReentrantLock();
    private final MemorySegment rxData, rxAddr, rxMsg, rxIov, rxControl, rxErrno;
    private byte[] lastSourceBytes = new byte[0];
    private InetSocketAddress lastSource;

    /** What one {@link #receive} returned: {@code length} bytes from {@code from}, datagrams of {@code segmentSize}
     * (the last may be shorter; equal to {@code length} for a single datagram); {@code truncated} when they did not fit. */
    public record Received(InetSocketAddress from, int length, int segmentSize, boolean truncated) {
    }

    private UdpSocket(int fd, int family, boolean segmentOffload, boolean receiveOffload) {
        this.fd = fd;
        this.family = family;
        this.segmentOffload = segmentOffload;
        this.receiveOffload = receiveOffload;
        txData = arena.allocate(MAX_BATCH_BYTES, 8);
        txAddr = arena.allocate(SOCKADDR_SIZE, 8);
        txMsg = arena.allocate(MSGHDR_SIZE, 8);
        txIov = arena.allocate(IOVEC_SIZE, 8);
        txControl = arena.allocate(CMSG_HEADER + 8, 8); // CMSG_SPACE(sizeof(uint16_t))
        txErrno = Libc.newErrno(arena);
        rxData = arena.allocate(RECEIVE_BUFFER, 8);
        rxAddr = arena.allocate(SOCKADDR_SIZE, 8);
        rxMsg = arena.allocate(MSGHDR_SIZE, 8);
        rxIov = arena.allocate(IOVEC_SIZE, 8);
        rxControl = arena.allocate(64, 8);
        rxErrno = Libc.newErrno(arena);
        txIov.set(ValueLayout.ADDRESS, 0, txData);
        txMsg.set(ValueLayout.ADDRESS, MSG_NAME, txAddr);
        txMsg.set(ValueLayout.ADDRESS, MSG_IOV, txIov);
        txMsg.set(ValueLayout.JAVA_LONG, MSG_IOVLEN, 1);
        // the control message carries the segment size; written once, its value set per send
        txControl.set(ValueLayout.JAVA_LONG, 0, CMSG_HEADER + 2); // CMSG_LEN(sizeof(uint16_t))
        txControl.set(ValueLayout.JAVA_INT, 8, SOL_UDP);
        txControl.set(ValueLayout.JAVA_INT, 12, UDP_SEGMENT);
        rxIov.set(ValueLayout.ADDRESS, 0, rxData);
        rxIov.set(ValueLayout.JAVA_LONG, 8, RECEIVE_BUFFER);
        rxMsg.set(ValueLayout.ADDRESS, MSG_NAME, rxAddr);
        rxMsg.set(ValueLayout.ADDRESS, MSG_IOV, rxIov);
        rxMsg.set(ValueLayout.JAVA_LONG, MSG_IOVLEN, 1);
        rxMsg.set(ValueLayout.ADDRESS, MSG_CONTROL, rxControl);
    }

    /**
     * Opens a socket bound to {@code bind} (port 0: an ephemeral port) with send and receive buffers of
     * {@code bufferBytes} (the kernel caps them at net.core.[rw]mem_max), and turns on segmentation and
     * coalescing where the kernel has them.
     *
     * @throws PacketSocketException "UDP 127.0.0.1:34997 is already in use (bind: EADDRINUSE)", or another
     *                               failed call with its errno
     */
    public static UdpSocket open(InetSocketAddress bind, int bufferBytes) {
        if (bind.isUnresolved()) throw new IllegalArgumentException("unresolved address " + bind);
        InetAddress host = bind.getAddress();
        boolean v4Only = host instanceof Inet4Address && !host.isAnyLocalAddress();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = Libc.newErrno(a);
            int family = v4Only ? AF_INET : AF_INET6;
            int fd = Libc.socket(errno, family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0 && family == AF_INET6 && host instanceof Inet4Address) { // a kernel without IPv6
                family = AF_INET;
                fd = Libc.socket(errno, family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            }
            if (fd < 0) throw failure("cannot open a UDP socket", "socket", Libc.errno(errno));
            try {
                MemorySegment value = a.allocateFrom(ValueLayout.JAVA_INT, 0);
                if (family == AF_INET6) Libc.setsockopt(errno, fd, IPPROTO_IPV6, IPV6_V6ONLY, value, 4); // dual stack
                value.set(ValueLayout.JAVA_INT, 0, bufferBytes);
                Libc.setsockopt(errno, fd, SOL_SOCKET, SO_SNDBUF, value, 4);
                Libc.setsockopt(errno, fd, SOL_SOCKET, SO_RCVBUF, value, 4);
                MemorySegment addr = a.allocate(SOCKADDR_SIZE, 8);
                int len = encode(addr, family, bind.getAddress(), bind.getPort());
                if (len < 0 || Libc.bind(errno, fd, addr, len) != 0) {
                    int e = len < 0 ? 97 /* EAFNOSUPPORT */ : Libc.errno(errno);
                    String where = "UDP " + describe(bind);
                    throw failure(e == 98 /* EADDRINUSE */ ? where + " is already in use" : "cannot bind " + where, "bind", e);
                }
                // GSO needs nothing on the socket (the size rides with each send); probe that the kernel knows it
                value.set(ValueLayout.JAVA_INT, 0, 0);
                boolean gso = Libc.setsockopt(errno, fd, SOL_UDP, UDP_SEGMENT, value, 4) == 0;
                value.set(ValueLayout.JAVA_INT, 0, 1);
                boolean gro = Libc.setsockopt(errno, fd, SOL_UDP, UDP_GRO, value, 4) == 0;
                return new UdpSocket(fd, family, gso, gro);
            } catch (RuntimeException e) {
                Libc.close(errno, fd);
                throw e;
            }
        }
    }

    private static String describe(InetSocketAddress a) {
        return (a.getAddress().isAnyLocalAddress() ? "*" : a.getAddress().getHostAddress()) + ":" + a.getPort();
    }

    /** Whether one {@link #send} may carry several datagrams (the kernel accepts {@code UDP_SEGMENT}). */
    public boolean segmentOffload() {
        return segmentOffload;
    }

    /** Whether a {@link #receive} may return several coalesced datagrams ({@code UDP_GRO} is on). */
    public boolean receiveOffload() {
        return receiveOffload;
    }

    /** The bound address and port (the port the kernel chose, for port 0). */
    public InetSocketAddress localAddress() {
        life.readLock().lock();
        try (Arena a = Arena.ofConfined()) {
            if (closed.get()) throw new IllegalStateException("socket closed");
            MemorySegment errno = Libc.newErrno(a), addr = a.allocate(SOCKADDR_SIZE, 8);
            MemorySegment len = a.allocateFrom(ValueLayout.JAVA_INT, SOCKADDR_SIZE);
            if (Libc.getsockname(errno, fd, addr, len) != 0) throw failure("getsockname failed", "getsockname", Libc.errno(errno));
            InetSocketAddress local = decode(addr);
            if (local == null) throw new IllegalStateException("unexpected socket family");
            return local;
        } finally {
            life.readLock().unlock();
        }
    }

    /**
     * Sends bytes {@code [0, length)} of {@code data} to {@code to} as datagrams of {@code segmentSize} bytes
     * (the last may be shorter) in one system call; a {@code segmentSize} of {@code length} or more sends one
     * datagram. Several datagrams need {@link #segmentOffload()}, at most {@link #MAX_SEGMENTS} of them and at
     * most {@link #MAX_BATCH_BYTES} in all. Returns false, sending nothing, when the kernel has no buffer for
     * them ({@code ENOBUFS}), on a closed socket, and to an IPv6 peer from an IPv4 socket.
     *
     * @throws PacketSocketException when the kernel refuses the send for another reason (its errno in
     *                               {@link PacketSocketException#errnoName()}: {@code EIO} when the route's
     *                               device cannot segment, {@code EMSGSIZE}, {@code ENETUNREACH}…)
     */
    public boolean send(InetSocketAddress to, byte[] data, int length, int segmentSize) {
        if (length < 0 || length > MAX_BATCH_BYTES || length > data.length || segmentSize <= 0) {
            throw new IllegalArgumentException("bad send: " + length + " bytes in segments of " + segmentSize);
        }
        boolean several = segmentSize < length;
        if (several && (!segmentOffload || (length + segmentSize - 1) / segmentSize > MAX_SEGMENTS)) {
            throw new IllegalArgumentException(length + " bytes in segments of " + segmentSize + " need more than one send");
        }
        life.readLock().lock();
        sendLock.lock();
        try {
            if (closed.get()) return false;
            int addrLen = encode(txAddr, family, to.getAddress(), to.getPort());
            if (addrLen < 0) return false;
            MemorySegment.copy(data, 0, txData, ValueLayout.JAVA_BYTE, 0, length);
            txIov.set(ValueLayout.JAVA_LONG, 8, length);
            txMsg.set(ValueLayout.JAVA_INT, MSG_NAMELEN, addrLen);
            if (several) {
                txControl.set(ValueLayout.JAVA_SHORT, CMSG_HEADER, (short) segmentSize);
                txMsg.set(ValueLayout.ADDRESS, MSG_CONTROL, txControl);
                txMsg.set(ValueLayout.JAVA_LONG, MSG_CONTROLLEN, CMSG_HEADER + 8);
            } else {
                txMsg.set(ValueLayout.ADDRESS, MSG_CONTROL, MemorySegment.NULL);
                txMsg.set(ValueLayout.JAVA_LONG, MSG_CONTROLLEN, 0);
            }
            while (true) {
                if (Libc.sendmsg(txErrno, fd, txMsg, 0) >= 0) return true;
                int e = Libc.errno(txErrno);
                if (e == EINTR) continue;
                if (e == ENOBUFS || e == EAGAIN) return false;
                throw failure("cannot send " + (several ? (length + segmentSize - 1) / segmentSize + " datagrams" : "a datagram")
                        + " to " + to, "sendmsg", e);
            }
        } finally {
            sendLock.unlock();
            life.readLock().unlock();
        }
    }

    /**
     * Waits for datagrams and copies them into {@code buf} (at least {@link #RECEIVE_BUFFER} bytes, or what does
     * not fit is lost and {@code truncated} set). Returns null once the socket is closed, also when the close
     * happens while this waits.
     *
     * @throws PacketSocketException on a socket error other than an interrupted call
     */
    public Received receive(byte[] buf) {
        life.readLock().lock();
        receiveLock.lock();
        try {
            while (!closed.get()) {
                rxMsg.set(ValueLayout.JAVA_INT, MSG_NAMELEN, SOCKADDR_SIZE);
                rxMsg.set(ValueLayout.JAVA_LONG, MSG_CONTROLLEN, rxControl.byteSize());
                rxMsg.set(ValueLayout.JAVA_INT, MSG_FLAGS, 0);
                long n = Libc.recvmsg(rxErrno, fd, rxMsg, 0);
                if (n < 0) {
                    int e = Libc.errno(rxErrno);
                    if (e == EINTR || e == EAGAIN) continue;
                    if (e == 111 /* ECONNREFUSED: an ICMP error for an earlier send */) continue;
                    throw failure("cannot receive", "recvmsg", e);
                }
                if (closed.get()) return null; // close's shutdown woke the call
                InetSocketAddress from = source();
                if (from == null) continue; // a sender of another address family: nothing to answer
                int flags = rxMsg.get(ValueLayout.JAVA_INT, MSG_FLAGS);
                int length = (int) Math.min(n, buf.length);
                MemorySegment.copy(rxData, ValueLayout.JAVA_BYTE, 0, buf, 0, length);
                int segment = segmentSize(flags);
                return new Received(from, length, segment > 0 ? segment : length, (flags & MSG_TRUNC) != 0 || n > buf.length);
            }
            return null;
        } finally {
            receiveLock.unlock();
            life.readLock().unlock();
        }
    }

    /** The UDP_GRO control message's segment size, or 0 when the datagrams were not coalesced. */
    private int segmentSize(int flags) {
        long controlLen = rxMsg.get(ValueLayout.JAVA_LONG, MSG_CONTROLLEN);
        if ((flags & MSG_CTRUNC) != 0 || controlLen < CMSG_HEADER + 4) return 0;
        long off = 0;
        while (off + CMSG_HEADER <= controlLen) {
            long len = rxControl.get(ValueLayout.JAVA_LONG, off);
            if (len < CMSG_HEADER || off + len > controlLen) return 0;
            if (rxControl.get(ValueLayout.JAVA_INT, off + 8) == SOL_UDP && rxControl.get(ValueLayout.JAVA_INT, off + 12) == UDP_GRO
                    && len >= CMSG_HEADER + 4) {
                return rxControl.get(ValueLayout.JAVA_INT, off + CMSG_HEADER);
            }
            off += (len + 7) & ~7L; // CMSG_NXTHDR: aligned to size_t
        }
        return 0;
    }

    /** The sender of what {@link #rxData} holds; the same object as last time for the same sender (no garbage per receive). */
    private InetSocketAddress source() {
        int len = rxMsg.get(ValueLayout.JAVA_INT, MSG_NAMELEN);
        if (len <= 0) return null;
        byte[] raw = rxAddr.asSlice(0, Math.min(len, SOCKADDR_SIZE)).toArray(ValueLayout.JAVA_BYTE);
        if (lastSource != null && Arrays.equals(raw, lastSourceBytes)) return lastSource;
        InetSocketAddress from = decode(rxAddr);
        if (from != null) {
            lastSourceBytes = raw;
            lastSource = from;
        }
        return from;
    }

    /** Writes {@code host:port} as this socket family's sockaddr; returns its length, or -1 when the family cannot carry it. */
    private static int encode(MemorySegment s, int family, InetAddress host, int port) {
        s.fill((byte) 0);
        s.set(ValueLayout.JAVA_SHORT, 0, (short) family);
        s.set(NETWORK_SHORT, 2, (short) port);
        byte[] a = host.getAddress();
        if (family == AF_INET) {
            if (a.length != 4) return -1;
            MemorySegment.copy(a, 0, s, ValueLayout.JAVA_BYTE, 4, 4);
            return 16;
        }
        if (a.length == 4) { // IPv4-mapped ::ffff:a.b.c.d
            s.set(ValueLayout.JAVA_SHORT, 18, (short) -1);
            MemorySegment.copy(a, 0, s, ValueLayout.JAVA_BYTE, 20, 4);
        } else {
            MemorySegment.copy(a, 0, s, ValueLayout.JAVA_BYTE, 8, 16);
            if (host instanceof Inet6Address v6) s.set(ValueLayout.JAVA_INT, 24, v6.getScopeId());
        }
        return SOCKADDR_SIZE;
    }

    /** A sockaddr_in or sockaddr_in6 as an address (IPv4-mapped as {@link Inet4Address}); null for another family. */
    private static InetSocketAddress decode(MemorySegment s) {
        int family = Short.toUnsignedInt(s.get(ValueLayout.JAVA_SHORT, 0));
        int port = Short.toUnsignedInt(s.get(NETWORK_SHORT, 2));
        try {
            if (family == AF_INET) return new InetSocketAddress(InetAddress.getByAddress(s.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE)), port);
            if (family != AF_INET6) return null;
            byte[] a = s.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE);
            int scope = s.get(ValueLayout.JAVA_INT, 24);
            InetAddress host = InetAddress.getByAddress(a); // IPv4-mapped comes back as Inet4Address
            if (host instanceof Inet6Address && scope != 0) host = Inet6Address.getByAddress(null, a, scope);
            return new InetSocketAddress(host, port);
        } catch (UnknownHostException e) {
            return null; // not reached: the lengths are right
        }
    }

    /** Closes the socket; a {@link #receive} waiting in another thread returns null at once. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = Libc.newErrno(a);
            Libc.shutdown(errno, fd, SHUT_RDWR); // wakes a blocked recvmsg (it returns 0), even on an unconnected socket
            life.writeLock().lock();
            try {
                Libc.close(errno, fd);
                arena.close();
            } finally {
                life.writeLock().unlock();
            }
        }
    }

    @Override
    public String toString() {
        return "UdpSocket[" + (family == AF_INET ? "inet" : "inet6") + (segmentOffload ? " gso" : "") + (receiveOffload ? " gro" : "")
                + (closed.get() ? " closed]" : "]");
    }

    private static PacketSocketException failure(String what, String call, int errno) {
        return new PacketSocketException(what + " (" + call + ": " + errnoName(errno) + ")", errnoName(errno));
    }
}
