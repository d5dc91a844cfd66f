package dev.cellscope.nativetap.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import static dev.cellscope.nativetap.packet.LinuxAbi.*;

/**
 * Raw Ethernet frames of one EtherType on one interface, through an {@code AF_PACKET}/
 * {@code SOCK_RAW} socket reached with FFM. {@link #send} writes the whole frame (destination,
 * our MAC, EtherType, payload, zero padding up to the 60-byte minimum); {@link #receive} returns
 * the payload after the EtherType of frames addressed to this host (our MAC, broadcast,
 * multicast) with their MACs.
 *
 * <p>Not received: frames this host sends (the kernel gives a protocol-bound socket no outgoing
 * frames, and {@code PACKET_IGNORE_OUTGOING} plus a check of {@code sll_pkttype} make that
 * explicit); frames for other hosts seen in promiscuous mode; and VLAN-tagged frames with a
 * non-zero VLAN id, which the kernel untags and marks {@code PACKET_OTHERHOST} when no VLAN
 * device claims them. A priority tag (VLAN id 0) is stripped by the kernel and the frame is
 * received as untagged.
 *
 * <p>Threads: any number may {@link #send} (serialised); one at a time should {@link #receive}
 * (others wait). {@link #close} from any thread wakes a blocked {@code receive} at once, which
 * then returns null, so a receive thread stops without waiting out its timeout.
 */
public final class PacketSocket implements AutoCloseable {
    /** The cell EtherType: UTCP, Tether and UTCP-SBI all travel in 0x88B5 frames. */
    public static final int ETHERTYPE_CELL = 0x88B5;
    /** The largest payload a frame may carry here (a 64 KiB MTU; the interface's MTU applies first). */
    public static final int MAX_PAYLOAD = 65_535 - ETH_HEADER;
    private static final int FRAME_BUFFER = 65_536;
    /** Room for bursts: the default 208 KiB receive buffer holds only about 140 full frames. */
    private static final int SOCKET_BUFFER = 4 << 20;

    private final String ifname;
    private final int ifindex;
    private final long mac;
    private final int etherType;
    private final int fd;
    private final int wakeFd;

    // closing waits (write lock) until no call is inside a syscall on fd (read lock), so the fd
    // number is never closed under a running call and reused by an unrelated file
    private final ReentrantReadWriteLock life = new ReentrantReadWriteLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Arena arena = Arena.ofShared();

    private final ReentrantLock sendLock = new ReentrantLock();
    private final MemorySegment txFrame, txAddr, txErrno;

    private final ReentrantLock receiveLock = new ReentrantLock();
    private final MemorySegment rxFrame, rxAddr, rxAddrLen, rxPoll, rxErrno;
    private volatile long ignored;

    private PacketSocket(String ifname, int ifindex, long mac, int etherType, int fd, int wakeFd) {
        this.ifname = ifname;
        this.ifindex = ifindex;
        this.mac = mac;
        this.etherType = etherType;
        this.fd = fd;
        this.wakeFd = wakeFd;
        txFrame = arena.allocate(FRAME_BUFFER);
        txAddr = arena.allocate(SOCKADDR_LL);
        txErrno = Libc.newErrno(arena);
        rxFrame = arena.allocate(FRAME_BUFFER);
        rxAddr = arena.allocate(SOCKADDR_LL);
        rxAddrLen = arena.allocate(ValueLayout.JAVA_INT);
        rxPoll = arena.allocate(POLLFD, 2);
        rxErrno = Libc.newErrno(arena);
        // the header is the same for every frame but the destination: write it once
        putMac(txFrame, 6, mac);
        txFrame.set(NETWORK_SHORT, 12, (short) etherType);
        fillSockaddr(txAddr, etherType, ifindex);
        rxPoll.setAtIndex(ValueLayout.JAVA_INT, 0, fd);
        rxPoll.set(ValueLayout.JAVA_SHORT, POLLFD_EVENTS, POLLIN);
        rxPoll.set(ValueLayout.JAVA_INT, POLLFD.byteSize(), wakeFd);
        rxPoll.set(ValueLayout.JAVA_SHORT, POLLFD.byteSize() + POLLFD_EVENTS, POLLIN);
    }

