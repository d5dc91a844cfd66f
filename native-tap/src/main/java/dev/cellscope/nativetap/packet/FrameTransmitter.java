package dev.cellscope.nativetap.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static dev.cellscope.nativetap.packet.LinuxAbi.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Whole Ethernet frames, as captured, out of one interface: an {@code AF_PACKET}/{@code SOCK_RAW}
 * socket bound with protocol 0, so it receives nothing, and {@code sendmmsg} batches of up to
 * {@link #MAX_BATCH} frames per system call. Unlike {@link PacketSocket} nothing in a frame is
 * rewritten: the source MAC, the EtherType and any VLAN tag go out as given (what replay needs).
 *
 * <p>The frames are passed as native segments and sent from where they are (the iovecs point at
 * them): no copy. The socket is blocking: a batch waits while the interface's queue is full,
 * which is what paces a replay at top speed. One thread sends at a time.
 */
public final class FrameTransmitter implements BatchTransmitter {
    /** Frames per sendmmsg: enough to amortise the system call, small enough to keep a schedule. */
    public static final int MAX_BATCH = 64;

    @Override
    public int maxBatch() {
        return MAX_BATCH;
    }

    // bits/socket.h, x86-64: struct msghdr is 56 bytes, struct mmsghdr adds msg_len (and padding) to 64;
    // struct iovec is {void *base; size_t len}
    private static final long MSGHDR_IOV = 16, MSGHDR_IOVLEN = 24, MMSGHDR_SIZE = 64, IOVEC_SIZE = 16;
    private static final int EMSGSIZE = 90;

    @SuppressWarnings("restricted") // FFM downcalls are this package's purpose
    private static final MethodHandle SENDMMSG = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("sendmmsg").orElseThrow(() -> new UnsatisfiedLinkError("libc has no sendmmsg")),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            Linker.Option.captureCallState("errno"));

    private final String ifname;
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment msgs, iovs, errno;
    private boolean closed;

    private FrameTransmitter(String ifname, int fd) {
        this.ifname = ifname;
        this.fd = fd;
        msgs = arena.allocate(MMSGHDR_SIZE * MAX_BATCH, 8);
        iovs = arena.allocate(IOVEC_SIZE * MAX_BATCH, 8);
        errno = Libc.newErrno(arena);
        // one iovec per message, fixed; only the iovec's base and length change per frame
        for (int i = 0; i < MAX_BATCH; i++) {
            msgs.set(ValueLayout.ADDRESS, i * MMSGHDR_SIZE + MSGHDR_IOV, iovs.asSlice(i * IOVEC_SIZE, IOVEC_SIZE));
            msgs.set(ValueLayout.JAVA_LONG, i * MMSGHDR_SIZE + MSGHDR_IOVLEN, 1L);
        }
    }

    /**
     * Opens a transmit socket on {@code ifname}.
     *
     * @throws PacketSocketException "no network interface 'X'"; "AF_PACKET needs root or CAP_NET_RAW
     *                               (socket: EPERM)"; otherwise the failed call and its errno
     */
    public static FrameTransmitter open(String ifname) {
        if (ifname == null || ifname.isEmpty() || ifname.length() >= IFNAMSIZ || ifname.contains("/")) {
            throw new IllegalArgumentException("not an interface name (1 to 15 characters): '" + ifname + "'");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment e = Libc.newErrno(a);
            int ifindex = Libc.ifNameToIndex(e, a.allocateFrom(ifname));
            if (ifindex == 0) {
                int n = Libc.errno(e);
                if (n == ENODEV || n == 6 /* ENXIO */) throw new PacketSocketException("no network interface '" + ifname + "'", errnoName(n));
                throw failure("cannot look up interface '" + ifname + "'", "if_nametoindex", n);
            }
            int fd = Libc.socket(e, AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                int n = Libc.errno(e);
                if (n == EPERM || n == EACCES) throw failure("AF_PACKET needs root or CAP_NET_RAW", "socket", n);
                throw failure("cannot create an AF_PACKET socket", "socket", n);
            }
            try {
                // protocol 0 in the address: bound to the interface for sending, registered for no frames
                MemorySegment sll = a.allocate(SOCKADDR_LL);
                PacketSocket.fillSockaddr(sll, 0, ifindex);
                if (Libc.bind(e, fd, sll, (int) SOCKADDR_LL.byteSize()) < 0) {
                    throw failure("cannot bind to '" + ifname + "'", "bind", Libc.errno(e));
                }
                MemorySegment size = a.allocateFrom(ValueLayout.JAVA_INT, 4 << 20);
                if (Libc.setsockopt(e, fd, SOL_SOCKET, SO_SNDBUFFORCE, size, 4) < 0) {
                    Libc.setsockopt(e, fd, SOL_SOCKET, SO_SNDBUF, size, 4);
                }
                return new FrameTransmitter(ifname, fd);
            } catch (RuntimeException | Error t) {
                Libc.close(e, fd);
                throw t;
            }
        }
    }

    public String interfaceName() {
        return ifname;
    }

    /**
     * Sends {@code frames[from .. from+count)} (count at most {@link #MAX_BATCH}), each a native
     * segment holding a whole Ethernet frame, with one {@code sendmmsg}; returns how many the kernel
     * took, at least one. Blocks while the interface's queue is full.
     *
     * @throws FrameRefusedException when the frame at {@code from} is refused on its own (larger than
     *                               the MTU: EMSGSIZE; too short for a link header: EINVAL); the caller
     *                               may skip it and go on
     * @throws PacketSocketException when the interface fails (ENETDOWN, ENXIO…)
     */
    public int send(MemorySegment[] frames, int from, int count) {
        return submit(frames, from, count, false);
    }

    /**
     * Everything {@link #send} does but hand the frames to the kernel (sendmmsg is called with no
     * message); returns {@code count}. A replay runs its send loop through this before its clock starts,
     * so the JIT has compiled the loop, this method and the downcall by the first real frame.
     */
    public int rehearse(MemorySegment[] frames, int from, int count) {
        return submit(frames, from, count, true);
    }

    private int submit(MemorySegment[] frames, int from, int count, boolean dry) {
        if (closed) throw new IllegalStateException("transmitter closed");
        if (count < 1 || count > MAX_BATCH) throw new IllegalArgumentException("batch of " + count + " frames (1.." + MAX_BATCH + ")");
        for (int i = 0; i < count; i++) {
            MemorySegment f = frames[from + i];
            if (!f.isNative()) throw new IllegalArgumentException("frames must be native segments");
            iovs.set(ValueLayout.ADDRESS, i * IOVEC_SIZE, f);
            iovs.set(ValueLayout.JAVA_LONG, i * IOVEC_SIZE + 8, f.byteSize());
        }
        while (true) {
            int n;
            try {
                n = (int) SENDMMSG.invokeExact(errno, fd, msgs, dry ? 0 : count, 0);
            } catch (Throwable t) {
                throw new IllegalStateException("FFM downcall failed: " + t, t);
            }
            if (dry) return count;
            if (n > 0) return n;
            int e = Libc.errno(errno);
            if (e == EINTR || e == EAGAIN || e == ENOBUFS) {
                Thread.onSpinWait(); // a full queue on a blocking socket: try again
                continue;
            }
            if (e == EMSGSIZE || e == 22 /* EINVAL */) {
                throw new FrameRefusedException("'" + ifname + "' refused a frame of " + frames[from].byteSize() + " bytes ("
                        + (e == EMSGSIZE ? "larger than its MTU" : "not a valid frame") + "; sendmmsg: " + errnoName(e) + ")", errnoName(e));
            }
            if (e == 100 /* ENETDOWN */) throw failure("'" + ifname + "' is down", "sendmmsg", e);
            throw failure("cannot send on '" + ifname + "'", "sendmmsg", e);
        }
    }

    /**
     * Makes the first real send as fast as the later ones: FFM links a downcall on its first use and
     * the JIT compiles it after thousands, which would make a replay's first frames milliseconds
     * late. Calls sendmmsg with no message (the kernel returns 0 and sends nothing) {@code times} times.
     */
    public void warmUp(int times) {
        if (closed) throw new IllegalStateException("transmitter closed");
        for (int i = 0; i < times; i++) {
            try {
                int n = (int) SENDMMSG.invokeExact(errno, fd, msgs, 0, 0);
            } catch (Throwable t) {
                throw new IllegalStateException("FFM downcall failed: " + t, t);
            }
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try (Arena a = Arena.ofConfined()) {
            Libc.close(Libc.newErrno(a), fd);
        }
        arena.close();
    }

    /** One frame the kernel would not send; the others can still go. */
    public static final class FrameRefusedException extends RuntimeException {
        private final String errnoName;

        FrameRefusedException(String message, String errnoName) {
            super(message);
            this.errnoName = errnoName;
        }

        public String errnoName() {
            return errnoName;
        }
    }

    private static PacketSocketException failure(String what, String call, int errno) {
        return new PacketSocketException(what + " (" + call + ": " + errnoName(errno) + ")", errnoName(errno));
    }
}
