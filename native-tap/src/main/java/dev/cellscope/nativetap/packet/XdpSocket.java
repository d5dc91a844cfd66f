package dev.cellscope.nativetap.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import static dev.cellscope.nativetap.packet.LinuxAbi.*;
import static dev.cellscope.nativetap.packet.XdpAbi.*;

/**
 * One AF_XDP socket receiving one queue of an interface, with its own UMEM, driven from Java.
 *
 * <p><b>Memory.</b> The UMEM is {@code frames} chunks of {@code chunkSize} bytes in one
 * page-aligned native {@link MemorySegment}, registered with {@code XDP_UMEM_REG}; the kernel
 * writes frames straight into it. The fill, completion and RX rings are the kernel's, mapped with
 * {@code mmap} at the offsets {@code XDP_MMAP_OFFSETS} reports (laid out as in {@code
 * linux/if_xdp.h}: a producer word, a consumer word, a flags word and the descriptors).
 *
 * <p><b>Rings.</b> libxdp's ring helpers are {@code static inline}, so this class is the ring
 * code: single producer/consumer rings of 32-bit free-running indexes, read with an acquire load
 * of the other side's word ({@code getAcquire}: the descriptors it published are visible) and
 * advanced with a release store of our own ({@code setRelease}: our reads of the frames happen
 * before the kernel may reuse them). At open every chunk goes on the fill ring; each frame taken
 * from the RX ring goes back on the fill ring right after the batch is read.
 *
 * <p><b>Batches.</b> {@link #receive} makes one {@code poll} (only when the RX ring is empty),
 * then hands every frame the ring holds to the sink and gives them all back at once: no system
 * call per frame. A frame longer than a chunk (multi-buffer, {@code XDP_USE_SG}, kernel 6.6+)
 * spans several descriptors; it is joined into a scratch buffer before the sink sees it.
 *
 * <p><b>Mode.</b> Bound without a copy/zero-copy flag, the kernel uses zero-copy where the driver
 * can and copy mode otherwise; {@link #zeroCopy()} says which it chose ({@code XDP_OPTIONS}).
 *
 * <p>Threads: one thread calls {@link #receive}; {@link #wakeup}, {@link #stats} and
 * {@link #close} are for any thread ({@code close} waits until no call is inside the socket,
 * then closes it, and only then frees the UMEM the kernel wrote into).
 */
public final class XdpSocket implements AutoCloseable {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final int PAGE_SIZE = Libc.pageSize();

    /** What {@link #receive} gives each frame to: {@code length} bytes at {@code offset} of {@code data}, valid during the call only. */
    @FunctionalInterface
    public interface FrameSink {
        void frame(MemorySegment data, long offset, int length);

        /**
         * Called once per ring read, before its frames: at most {@code descriptors} frames follow (fewer when
         * a frame spans several descriptors; none when only the first part of one has arrived). Lets a sink
         * size what it gathers the frames into to the read rather than to the ring.
         */
        default void batch(int descriptors) {
        }
    }

    /** {@code XDP_STATISTICS}: the kernel's counters of this socket since it was bound (cumulative). */
    public record Stats(long rxDropped, long rxInvalidDescs, long rxRingFull, long rxFillRingEmptyDescs) {
        public static final Stats NONE = new Stats(0, 0, 0, 0);

        /**
         * Frames the kernel had for this socket and could not deliver: {@code rx_dropped} (no free
         * chunk on the fill ring, or too long) + {@code rx_ring_full} (no room on the RX ring).
         * {@code rx_fill_ring_empty_descs} counts the same fill-ring misses again, and
         * {@code rx_invalid_descs} bad descriptors we put on the rings (never, from this class), so
         * neither is added.
         */
        public long drops() {
            return rxDropped + rxRingFull;
        }
    }

    private final String ifname;
    private final int queue;
    private final int fd, wakeFd;
    private final Arena arena, rings; // the UMEM (and small buffers); the ring mappings
    private final MemorySegment umem, rx, fill;
    private final long rxProd, rxCons, rxDesc, fillProd, fillCons, fillDesc, fillFlags;
    private final int ringSize, mask, chunkSize;
    private final long chunkMask;
    private final boolean zeroCopy, multiBuffer;