    /**
     * Opens a socket for frames of {@code etherType} (0x0600–0xFFFF) on interface {@code ifname}.
     *
     * @throws PacketSocketException "no network interface 'X'" when there is none; "AF_PACKET needs
     *                               root or CAP_NET_RAW (socket: EPERM)" without the capability;
     *                               otherwise the failed call and its errno
     */
    public static PacketSocket open(String ifname, int etherType) {
        if (etherType < 0x0600 || etherType > 0xFFFF) {
            // below 0x0600 the field is an 802.3 length, and ETH_P_ALL (3) would also see outgoing frames
            throw new IllegalArgumentException("EtherType must be 0x0600..0xFFFF, not 0x" + Integer.toHexString(etherType));
        }
        if (ifname == null || ifname.isEmpty() || ifname.length() >= IFNAMSIZ || ifname.contains("/")) {
            throw new IllegalArgumentException("not an interface name (1 to 15 characters): '" + ifname + "'");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = Libc.newErrno(a);
            // the index first: it needs no privilege, so a typo is reported as such even without root
            int ifindex = Libc.ifNameToIndex(errno, a.allocateFrom(ifname));
            if (ifindex == 0) {
                int e = Libc.errno(errno);
                if (e == ENODEV || e == 6 /* ENXIO */) throw new PacketSocketException("no network interface '" + ifname + "'", errnoName(e));
                throw failure("cannot look up interface '" + ifname + "'", "if_nametoindex", e);
            }
            // protocol 0: the socket receives nothing until bind sets the EtherType and the
            // interface together, so no frame of another interface slips in between
            int fd = Libc.socket(errno, AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                int e = Libc.errno(errno);
                if (e == EPERM || e == EACCES) throw failure("AF_PACKET needs root or CAP_NET_RAW", "socket", e);
                throw failure("cannot create an AF_PACKET socket", "socket", e);
            }
            int wakeFd = -1;
            try {
                long mac = hardwareAddress(a, errno, fd, ifname);
                configure(a, errno, fd);
                MemorySegment sll = a.allocate(SOCKADDR_LL);
                fillSockaddr(sll, etherType, ifindex);
                if (Libc.bind(errno, fd, sll, (int) SOCKADDR_LL.byteSize()) < 0) {
                    int e = Libc.errno(errno);
                    if (e == ENODEV) throw new PacketSocketException("no network interface '" + ifname + "' (it went away)", errnoName(e));
                    throw failure("cannot bind to '" + ifname + "'", "bind", e);
                }
                wakeFd = Libc.eventfd(errno, 0, EFD_CLOEXEC | EFD_NONBLOCK);
                if (wakeFd < 0) throw failure("cannot create the wake-up eventfd", "eventfd", Libc.errno(errno));
                return new PacketSocket(ifname, ifindex, mac, etherType, fd, wakeFd);
            } catch (RuntimeException | Error t) {
                Libc.close(errno, fd);
                if (wakeFd >= 0) Libc.close(errno, wakeFd);
                throw t;
            }
        }
    }

    /** The interface's MAC via SIOCGIFHWADDR, after checking it frames like Ethernet. */
    private static long hardwareAddress(Arena a, MemorySegment errno, int fd, String ifname) {
        MemorySegment ifr = a.allocate(IFREQ_SIZE, 8);
        ifr.setString(0, ifname);
        if (Libc.ioctl(errno, fd, SIOCGIFHWADDR, ifr) < 0) {
            throw failure("cannot read the MAC address of '" + ifname + "'", "ioctl SIOCGIFHWADDR", Libc.errno(errno));
        }
        int type = Short.toUnsignedInt(ifr.get(ValueLayout.JAVA_SHORT, IFREQ_HWADDR_FAMILY));
        if (type != ARPHRD_ETHER && type != ARPHRD_LOOPBACK) {
            throw new PacketSocketException("'" + ifname + "' is not an Ethernet interface (ARPHRD type " + type
                    + "); frames need a 14-byte Ethernet header", null);
        }
        return getMac(ifr, IFREQ_HWADDR_DATA);
    }

