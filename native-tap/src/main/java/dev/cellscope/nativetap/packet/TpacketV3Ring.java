package dev.cellscope.nativetap.packet;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

import static dev.cellscope.nativetap.packet.LinuxAbi.*;

/**
 * Live capture of every frame on one interface through an {@code AF_PACKET} socket with a
 * {@code TPACKET_V3} memory-mapped receive ring ({@code PACKET_RX_RING}), reached with FFM. The
 * kernel writes frames into blocks of the ring; {@link #nextBlock} hands out each block once it is
 * full or its retire timeout passed, and the frames are read in place (no copy, no system call per
 * frame); {@link RingBlock#release()} gives the block back.
 *
 * <p>Opening: {@code socket(AF_PACKET, SOCK_RAW, 0)} (protocol 0 receives nothing yet), {@code
 * PACKET_VERSION} = V3, {@code PACKET_RESERVE} (room to put VLAN tags back), the BPF filter
 * ({@code SO_ATTACH_FILTER}), {@code PACKET_RX_RING}, {@code mmap}, and only then {@code bind} to
 * the interface with {@code ETH_P_ALL}: so no frame of another interface or outside the filter
 * reaches the ring in between. Then promiscuous mode ({@code PACKET_ADD_MEMBERSHIP}) and the
 * fanout group ({@code PACKET_FANOUT}, which needs a bound socket).
 *
 * <p>Threads: one thread at a time calls {@link #nextBlock} (others wait); {@link #wakeup},
 * {@link #stats}, {@link #close} and {@link RingBlock#release()} are for any thread. A blocked
 * {@code nextBlock} sleeps in {@code poll} on the socket and an eventfd, so {@code wakeup()} and
 * {@code close()} end it at once (an eventfd rather than a short poll timeout: no periodic
 * wake-ups while the port is idle, and no latency floor).
 *
 * <p>Memory: the ring is mapped into a shared {@link Arena}; {@code close()} unmaps it through
 * the arena, so a block still held after close throws {@link IllegalStateException} on access
 * instead of reading unmapped memory.
 */
public final class TpacketV3Ring implements AutoCloseable {
    /** PACKET_RESERVE: bytes kept free before each frame, where a removed 4-byte VLAN tag is put back. */
    static final int RESERVE = 4;
    private static final int PAGE_SIZE = Libc.pageSize();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    /** How long nextBlock naps while poll says "readable" only because the consumer holds the previous block. */
    private static final long NAP_MILLIS = 1;

    private final RingConfig config;
    private final int ifindex;
    private final int fd;
    private final int wakeFd;
    private final Arena arena;
    private final MemorySegment ring;
    private final int blockSize;
    private final int blockCount;
    private final BpfProgram filter;

    private final ReentrantReadWriteLock life = new ReentrantReadWriteLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final ReentrantLock receiveLock = new ReentrantLock();
    private final MemorySegment pollFds, rxErrno, wakeBuf;
    // 1 while the consumer holds the block: the cursor must not hand it out again when it comes round
    private final AtomicIntegerArray held;
    private final Object monitor = new Object();
    private int cursor; // the next block in the kernel's order (receiveLock)
    private volatile long blocksOut, framesOut; // single writer under receiveLock

    private final Object statsLock = new Object();
    private final MemorySegment statsBuf, statsLen, statsErrno;
    private long packets, drops, freezes; // totals of the kernel's clear-on-read counters (statsLock)

