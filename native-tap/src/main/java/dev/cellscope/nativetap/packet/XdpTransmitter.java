package dev.cellscope.nativetap.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static dev.cellscope.nativetap.packet.LinuxAbi.*;
import static dev.cellscope.nativetap.packet.XdpAbi.*;

/**
 * Whole Ethernet frames out of one queue of an interface through an AF_XDP socket: the TX ring
 * and the completion ring driven from Java, the frames copied into UMEM chunks (the only copy; the
 * kernel's zero-copy drivers hand the chunk itself to the NIC).
 *
 * <p><b>Set-up</b> is {@link XdpBinding}'s, as for receiving: a TX-only socket (TX and completion
 * rings mapped; the fill ring the kernel insists on is sized but unused). No XDP program is needed to
 * send. Bound first with {@code XDP_ZEROCOPY}, then, when the driver refuses it, with
 * {@code XDP_COPY}; {@link #mode()} says which one is active and {@link #zeroCopyRefusal()} why
 * zero-copy is not.
 *
 * <p><b>Rings.</b> As in {@link XdpSocket}: 32-bit free-running indexes, the kernel's word read
 * with an acquire load, ours written with a release store after the descriptors (or, on the
 * completion ring, after we read the addresses). Chunks are recycled from the completion ring:
 * a chunk on the free stack is one the kernel is done with.
 *
 * <p><b>Kicks.</b> The socket is bound with {@code XDP_USE_NEED_WAKEUP}: a zero-copy driver that is
 * running is not woken per batch, only when it set {@code XDP_RING_NEED_WAKEUP} on the TX ring. In
 * copy mode the kernel sends only inside {@code sendto}, so every batch is kicked (that is the
 * mode's system call per batch, as with sendmmsg).
 *
 * <p>One thread sends at a time. {@link #close} first waits (up to a second) for the queued frames
 * to leave, so the last batch of a replay is not lost.
 */
public final class XdpTransmitter implements BatchTransmitter {
    /** Frames per {@link #send}: a batch per kick, as {@link FrameTransmitter#MAX_BATCH}. */
    public static final int MAX_BATCH = 64;

    @Override
    public int maxBatch() {
        return MAX_BATCH;
    }

    /** "AF_XDP copy mode, queue 0 (zero-copy refused: …)" or "AF_XDP zero-copy mode, queue 0": what the kernel chose. */
    @Override
    public String describe() {
        String why = zeroCopyRefusal().isEmpty() ? "" : " (zero-copy refused: " + zeroCopyRefusal().getFirst() + ")";
        return "AF_XDP " + mode() + " mode, queue " + queue() + why;
    }
    /** Default UMEM: 2048 chunks of 4096 bytes (8 MiB), the TX and completion rings as deep. */
    public static final int DEFAULT_FRAMES = 2048, DEFAULT_CHUNK = 4096;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final int PAGE_SIZE = Libc.pageSize();
    private static final long DRAIN_MILLIS = 1_000;

    /** Which way the kernel moves the frames: zero-copy (the NIC reads the UMEM) or copy (into an skb). */
    public enum Mode {
        ZERO_COPY("zero-copy"), COPY("copy");
        private final String text;