    private static void configure(Arena a, MemorySegment errno, int fd) {
        MemorySegment one = a.allocateFrom(ValueLayout.JAVA_INT, 1);
        // belt and braces beside the pkttype check; ENOPROTOOPT on kernels before 4.20 is fine
        Libc.setsockopt(errno, fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, one, 4);
        MemorySegment size = a.allocateFrom(ValueLayout.JAVA_INT, SOCKET_BUFFER);
        // FORCE passes the sysctl ceiling when we have CAP_NET_ADMIN; else take what the ceiling allows
        if (Libc.setsockopt(errno, fd, SOL_SOCKET, SO_RCVBUFFORCE, size, 4) < 0) {
            Libc.setsockopt(errno, fd, SOL_SOCKET, SO_RCVBUF, size, 4);
        }
        if (Libc.setsockopt(errno, fd, SOL_SOCKET, SO_SNDBUFFORCE, size, 4) < 0) {
            Libc.setsockopt(errno, fd, SOL_SOCKET, SO_SNDBUF, size, 4);
        }
    }

    static void fillSockaddr(MemorySegment sll, int etherType, int ifindex) {
        sll.fill((byte) 0);
        sll.set(ValueLayout.JAVA_SHORT, SLL_FAMILY, (short) AF_PACKET);
        sll.set(NETWORK_SHORT, SLL_PROTOCOL, (short) etherType); // htons
        sll.set(ValueLayout.JAVA_INT, SLL_IFINDEX, ifindex);
    }

    public String interfaceName() {
        return ifname;
    }

    public int interfaceIndex() {
        return ifindex;
    }

    /** Our MAC (the interface's), the source of every frame sent. */
    public long mac() {
        return mac;
    }

    public int etherType() {
        return etherType;
    }

    /** Frames received but not returned: outgoing, for another host (VLAN-tagged), runts, other EtherTypes. */
    public long ignoredFrames() {
        return ignored;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Sends one frame to {@code dstMac} carrying {@code payload}, zero-padded to the Ethernet
     * minimum of 46 payload bytes (the receiver sees the padding: the protocols carry their own
     * lengths). Does not block: returns false when the socket buffer is full, and on a closed socket.
     *
     * @throws PacketSocketException when the kernel refuses the frame: ENETDOWN (interface down),
     *                               EMSGSIZE (payload over the MTU), ENXIO/ENODEV (interface gone)
     */
    public boolean send(long dstMac, byte[] payload) {
        MacAddress.checked(dstMac);
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
        }
        int payloadLen = Math.max(payload.length, ETH_MIN_PAYLOAD);
        life.readLock().lock();
        sendLock.lock();
        try {
            if (closed.get()) return false;
            putMac(txFrame, 0, dstMac);
            MemorySegment.copy(payload, 0, txFrame, ValueLayout.JAVA_BYTE, ETH_HEADER, payload.length);
            if (payload.length < ETH_MIN_PAYLOAD) {
                txFrame.asSlice(ETH_HEADER + payload.length, ETH_MIN_PAYLOAD - payload.length).fill((byte) 0);
            }
            long n = Libc.sendto(txErrno, fd, txFrame, ETH_HEADER + payloadLen, MSG_DONTWAIT, txAddr, (int) SOCKADDR_LL.byteSize());
            if (n >= 0) return true;
            int e = Libc.errno(txErrno);
            if (e == EAGAIN || e == ENOBUFS) return false;
            if (e == 90 /* EMSGSIZE */) {
                throw failure("a payload of " + payload.length + " bytes exceeds the MTU of '" + ifname + "'", "sendto", e);
            }
            throw failure("cannot send on '" + ifname + "'", "sendto", e);
        } finally {
            sendLock.unlock();
            life.readLock().unlock();
        }
    }