    private TpacketV3Ring(RingConfig config, int ifindex, int fd, int wakeFd, Arena arena, MemorySegment ring, BpfProgram filter) {
        this.config = config;
        this.ifindex = ifindex;
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.arena = arena;
        this.ring = ring;
        this.blockSize = config.blockSize();
        this.blockCount = config.blockCount();
        this.filter = filter;
        this.held = new AtomicIntegerArray(blockCount);
        pollFds = arena.allocate(POLLFD, 2);
        pollFds.set(ValueLayout.JAVA_INT, 0, fd);
        pollFds.set(ValueLayout.JAVA_SHORT, POLLFD_EVENTS, (short) (POLLIN | POLLERR));
        pollFds.set(ValueLayout.JAVA_INT, POLLFD.byteSize(), wakeFd);
        pollFds.set(ValueLayout.JAVA_SHORT, POLLFD.byteSize() + POLLFD_EVENTS, POLLIN);
        rxErrno = Libc.newErrno(arena);
        wakeBuf = arena.allocate(ValueLayout.JAVA_LONG);
        statsBuf = arena.allocate(TPACKET_STATS_V3_SIZE, 4);
        statsLen = arena.allocate(ValueLayout.JAVA_INT);
        statsErrno = Libc.newErrno(arena);
    }

    /**
     * Opens the ring described by {@code config}.
     *
     * @throws IllegalArgumentException  a size or name against the kernel's rules (the message says which and what to change)
     * @throws CaptureFilterException    a filter libpcap rejects (its message), or libpcap missing
     * @throws PacketSocketException     no such interface (the message lists those there are), no
     *                                   CAP_NET_RAW, not enough memory for the ring, a fanout
     *                                   group of another mode; otherwise the failed call and errno
     */
    public static TpacketV3Ring open(RingConfig config) {
        config.validate(PAGE_SIZE);
        String ifname = config.interfaceName();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = Libc.newErrno(a);
            int ifindex = Libc.ifNameToIndex(errno, a.allocateFrom(ifname));
            if (ifindex == 0) {
                int e = Libc.errno(errno);
                if (e == ENODEV || e == 6 /* ENXIO */) {
                    throw new PacketSocketException("no network interface '" + ifname + "' (there are: "
                            + String.join(", ", interfaceNames()) + ")", errnoName(e));
                }
                throw failure("cannot look up interface '" + ifname + "'", "if_nametoindex", e);
            }
            checkMemory(config);
            int fd = Libc.socket(errno, AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                int e = Libc.errno(errno);
                if (e == EPERM || e == EACCES) {
                    throw failure("capturing on '" + ifname + "' needs CAP_NET_RAW: run as root or grant cap_net_raw", "socket", e);
                }
                throw failure("cannot create an AF_PACKET socket", "socket", e);
            }
            int wakeFd = -1;
            Arena ringArena = null;
            try {
                setInt(a, errno, fd, SOL_PACKET, PACKET_VERSION, TPACKET_V3, "PACKET_VERSION TPACKET_V3", ifname);
                setInt(a, errno, fd, SOL_PACKET, PACKET_RESERVE, RESERVE, "PACKET_RESERVE", ifname);
                BpfProgram program = filterFor(config);
                if (program != null) attachFilter(a, errno, fd, program, ifname);
                if (config.ignoreOutgoing()) setInt(a, errno, fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING", ifname);
                requestRing(a, errno, fd, config);
                ringArena = Arena.ofShared();
                MemorySegment ring = map(errno, fd, config, ringArena);
                bind(a, errno, fd, ifindex, ifname);
                if (config.promiscuous()) promiscuous(a, errno, fd, ifindex, ifname);
                if (config.fanout() != null) joinFanout(a, errno, fd, config.fanout(), ifname);
                wakeFd = Libc.eventfd(errno, 0, EFD_CLOEXEC | EFD_NONBLOCK);
                if (wakeFd < 0) throw failure("cannot create the wake-up eventfd", "eventfd", Libc.errno(errno));
                return new TpacketV3Ring(config, ifindex, fd, wakeFd, ringArena, ring, program);
            } catch (RuntimeException | Error t) {
                if (ringArena != null) ringArena.close(); // munmap
                Libc.close(errno, fd);
                if (wakeFd >= 0) Libc.close(errno, wakeFd);
                throw t;
            }
        }
    }