    private final ReentrantReadWriteLock life = new ReentrantReadWriteLock();
    private final ReentrantLock receiveLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean(), wakePending = new AtomicBoolean();
    private final MemorySegment pollFds, rxErrno, wakeBuf, statsBuf, statsLen, statsErrno;
    private final long[] taken; // chunk addresses of the batch, given back to the fill ring after it
    private MemorySegment scratch; // a multi-buffer frame joined (receive thread)
    private volatile long frames, bytes;
    private volatile Stats lastStats = Stats.NONE;
    private volatile boolean busyPoll;

    private XdpSocket(String ifname, int queue, int fd, int wakeFd, Arena arena, Arena rings, MemorySegment umem, MemorySegment rx,
                      MemorySegment fill, MemorySegment offsets, int ringSize, int chunkSize,
                      boolean zeroCopy, boolean multiBuffer) {
        this.ifname = ifname;
        this.queue = queue;
        this.fd = fd;
        this.wakeFd = wakeFd;
        this.arena = arena;
        this.rings = rings;
        this.umem = umem;
        this.rx = rx;
        this.fill = fill;
        this.rxProd = offsets.get(ValueLayout.JAVA_LONG, OFF_RX + RING_PRODUCER);
        this.rxCons = offsets.get(ValueLayout.JAVA_LONG, OFF_RX + RING_CONSUMER);
        this.rxDesc = offsets.get(ValueLayout.JAVA_LONG, OFF_RX + RING_DESC);
        this.fillProd = offsets.get(ValueLayout.JAVA_LONG, OFF_FR + RING_PRODUCER);
        this.fillCons = offsets.get(ValueLayout.JAVA_LONG, OFF_FR + RING_CONSUMER);
        this.fillDesc = offsets.get(ValueLayout.JAVA_LONG, OFF_FR + RING_DESC);
        this.fillFlags = offsets.get(ValueLayout.JAVA_LONG, OFF_FR + RING_FLAGS);
        this.ringSize = ringSize;
        this.mask = ringSize - 1;
        this.chunkSize = chunkSize;
        this.chunkMask = ~((long) chunkSize - 1);
        this.zeroCopy = zeroCopy;
        this.multiBuffer = multiBuffer;
        this.taken = new long[ringSize];
        pollFds = arena.allocate(POLLFD, 2);
        pollFds.set(ValueLayout.JAVA_INT, 0, fd);
        pollFds.set(ValueLayout.JAVA_SHORT, POLLFD_EVENTS, (short) (POLLIN | POLLERR));
        pollFds.set(ValueLayout.JAVA_INT, POLLFD.byteSize(), wakeFd);
        pollFds.set(ValueLayout.JAVA_SHORT, POLLFD.byteSize() + POLLFD_EVENTS, POLLIN);
        rxErrno = Libc.newErrno(arena);
        wakeBuf = arena.allocate(ValueLayout.JAVA_LONG);
        statsBuf = arena.allocate(STATISTICS_SIZE, 8);
        statsLen = arena.allocate(ValueLayout.JAVA_INT);
        statsErrno = Libc.newErrno(arena);
    }