    /**
     * Waits up to {@code timeoutMillis} (negative: until a frame or {@link #close}) for a frame
     * for this host and copies its payload (everything after the EtherType, padding included)
     * into {@code buf}. Returns null on timeout and once the socket is closed.
     *
     * @throws PacketSocketException on a socket error, e.g. ENETDOWN when the interface went down
     */
    public ReceivedFrame receive(byte[] buf, long timeoutMillis) {
        boolean forever = timeoutMillis < 0 || timeoutMillis > Long.MAX_VALUE / 4_000_000L; // no overflow below
        long deadline = forever ? Long.MAX_VALUE : System.nanoTime() + timeoutMillis * 1_000_000L;
        life.readLock().lock();
        receiveLock.lock();
        try {
            while (!closed.get()) {
                int wait = forever ? -1
                        : (int) Math.min(Integer.MAX_VALUE, Math.max(0, (deadline - System.nanoTime() + 999_999) / 1_000_000));
                int ready = Libc.poll(rxErrno, rxPoll, 2, wait);
                if (ready < 0) {
                    int e = Libc.errno(rxErrno);
                    if (e == EINTR) continue;
                    throw failure("cannot wait for frames on '" + ifname + "'", "poll", e);
                }
                if (ready == 0) return null;
                if (rxPoll.get(ValueLayout.JAVA_SHORT, POLLFD.byteSize() + POLLFD_REVENTS) != 0) return null; // close()
                ReceivedFrame f = receiveOne(buf);
                if (f != null) return f;
                // not for us: wait again for what is left of the timeout (a zero wait just drains)
            }
            return null;
        } finally {
            receiveLock.unlock();
            life.readLock().unlock();
        }
    }

    /** One recvfrom without blocking; null when nothing was there or the frame is not for us. */
    private ReceivedFrame receiveOne(byte[] buf) {
        rxAddrLen.set(ValueLayout.JAVA_INT, 0, (int) SOCKADDR_LL.byteSize());
        // MSG_TRUNC: the result is the frame's real length even when it did not fit
        long n = Libc.recvfrom(rxErrno, fd, rxFrame, FRAME_BUFFER, MSG_DONTWAIT | MSG_TRUNC, rxAddr, rxAddrLen);
        if (n < 0) {
            int e = Libc.errno(rxErrno);
            if (e == EAGAIN || e == EINTR) return null;
            throw failure("cannot receive on '" + ifname + "'", "recvfrom", e);
        }
        int pkttype = Byte.toUnsignedInt(rxAddr.get(ValueLayout.JAVA_BYTE, SLL_PKTTYPE));
        boolean forUs = pkttype == PACKET_HOST || pkttype == PACKET_BROADCAST || pkttype == PACKET_MULTICAST;
        if (!forUs || n < ETH_HEADER || Short.toUnsignedInt(rxFrame.get(NETWORK_SHORT, 12)) != etherType) {
            ignored++; // only this thread writes it (under receiveLock)
            return null;
        }
        int available = (int) Math.min(n, FRAME_BUFFER) - ETH_HEADER;
        int length = Math.min(available, buf.length);
        MemorySegment.copy(rxFrame, ValueLayout.JAVA_BYTE, ETH_HEADER, buf, 0, length);
        return new ReceivedFrame(getMac(rxFrame, 6), getMac(rxFrame, 0), length, n - ETH_HEADER > length);
    }

    /** Closes the socket; a blocked {@link #receive} returns null at once. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = Libc.newErrno(a);
            // wake a receiver blocked in poll; the eventfd stays readable, so a later poll returns too
            Libc.write(errno, wakeFd, a.allocateFrom(ValueLayout.JAVA_LONG, 1), 8);
            life.writeLock().lock();
            try {
                Libc.close(errno, fd);
                Libc.close(errno, wakeFd);
                arena.close();
            } finally {
                life.writeLock().unlock();
            }
        }
    }

    @Override
    public String toString() {
        return "PacketSocket[" + ifname + " " + MacAddress.format(mac) + " 0x" + Integer.toHexString(etherType)
                + (closed.get() ? " closed]" : "]");
    }

    private static PacketSocketException failure(String what, String call, int errno) {
        return new PacketSocketException(what + " (" + call + ": " + errnoName(errno) + ")", errnoName(errno));
    }

    private static void putMac(MemorySegment s, long offset, long mac) {
        for (int i = 0; i < 6; i++) s.set(ValueLayout.JAVA_BYTE, offset + i, (byte) (mac >>> (40 - 8 * i)));
    }

    private static long getMac(MemorySegment s, long offset) {
        long v = 0;
        for (int i = 0; i < 6; i++) v = v << 8 | Byte.toUnsignedLong(s.get(ValueLayout.JAVA_BYTE, offset + i));
        return v;
    }
}