    /** The program to attach: the compiled filter, {@code ret #snaplen} for a snaplen alone, or none. */
    private static BpfProgram filterFor(RingConfig config) {
        String f = config.filter();
        if (f != null && !f.isBlank()) return BpfCompiler.compileFor(config.interfaceName(), config.snaplen(), f.strip());
        return config.snaplen() < RingConfig.MAX_SNAPLEN ? BpfProgram.acceptAll(config.snaplen()) : null;
    }

    /** Refuses a ring larger than MemAvailable before the kernel tries (and perhaps wakes the OOM killer). */
    private static void checkMemory(RingConfig config) {
        long available = memAvailable();
        if (available > 0 && config.ringBytes() > available) {
            throw new PacketSocketException("a ring of " + describe(config) + " is more than the memory available ("
                    + mib(available) + "): lower --ring-blocks/--ring-block-size", "ENOMEM");
        }
    }

    private static void requestRing(Arena a, MemorySegment errno, int fd, RingConfig c) {
        MemorySegment req = a.allocate(TPACKET_REQ3_SIZE, 4);
        req.set(ValueLayout.JAVA_INT, 0, c.blockSize());
        req.set(ValueLayout.JAVA_INT, 4, c.blockCount());
        req.set(ValueLayout.JAVA_INT, 8, c.frameSize());
        req.set(ValueLayout.JAVA_INT, 12, c.blockSize() / c.frameSize() * c.blockCount());
        req.set(ValueLayout.JAVA_INT, 16, c.retireTimeoutMillis());
        req.set(ValueLayout.JAVA_INT, 20, 0); // tp_sizeof_priv
        req.set(ValueLayout.JAVA_INT, 24, 0); // tp_feature_req_word
        if (Libc.setsockopt(errno, fd, SOL_PACKET, PACKET_RX_RING, req, (int) TPACKET_REQ3_SIZE) < 0) {
            int e = Libc.errno(errno);
            if (e == ENOMEM) {
                throw failure("cannot allocate a ring of " + describe(c) + " for '" + c.interfaceName()
                        + "': lower --ring-blocks/--ring-block-size", "setsockopt PACKET_RX_RING", e);
            }
            throw failure("the kernel refused a ring of " + describe(c) + ", frame size " + c.frameSize()
                    + ", block timeout " + c.retireTimeoutMillis() + " ms", "setsockopt PACKET_RX_RING", e);
        }
    }