    /**
     * A socket on queue {@code queue} of the interface with a UMEM of {@code frames} chunks of
     * {@code chunkSize} bytes; RX and fill rings of {@code frames} entries. Not yet receiving:
     * frames come once {@link XdpProgram#register} put it into the program's map.
     *
     * @param frames    a power of two, at least 64
     * @param chunkSize 2048 or 4096 (a power of two, at most the page size)
     * @throws PacketSocketException no CAP_NET_RAW (EPERM), not enough locked memory, the kernel refusing the socket
     */
    public static XdpSocket open(String ifname, int ifindex, int queue, int frames, int chunkSize) {
        if (Integer.bitCount(frames) != 1 || frames < 64) throw new IllegalArgumentException("AF_XDP frames must be a power of two >= 64, not " + frames);
        if (Integer.bitCount(chunkSize) != 1 || chunkSize < 2048 || chunkSize > PAGE_SIZE) {
            throw new IllegalArgumentException("AF_XDP chunk size must be a power of two in 2048.." + PAGE_SIZE + ", not " + chunkSize);
        }
        Arena arena = Arena.ofShared();
        try {
            // page-aligned, as XDP_UMEM_REG wants; zeroed by the allocation
            MemorySegment umem = arena.allocate((long) frames * chunkSize, PAGE_SIZE);
            return bindEitherWay(ifname, ifindex, queue, frames, chunkSize, arena, umem);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** How long a bind refused with EBUSY is tried again, and how often (see {@link XdpBinding}). */
    static final long BUSY_RETRY_MILLIS = XdpBinding.BUSY_RETRY_MILLIS, BUSY_RETRY_STEP_MILLIS = XdpBinding.BUSY_RETRY_STEP_MILLIS;

    /**
     * RX and fill rings of {@code frames} entries (every chunk on the fill ring before bind), a
     * small completion ring the kernel wants but receiving never maps. Zero-copy/copy as the kernel
     * decides, frames longer than a chunk as several descriptors; a kernel before 6.6 refuses
     * XDP_USE_SG: then without it (such frames are dropped and counted).
     */
    private static XdpSocket bindEitherWay(String ifname, int ifindex, int queue, int frames, int chunkSize, Arena arena, MemorySegment umem) {
        XdpBinding b = XdpBinding.open("capturing on", ifname, ifindex, queue, umem, chunkSize,
                new XdpBinding.Rings(frames, frames, 0, 64, frames), XDP_USE_NEED_WAKEUP | XDP_USE_SG, XDP_USE_NEED_WAKEUP);
        int wakeFd = -1;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = Libc.newErrno(a);
            wakeFd = Libc.eventfd(errno, 0, EFD_CLOEXEC | EFD_NONBLOCK);
            if (wakeFd < 0) throw failure("cannot create the wake-up eventfd", "eventfd", Libc.errno(errno));
            return new XdpSocket(ifname, queue, b.fd(), wakeFd, arena, b.rings(), umem, b.rx(), b.fill(), b.offsets(),
                    frames, chunkSize, b.zeroCopy(), (b.flags() & XDP_USE_SG) != 0);
        } catch (RuntimeException | Error t) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment errno = Libc.newErrno(a);
                Libc.close(errno, b.fd()); // first: the kernel lets go of the rings and the UMEM
                b.rings().close();
                if (wakeFd >= 0) Libc.close(errno, wakeFd);
            }
            throw t;
        }
    }

    /**
     * Waits up to {@code timeoutMillis} (negative: until frames, {@link #wakeup} or
     * {@link #close}) for frames, then gives every frame the RX ring holds to {@code sink}, in
     * order, and returns how many. 0: timed out; -1: woken or closed.
     *
     * @throws PacketSocketException the socket reports an error (e.g. ENETDOWN)
     */
    public int receive(FrameSink sink, long timeoutMillis) {
        boolean forever = timeoutMillis < 0;
        long deadline = forever ? Long.MAX_VALUE : System.nanoTime() + timeoutMillis * 1_000_000L;
        life.readLock().lock();
        receiveLock.lock();
        try {
            while (true) {
                if (closed.get()) return -1;
                if (wakePending.getAndSet(false)) {
                    Libc.read(rxErrno, wakeFd, wakeBuf, 8);
                    return -1;
                }
                int n = takeBatch(sink);
                if (n > 0) return n;
                if (busyPoll) {
                    busyPollOnce();
                    n = takeBatch(sink);
                    if (n > 0) return n;
                }
                long left = forever ? -1 : deadline - System.nanoTime();
                if (!forever && left <= 0) return 0;
                int wait = forever ? -1 : (int) Math.min(Integer.MAX_VALUE, Math.max(1, (left + 999_999) / 1_000_000));
                int ready = Libc.poll(rxErrno, pollFds, 2, wait);
                if (ready < 0) {
                    int e = Libc.errno(rxErrno);
                    if (e == EINTR) continue;
                    throw failure("cannot wait for frames on '" + ifname + "'", "poll", e);
                }
                short events = pollFds.get(ValueLayout.JAVA_SHORT, POLLFD_REVENTS);
                if ((events & POLLERR) != 0) throw failure("AF_XDP capture on queue " + queue + " of '" + ifname + "' failed", "poll", 5 /* EIO */);
            }
        } finally {
            receiveLock.unlock();
            life.readLock().unlock();
        }
    }

    /** Default busy-poll time and budget: xdpsock's (-B): 20 µs, a batch of 64 frames. */
    public static final int BUSY_POLL_MICROS = 20, BUSY_POLL_BUDGET = 64;

    /**
     * Busy polling: {@code SO_PREFER_BUSY_POLL}, {@code SO_BUSY_POLL} = {@code micros} and
     * {@code SO_BUSY_POLL_BUDGET} = {@code budget} on the socket; from then on, an empty RX ring makes
     * {@link #receive} first call {@code recvfrom(MSG_DONTWAIT)}, in which the kernel runs the
     * queue's NAPI poll itself (on this thread, for up to {@code micros}) instead of waiting for the
     * interrupt or softirq, and only then {@code poll}s. It pays off with the driver's interrupts
     * deferred ({@code napi_defer_hard_irqs}, {@code gro_flush_timeout} in /sys/class/net/IF), which
     * this does not set. Call before the first receive.
     *
     * @throws PacketSocketException the kernel refuses an option (EPERM without CAP_NET_ADMIN, a kernel before 5.11)
     */
    public void busyPoll(int micros, int budget) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = Libc.newErrno(a);
            int[][] options = {{SO_PREFER_BUSY_POLL, 1, 0}, {SO_BUSY_POLL, micros, 1}, {SO_BUSY_POLL_BUDGET, budget, 2}};
            String[] names = {"SO_PREFER_BUSY_POLL", "SO_BUSY_POLL", "SO_BUSY_POLL_BUDGET"};
            for (int[] o : options) {
                if (Libc.setsockopt(errno, fd, SOL_SOCKET, o[0], a.allocateFrom(ValueLayout.JAVA_INT, o[1]), 4) < 0) {
                    int e = Libc.errno(errno);
                    throw failure("cannot turn on busy polling on queue " + queue + " of '" + ifname + "'"
                            + (e == EPERM ? " (it needs CAP_NET_ADMIN)" : e == 92 /* ENOPROTOOPT */ ? " (the kernel has no " + names[o[2]] + ": 5.11 or later)" : ""),
                            "setsockopt " + names[o[2]], e);
                }
            }
        }
        busyPoll = true;
    }

    /** Whether {@link #busyPoll} turned busy polling on. */
    public boolean busyPolling() {
        return busyPoll;
    }

    /** In busy-poll mode: the kernel runs the queue's NAPI poll in this call (a non-blocking recvfrom of nothing). */
    private void busyPollOnce() {
        Libc.recvfrom(rxErrno, fd, MemorySegment.NULL, 0, MSG_DONTWAIT, MemorySegment.NULL, MemorySegment.NULL);
    }

    /** Everything the RX ring holds, to the sink; the chunks back on the fill ring. The frame count. */
    private int takeBatch(FrameSink sink) {
        int cons = (int) INT.get(rx, rxCons); // ours: only this thread writes it
        int prod = (int) INT.getAcquire(rx, rxProd); // the kernel's: the descriptors up to it are written
        int available = prod - cons;
        if (available == 0) return 0;
        sink.batch(available);
        int done = 0, framesHere = 0, frameStart = 0;
        long byteCount = 0;
        for (int i = 0; i < available; i++) {
            long d = rxDesc + (long) ((cons + i) & mask) * DESC_SIZE;
            long addr = rx.get(ValueLayout.JAVA_LONG, d + DESC_ADDR);
            taken[i] = addr & chunkMask;
            if ((rx.get(ValueLayout.JAVA_INT, d + DESC_OPTIONS) & XDP_PKT_CONTD) != 0) continue; // more of this frame follows
            if (i == frameStart) {
                int len = rx.get(ValueLayout.JAVA_INT, d + DESC_LEN);
                sink.frame(umem, addr, len);
                byteCount += len;
            } else {
                byteCount += joined(sink, cons, frameStart, i);
            }
            framesHere++;
            done = i + 1;
            frameStart = i + 1;
        }
        if (done == 0) return 0; // only the first part of a frame so far: the kernel publishes the rest with it
        INT.setRelease(rx, rxCons, cons + done); // the kernel may reuse those RX slots
        refill(done);
        frames += framesHere;
        bytes += byteCount;
        return framesHere;
    }

    /** A frame in descriptors first..last: copied together into the scratch buffer, then to the sink; its length. */
    private int joined(FrameSink sink, int cons, int first, int last) {
        int total = 0;
        for (int i = first; i <= last; i++) total += rx.get(ValueLayout.JAVA_INT, rxDesc + (long) ((cons + i) & mask) * DESC_SIZE + DESC_LEN);
        if (scratch == null || scratch.byteSize() < total) scratch = Arena.ofAuto().allocate(Math.max(total, 16384), 8);
        long at = 0;
        for (int i = first; i <= last; i++) {
            long d = rxDesc + (long) ((cons + i) & mask) * DESC_SIZE;
            int len = rx.get(ValueLayout.JAVA_INT, d + DESC_LEN);
            MemorySegment.copy(umem, rx.get(ValueLayout.JAVA_LONG, d + DESC_ADDR), scratch, at, len);
            at += len;
        }
        sink.frame(scratch, 0, total);
        return total;
    }

    /** Puts the first {@code n} taken chunks back on the fill ring (it has room: it holds every chunk not in use). */
    private void refill(int n) {
        int prod = (int) INT.get(fill, fillProd); // ours
        for (int i = 0; i < n; i++) fill.set(ValueLayout.JAVA_LONG, fillDesc + (long) ((prod + i) & mask) * 8, taken[i]);
        INT.setRelease(fill, fillProd, prod + n); // the kernel sees the addresses before the new producer
        // need_wakeup: a zero-copy driver stopped for want of chunks; the next poll() kicks it
    }

    /** Whether the kernel asked for a wake-up on the fill ring (zero-copy drivers). */
    boolean fillNeedsWakeup() {
        return ((int) INT.getAcquire(fill, fillFlags) & XDP_RING_NEED_WAKEUP) != 0;
    }

    /** Makes a blocked (or the next) {@link #receive} return -1 at once. Any thread. */
    public void wakeup() {
        if (closed.get()) return;
        wakePending.set(true);
        try (Arena a = Arena.ofConfined()) {
            Libc.write(Libc.newErrno(a), wakeFd, a.allocateFrom(ValueLayout.JAVA_LONG, 1), 8);
        }
    }

    /** The kernel's counters of this socket; after close, as they were at close. Any thread. */
    public Stats stats() {
        life.readLock().lock();
        try {
            if (!closed.get()) readStats();
            return lastStats;
        } finally {
            life.readLock().unlock();
        }
    }

    private synchronized void readStats() {
        statsLen.set(ValueLayout.JAVA_INT, 0, (int) STATISTICS_SIZE);
        if (Libc.getsockopt(statsErrno, fd, SOL_XDP, XDP_STATISTICS, statsBuf, statsLen) < 0) {
            throw failure("cannot read the AF_XDP counters of '" + ifname + "'", "getsockopt XDP_STATISTICS", Libc.errno(statsErrno));
        }
        lastStats = new Stats(statsBuf.get(ValueLayout.JAVA_LONG, ST_RX_DROPPED), statsBuf.get(ValueLayout.JAVA_LONG, ST_RX_INVALID_DESCS),
                statsBuf.get(ValueLayout.JAVA_LONG, ST_RX_RING_FULL), statsBuf.get(ValueLayout.JAVA_LONG, ST_RX_FILL_RING_EMPTY_DESCS));
    }

    public int fd() {
        return fd;
    }

    public int queue() {
        return queue;
    }

    /** True: zero-copy (the driver writes into the UMEM); false: copy mode (the kernel copies each frame in). */
    public boolean zeroCopy() {
        return zeroCopy;
    }

    /** Whether frames longer than a chunk arrive whole (multi-buffer, kernel 6.6+); otherwise the kernel drops and counts them. */
    public boolean multiBuffer() {
        return multiBuffer;
    }

    public int chunkSize() {
        return chunkSize;
    }

    public int ringSize() {
        return ringSize;
    }

    /** Frames and bytes handed to sinks so far. */
    public long frames() {
        return frames;
    }

    public long bytes() {
        return bytes;
    }

    /**
     * Wakes a blocked {@link #receive}, reads the counters a last time, closes the socket (the
     * kernel takes it out of the program's map and lets go of the UMEM), then unmaps the rings and
     * frees the UMEM. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try (Arena a = Arena.ofConfined()) {
            Libc.write(Libc.newErrno(a), wakeFd, a.allocateFrom(ValueLayout.JAVA_LONG, 1), 8);
        }
        life.writeLock().lock();
        try {
            try {
                readStats();
            } catch (PacketSocketException e) {
                // the counters stay as last read
            }
            try (Arena a = Arena.ofConfined()) {
                MemorySegment errno = Libc.newErrno(a);
                Libc.close(errno, fd);
                Libc.close(errno, wakeFd);
            }
            try {
                rings.close(); // munmap
            } finally {
                arena.close(); // free the UMEM, now that no socket refers to it
            }
        } finally {
            life.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "XdpSocket[" + ifname + " queue " + queue + ", " + ringSize + " x " + chunkSize + " B, " + (zeroCopy ? "zero-copy" : "copy")
                + (closed.get() ? ", closed]" : "]");
    }

    private static PacketSocketException failure(String what, String call, int errno) {
        return XdpBinding.failure(what, call, errno);
    }
}