        Mode(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private final String ifname;
    private final int queue, fd, ringSize, mask, chunkSize, maxFrame;
    private final Arena arena, rings;
    private final MemorySegment umem, tx, comp, errno;
    private final long txProd, txCons, txDesc, txFlags, compProd, compCons, compDesc;
    private final Mode mode;
    private final List<String> zeroCopyRefusal;
    private final long[] free; // chunk addresses the kernel is done with (a stack)
    private int freeCount;
    private long frames, bytes, kicks;
    private boolean closed;

    private XdpTransmitter(String ifname, int queue, Arena arena, MemorySegment umem, XdpBinding b, int ringSize, int chunkSize, int maxFrame) {
        this.ifname = ifname;
        this.queue = queue;
        this.arena = arena;
        this.umem = umem;
        this.fd = b.fd();
        this.rings = b.rings();
        this.tx = b.tx();
        this.comp = b.completion();
        this.txProd = b.offset(OFF_TX, RING_PRODUCER);
        this.txCons = b.offset(OFF_TX, RING_CONSUMER);
        this.txDesc = b.offset(OFF_TX, RING_DESC);
        this.txFlags = b.offset(OFF_TX, RING_FLAGS);
        this.compProd = b.offset(OFF_CR, RING_PRODUCER);
        this.compCons = b.offset(OFF_CR, RING_CONSUMER);
        this.compDesc = b.offset(OFF_CR, RING_DESC);
        this.ringSize = ringSize;
        this.mask = ringSize - 1;
        this.chunkSize = chunkSize;
        this.maxFrame = maxFrame;
        this.mode = b.zeroCopy() ? Mode.ZERO_COPY : Mode.COPY;
        this.zeroCopyRefusal = b.refused();
        this.free = new long[ringSize];
        for (int i = 0; i < ringSize; i++) free[i] = (long) (ringSize - 1 - i) * chunkSize;
        this.freeCount = ringSize;
        this.errno = Libc.newErrno(arena);
    }

    /** {@link #open(String, int, int, int)} on queue 0 with the default UMEM. */
    public static XdpTransmitter open(String ifname) {
        return open(ifname, 0, DEFAULT_FRAMES, DEFAULT_CHUNK);
    }

    /**
     * A TX socket on {@code queue} of {@code ifname} with a UMEM of {@code frames} chunks of {@code chunkSize}.
     *
     * @throws PacketSocketException "no network interface 'X'"; no CAP_NET_RAW (EPERM); the kernel refusing
     *                               the socket or both modes (the copy mode's error)
     */
    public static XdpTransmitter open(String ifname, int queue, int frames, int chunkSize) {
        if (ifname == null || ifname.isEmpty() || ifname.length() >= IFNAMSIZ || ifname.contains("/")) {
            throw new IllegalArgumentException("not an interface name (1 to 15 characters): '" + ifname + "'");
        }
        if (Integer.bitCount(frames) != 1 || frames < 64) throw new IllegalArgumentException("AF_XDP frames must be a power of two >= 64, not " + frames);
        if (Integer.bitCount(chunkSize) != 1 || chunkSize < 2048 || chunkSize > PAGE_SIZE) {
            throw new IllegalArgumentException("AF_XDP chunk size must be a power of two in 2048.." + PAGE_SIZE + ", not " + chunkSize);
        }
        int ifindex;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment e = Libc.newErrno(a);
            ifindex = Libc.ifNameToIndex(e, a.allocateFrom(ifname));
            if (ifindex == 0) {
                int n = Libc.errno(e);
                if (n == ENODEV || n == 6 /* ENXIO */) throw new PacketSocketException("no network interface '" + ifname + "'", errnoName(n));
                throw XdpBinding.failure("cannot look up interface '" + ifname + "'", "if_nametoindex", n);
            }
        }
        Arena arena = Arena.ofShared();
        try {
            MemorySegment umem = arena.allocate((long) frames * chunkSize, PAGE_SIZE);
            XdpBinding b = XdpBinding.open("sending on", ifname, ifindex, queue, umem, chunkSize,
                    new XdpBinding.Rings(0, 64, frames, frames, 0),
                    XDP_ZEROCOPY | XDP_USE_NEED_WAKEUP, XDP_COPY | XDP_USE_NEED_WAKEUP);
            return new XdpTransmitter(ifname, queue, arena, umem, b, frames, chunkSize, Math.min(chunkSize, linkFrameLimit(ifname)));
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * The longest frame the link takes: its MTU + an Ethernet header and one VLAN tag (sysfs). The
     * copy-mode kernel drops a longer frame without a word to the sender, so it is refused here.
     */
    private static int linkFrameLimit(String ifname) {
        try {
            return Integer.parseInt(Files.readString(Path.of("/sys/class/net", ifname, "mtu")).strip()) + 14 + 4;
        } catch (Exception e) {
            return Integer.MAX_VALUE; // no sysfs: the chunk size is the limit
        }
    }

    public String interfaceName() {
        return ifname;
    }

    public int queue() {
        return queue;
    }

    /** The mode the kernel chose at bind ({@code XDP_OPTIONS}). */
    public Mode mode() {
        return mode;
    }

    /** Why zero-copy is not active (the refused bind's one line), or empty when it is. */
    public List<String> zeroCopyRefusal() {
        return zeroCopyRefusal;
    }

    public int chunkSize() {
        return chunkSize;
    }

    /** Frames and bytes put on the TX ring, and {@code sendto} kicks made, so far. */
    public long frames() {
        return frames;
    }

    public long bytes() {
        return bytes;
    }

    public long kicks() {
        return kicks;
    }

    /**
     * Copies {@code frames[from .. from+count)} (count at most {@link #MAX_BATCH}; native segments
     * holding whole Ethernet frames) into free chunks, puts them on the TX ring in order and kicks
     * the kernel when it needs it; returns how many went, at least one. Waits while no chunk is free.
     *
     * @throws FrameTransmitter.FrameRefusedException the frame at {@code from} is longer than a UMEM
     *                               chunk or the link's MTU; the caller may skip it and go on
     * @throws PacketSocketException the interface fails (ENETDOWN, ENXIO…)
     */
    public int send(MemorySegment[] frames, int from, int count) {
        return submit(frames, from, count, false);
    }

    /** Everything {@link #send} does but put the frames on the ring and kick: JIT warm-up before a replay's clock starts. */
    public int rehearse(MemorySegment[] frames, int from, int count) {
        return submit(frames, from, count, true);
    }

    private int submit(MemorySegment[] frames, int from, int count, boolean dry) {
        if (closed) throw new IllegalStateException("transmitter closed");
        if (count < 1 || count > MAX_BATCH) throw new IllegalArgumentException("batch of " + count + " frames (1.." + MAX_BATCH + ")");
        refuseIfTooLong(frames[from]);
        reclaim();
        if (!dry) {
            int spins = 0;
            while (freeCount == 0) { // every chunk in flight: the kernel must send some first
                kick();
                if (reclaim() > 0) break;
                if (++spins > 64) LockSupport.parkNanos(20_000);
                else Thread.onSpinWait();
            }
        }
        int n = Math.min(count, dry ? Math.min(freeCount, MAX_BATCH) : freeCount);
        if (dry && n == 0) return count;
        int prod = (int) INT.get(tx, txProd); // ours
        long byteCount = 0;
        int i = 0;
        for (; i < n; i++) {
            MemorySegment f = frames[from + i];
            if (!f.isNative()) throw new IllegalArgumentException("frames must be native segments");
            if (f.byteSize() > maxFrame || f.byteSize() < 14) break; // refused when it comes first in a batch
            long chunk = free[freeCount - 1 - i];
            MemorySegment.copy(f, 0, umem, chunk, f.byteSize());
            long d = txDesc + (long) ((prod + i) & mask) * DESC_SIZE;
            if (!dry) {
                tx.set(ValueLayout.JAVA_LONG, d + DESC_ADDR, chunk);
                tx.set(ValueLayout.JAVA_INT, d + DESC_LEN, (int) f.byteSize());
                tx.set(ValueLayout.JAVA_INT, d + DESC_OPTIONS, 0);
            }
            byteCount += f.byteSize();
        }
        if (dry) return count;
        freeCount -= i;
        INT.setRelease(tx, txProd, prod + i); // the kernel sees the descriptors before the new producer
        this.frames += i;
        bytes += byteCount;
        if (mode == Mode.COPY || ((int) INT.getAcquire(tx, txFlags) & XDP_RING_NEED_WAKEUP) != 0) kick();
        return i;
    }

    private void refuseIfTooLong(MemorySegment f) {
        long len = f.byteSize();
        if (len > maxFrame) {
            String limit = len > chunkSize ? "larger than a UMEM frame of " + chunkSize + " bytes" : "larger than its MTU";
            throw new FrameTransmitter.FrameRefusedException("'" + ifname + "' refused a frame of " + len + " bytes (" + limit + "; AF_XDP)", "EMSGSIZE");
        }
        if (len < 14) {
            throw new FrameTransmitter.FrameRefusedException("'" + ifname + "' refused a frame of " + len + " bytes (not a valid frame; AF_XDP)", "EINVAL");
        }
    }

    /** Takes the completed chunks off the completion ring onto the free stack; how many. */
    private int reclaim() {
        int cons = (int) INT.get(comp, compCons); // ours
        int prod = (int) INT.getAcquire(comp, compProd); // the kernel's: the addresses up to it are written
        int n = prod - cons;
        if (n == 0) return 0;
        for (int i = 0; i < n; i++) free[freeCount++] = comp.get(ValueLayout.JAVA_LONG, compDesc + (long) ((cons + i) & mask) * 8);
        INT.setRelease(comp, compCons, cons + n); // the kernel may reuse those slots
        return n;
    }

    /**
     * {@code sendto(fd, NULL, 0, MSG_DONTWAIT)}: the kernel sends what the TX ring holds (copy mode:
     * at most 32 frames a call, then EAGAIN; so it is called until the ring is empty or the device
     * is busy). EBUSY/ENOBUFS/EAGAIN leave frames queued for the next kick.
     */
    private void kick() {
        for (int round = 0; round < 64; round++) {
            kicks++;
            long r = Libc.sendto(errno, fd, MemorySegment.NULL, 0, MSG_DONTWAIT, MemorySegment.NULL, 0);
            if (r >= 0) return; // copy mode: all sent; zero-copy: the driver is running
            {
                int e = Libc.errno(errno);
                if (e == 100 /* ENETDOWN */) throw XdpBinding.failure("'" + ifname + "' is down", "sendto", e);
                if (e == 6 /* ENXIO */ || e == ENODEV) throw XdpBinding.failure("'" + ifname + "' went away", "sendto", e);
                if (e != EAGAIN && e != EINTR && e != ENOBUFS && e != 16 /* EBUSY */) {
                    throw XdpBinding.failure("cannot send on '" + ifname + "'", "sendto", e);
                }
                if (e != EAGAIN && e != EINTR) return; // the device is busy: the next kick
            }
            if (txEmpty()) return;
        }
    }

    private boolean txEmpty() {
        return (int) INT.getAcquire(tx, txCons) == (int) INT.get(tx, txProd);
    }

    /** Links and compiles the kick's downcall before the first frame: {@code times} kicks of an empty ring. */
    public void warmUp(int times) {
        if (closed) throw new IllegalStateException("transmitter closed");
        for (int i = 0; i < times; i++) Libc.sendto(errno, fd, MemorySegment.NULL, 0, MSG_DONTWAIT, MemorySegment.NULL, 0);
    }

    /**
     * Waits up to {@code timeoutMillis} until every frame put on the TX ring has completed (its chunk
     * is back); true if they all did.
     */
    public boolean drain(long timeoutMillis) {
        if (closed) return true;
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            reclaim();
            if (freeCount == ringSize) return true;
            if (System.nanoTime() - deadline > 0) return false;
            kick();
            LockSupport.parkNanos(50_000);
        }
    }

    /** Waits (up to a second) for the queued frames to leave, closes the socket, then frees the UMEM. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        try {
            drain(DRAIN_MILLIS);
        } catch (PacketSocketException e) {
            // the interface failed: nothing more will leave
        }
        closed = true;
        Libc.close(errno, fd); // first: the kernel lets go of the rings and the UMEM
        try {
            rings.close();
        } finally {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "XdpTransmitter[" + ifname + " queue " + queue + ", " + ringSize + " x " + chunkSize + " B, " + mode + (closed ? ", closed]" : "]");
    }
}