    @SuppressWarnings("restricted") // the mapping becomes a segment of the ring's arena, unmapped when it closes
    private static MemorySegment map(MemorySegment errno, int fd, RingConfig c, Arena ringArena) {
        long size = c.ringBytes();
        MemorySegment at = Libc.mmap(errno, MemorySegment.NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (at.address() == -1L) { // MAP_FAILED
            int e = Libc.errno(errno);
            String fix = e == ENOMEM ? ": lower --ring-blocks/--ring-block-size" : "";
            throw failure("cannot map a ring of " + describe(c) + fix, "mmap", e);
        }
        return at.reinterpret(size, ringArena, s -> {
            try (Arena a = Arena.ofConfined()) {
                Libc.munmap(Libc.newErrno(a), s, size);
            }
        });
    }

    private static void bind(Arena a, MemorySegment errno, int fd, int ifindex, String ifname) {
        MemorySegment sll = a.allocate(SOCKADDR_LL);
        PacketSocket.fillSockaddr(sll, ETH_P_ALL, ifindex);
        if (Libc.bind(errno, fd, sll, (int) SOCKADDR_LL.byteSize()) < 0) {
            int e = Libc.errno(errno);
            if (e == ENODEV) throw new PacketSocketException("no network interface '" + ifname + "' (it went away)", errnoName(e));
            throw failure("cannot bind to '" + ifname + "'", "bind", e);
        }
    }

    private static void promiscuous(Arena a, MemorySegment errno, int fd, int ifindex, String ifname) {
        MemorySegment mreq = a.allocate(PACKET_MREQ_SIZE, 4);
        mreq.set(ValueLayout.JAVA_INT, 0, ifindex);
        mreq.set(ValueLayout.JAVA_SHORT, 4, (short) PACKET_MR_PROMISC);
        if (Libc.setsockopt(errno, fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq, (int) PACKET_MREQ_SIZE) < 0) {
            throw failure("cannot put '" + ifname + "' into promiscuous mode", "setsockopt PACKET_ADD_MEMBERSHIP", Libc.errno(errno));
        }
    }

    private static void joinFanout(Arena a, MemorySegment errno, int fd, Fanout f, String ifname) {
        if (Libc.setsockopt(errno, fd, SOL_PACKET, PACKET_FANOUT, a.allocateFrom(ValueLayout.JAVA_INT, f.socketOptionValue()), 4) < 0) {
            int e = Libc.errno(errno);
            if (e == EINVAL) {
                throw failure("cannot join fanout group " + f.groupId() + " on '" + ifname + "' as " + f.mode()
                        + ": the group exists with another mode or flags (or on another interface); use another group id",
                        "setsockopt PACKET_FANOUT", e);
            }
            throw failure("cannot join fanout group " + f.groupId() + " on '" + ifname + "'", "setsockopt PACKET_FANOUT", e);
        }
    }

    private static void attachFilter(Arena a, MemorySegment errno, int fd, BpfProgram p, String ifname) {
        List<BpfProgram.Instruction> insns = p.instructions();
        MemorySegment code = a.allocate(insns.size() * SOCK_FILTER_SIZE, 8);
        for (int i = 0; i < insns.size(); i++) {
            BpfProgram.Instruction in = insns.get(i);
            long o = i * SOCK_FILTER_SIZE;
            code.set(ValueLayout.JAVA_SHORT, o, (short) in.code());
            code.set(ValueLayout.JAVA_BYTE, o + 2, (byte) in.jt());
            code.set(ValueLayout.JAVA_BYTE, o + 3, (byte) in.jf());
            code.set(ValueLayout.JAVA_INT, o + 4, in.k());
        }
        MemorySegment prog = a.allocate(SOCK_FPROG_SIZE, 8);
        prog.set(ValueLayout.JAVA_SHORT, 0, (short) insns.size());
        prog.set(ValueLayout.ADDRESS, SOCK_FPROG_FILTER, code);
        if (Libc.setsockopt(errno, fd, SOL_SOCKET, SO_ATTACH_FILTER, prog, (int) SOCK_FPROG_SIZE) < 0) {
            throw failure("the kernel refused the capture filter '" + p.expression() + "' on '" + ifname + "'",
                    "setsockopt SO_ATTACH_FILTER", Libc.errno(errno));
        }
    }

    private static void setInt(Arena a, MemorySegment errno, int fd, int level, int name, int value, String what, String ifname) {
        if (Libc.setsockopt(errno, fd, level, name, a.allocateFrom(ValueLayout.JAVA_INT, value), 4) < 0) {
            throw failure("cannot set " + what + " on the socket for '" + ifname + "'", "setsockopt", Libc.errno(errno));
        }
    }

    /**
     * The next block of frames in the kernel's order, waiting up to {@code timeoutMillis}
     * (negative: until one comes, {@link #wakeup} or {@link #close}). Returns null on timeout,
     * after a wake-up, and once closed. The block is the caller's until {@link RingBlock#release()}.
     * If the next block in order is still held from the previous round of the ring, this waits for
     * its release.
     *
     * @throws PacketSocketException when the socket reports an error, e.g. ENETDOWN when the
     *                               interface went down (reported once; frames come again when it is up)
     */
    public RingBlock nextBlock(long timeoutMillis) {
        boolean forever = timeoutMillis < 0 || timeoutMillis > Long.MAX_VALUE / 4_000_000L;
        long deadline = forever ? Long.MAX_VALUE : System.nanoTime() + timeoutMillis * 1_000_000L;
        life.readLock().lock();
        receiveLock.lock();
        try {
            boolean pollSaidReady = false;
            while (true) {
                if (closed.get()) return null;
                if (wakePending.getAndSet(false)) {
                    drainWake();
                    return null;
                }
                int i = cursor;
                long base = (long) i * blockSize;
                boolean stillHeld = held.get(i) != 0;
                if (!stillHeld) {
                    int status = (int) INT.getAcquire(ring, base + BLOCK_STATUS);
                    if ((status & TP_STATUS_USER) != 0) {
                        held.set(i, 1);
                        cursor = i + 1 == blockCount ? 0 : i + 1;
                        RingBlock b = new RingBlock(this, i, ring.asSlice(base, blockSize), status, config.reinsertVlan(), config.snaplen());
                        blocksOut++;
                        framesOut += b.frameCount();
                        return b;
                    }
                }
                long left = forever ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (left <= 0) return null;
                long leftMillis = Math.max(1, left / 1_000_000);
                if (stillHeld) {
                    // the consumer holds the block from the last round: only its release helps
                    nap(Math.min(leftMillis, 100), i);
                    continue;
                }
                if (pollSaidReady) {
                    // poll reports readable while the block before the kernel's current one is not the
                    // kernel's; when the consumer holds that one, poll never sleeps: nap instead
                    pollSaidReady = false;
                    nap(Math.min(leftMillis, NAP_MILLIS), -1);
                    continue;
                }
                int wait = forever ? -1 : (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000);
                int ready = Libc.poll(rxErrno, pollFds, 2, wait);
                if (ready < 0) {
                    int e = Libc.errno(rxErrno);
                    if (e == EINTR) continue;
                    throw failure("cannot wait for frames on '" + config.interfaceName() + "'", "poll", e);
                }
                if (ready == 0) continue; // timed out: one more look at the block, then null
                short wakeEvents = pollFds.get(ValueLayout.JAVA_SHORT, POLLFD.byteSize() + POLLFD_REVENTS);
                short events = pollFds.get(ValueLayout.JAVA_SHORT, POLLFD_REVENTS);
                if (wakeEvents != 0 && !wakePending.get() && !closed.get()) drainWake(); // a late write of a consumed wake-up
                if ((events & POLLERR) != 0) throw socketError();
                pollSaidReady = (events & POLLIN) != 0;
            }
        } finally {
            receiveLock.unlock();
            life.readLock().unlock();
        }
    }

    /** Makes a blocked (or the next) {@link #nextBlock} return null at once. Any thread. */
    public void wakeup() {
        if (closed.get()) return;
        wakePending.set(true);
        signalWake();
    }

    /** Gives block {@code i} back to the kernel: a release store of TP_STATUS_KERNEL, then clears our hold. */
    void release(int i) {
        life.readLock().lock();
        try {
            if (closed.get()) return;
            INT.setRelease(ring, (long) i * blockSize + BLOCK_STATUS, TP_STATUS_KERNEL);
            held.set(i, 0); // after the status: the cursor then sees KERNEL or a block the kernel filled since
        } finally {
            life.readLock().unlock();
        }
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    /** Waits up to {@code millis} for a release (of block {@code heldIndex}, if >= 0), wakeup or close. */
    private void nap(long millis, int heldIndex) {
        synchronized (monitor) {
            if (closed.get() || wakePending.get() || heldIndex >= 0 && held.get(heldIndex) == 0) return;
            try {
                monitor.wait(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                wakePending.set(true);
            }
        }
    }

    private void signalWake() {
        try (Arena a = Arena.ofConfined()) {
            Libc.write(Libc.newErrno(a), wakeFd, a.allocateFrom(ValueLayout.JAVA_LONG, 1), 8);
        }
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }

    private void drainWake() {
        Libc.read(rxErrno, wakeFd, wakeBuf, 8); // EFD_NONBLOCK: EAGAIN when nothing was written
    }

    /** The pending socket error (SO_ERROR, which clears it) as an exception. */
    private PacketSocketException socketError() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
            MemorySegment len = a.allocateFrom(ValueLayout.JAVA_INT, 4);
            int e = Libc.getsockopt(rxErrno, fd, SOL_SOCKET, SO_ERROR, v, len) < 0 ? Libc.errno(rxErrno) : v.get(ValueLayout.JAVA_INT, 0);
            String ifname = config.interfaceName();
            if (e == 100 /* ENETDOWN */) {
                boolean gone = !Files.exists(Path.of("/sys/class/net", ifname));
                return failure(gone ? "interface '" + ifname + "' went away" : "interface '" + ifname
                        + "' is down; frames come again when it is up", "poll", e);
            }
            return failure("capture on '" + ifname + "' failed", "poll", e);
        }
    }

    /**
     * The totals since open. Reads (and thereby resets) the kernel's counters and adds them to the
     * totals, so frequent calls lose nothing. After close: the totals as they were at close.
     */
    public RingStats stats() {
        life.readLock().lock();
        try {
            synchronized (statsLock) {
                if (!closed.get()) readKernelStats();
                return new RingStats(packets, drops, freezes, blocksOut, framesOut);
            }
        } finally {
            life.readLock().unlock();
        }
    }

    private void readKernelStats() {
        statsLen.set(ValueLayout.JAVA_INT, 0, (int) TPACKET_STATS_V3_SIZE);
        if (Libc.getsockopt(statsErrno, fd, SOL_PACKET, PACKET_STATISTICS, statsBuf, statsLen) < 0) {
            throw failure("cannot read the drop counters of '" + config.interfaceName() + "'", "getsockopt PACKET_STATISTICS",
                    Libc.errno(statsErrno));
        }
        packets += Integer.toUnsignedLong(statsBuf.get(ValueLayout.JAVA_INT, 0));
        drops += Integer.toUnsignedLong(statsBuf.get(ValueLayout.JAVA_INT, 4));
        freezes += Integer.toUnsignedLong(statsBuf.get(ValueLayout.JAVA_INT, 8));
    }

    public RingConfig config() {
        return config;
    }

    public int interfaceIndex() {
        return ifindex;
    }

    /** The BPF program attached (the compiled filter, or {@code ret #snaplen}), or null when none. */
    public BpfProgram filter() {
        return filter;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Wakes a blocked {@link #nextBlock}, reads the counters a last time, unmaps the ring and
     * closes the socket (which leaves the fanout group and promiscuous mode). Idempotent. Blocks
     * still held become unreadable ({@link IllegalStateException}).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        signalWake();
        life.writeLock().lock(); // no call is inside poll/getsockopt or reading status any more
        try {
            synchronized (statsLock) {
                try {
                    readKernelStats();
                } catch (PacketSocketException e) {
                    // the totals stay as last read
                }
            }
            arena.close(); // munmap
            try (Arena a = Arena.ofConfined()) {
                MemorySegment errno = Libc.newErrno(a);
                Libc.close(errno, fd);
                Libc.close(errno, wakeFd);
            }
        } finally {
            life.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "TpacketV3Ring[" + config.interfaceName() + ", " + describe(config) + (closed.get() ? ", closed]" : "]");
    }

    /** The interfaces of this network namespace, sorted (from /sys/class/net). */
    public static List<String> interfaceNames() {
        try (Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of("(cannot list /sys/class/net: " + e.getMessage() + ")");
        }
    }

    private static long memAvailable() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no check then: the kernel still says ENOMEM
        }
        return -1;
    }

    static String describe(RingConfig c) {
        return c.blockCount() + " blocks of " + size(c.blockSize()) + " (" + mib(c.ringBytes()) + ")";
    }

    private static String size(long bytes) {
        if (bytes % (1 << 20) == 0) return bytes / (1 << 20) + " MiB";
        if (bytes % 1024 == 0) return bytes / 1024 + " KiB";
        return bytes + " bytes";
    }

    private static String mib(long bytes) {
        return bytes >= 10L << 20 ? bytes / (1 << 20) + " MiB" : String.format("%.1f MiB", bytes / 1048576.0);
    }

    private static PacketSocketException failure(String what, String call, int errno) {
        return new PacketSocketException(what + " (" + call + ": " + errnoName(errno) + ")", errnoName(errno));
    }
}
