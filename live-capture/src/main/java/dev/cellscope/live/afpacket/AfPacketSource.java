package dev.cellscope.live.afpacket;

import dev.cellscope.io.Packet;
import dev.cellscope.live.CaptureStats;
import dev.cellscope.live.FrameBatch;
import dev.cellscope.live.FrameQueue;
import dev.cellscope.live.LiveOptions;
import dev.cellscope.live.QueuedLiveSource;
import dev.cellscope.nativetap.packet.PacketSocketException;
import dev.cellscope.nativetap.packet.RingBlock;
import dev.cellscope.nativetap.packet.RingStats;
import dev.cellscope.nativetap.packet.TpacketV3Ring;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * A live interface through the AF_PACKET TPACKET_V3 ring of native-tap. A ring thread of its own
 * waits for a block ({@code poll}: one wake-up per block, never per frame), copies the block's
 * frames out into one {@link FrameBatch} (one array per block, the frames slices of it, since the
 * session reads thousands of frames ahead of what it has released), gives the block back to the kernel at once and hands the batch
 * to the reader through a {@link FrameQueue}. When the reader falls behind, the queue fills, the
 * ring thread waits, the kernel finds no free block and drops, counting each frame in
 * {@code tp_drops}: nothing is lost without a count.
 *
 * <p>An interface that goes down: the kernel reports ENETDOWN once and the capture waits, as
 * libpcap's does; frames come again when it is up. One that is deleted ends the capture with
 * "the interface went away" (looked for every half second while it is down).
 *
 * <p>{@link #stop()}: the ring thread keeps taking blocks for one retire timeout more (the block
 * the kernel was filling is handed over within it), then ends. {@link #cancel()}: the ring's
 * eventfd wakes the thread and the reader gets null at once.
 *
 * <p>The kernel's counters ({@code PACKET_STATISTICS}) are 32-bit and reset on each read; the ring
 * adds them up, and the ring thread reads them at least every second so they cannot wrap.
 */
final class AfPacketSource extends QueuedLiveSource {
    private static final long STATS_EVERY_NANOS = 1_000_000_000L;
    /** sll_pkttype of a frame this host sent (linux/if_packet.h). */
    private static final int PACKET_OUTGOING = 4;
    /** Beyond the retire timeout, how long stop() waits for the block the kernel was filling. */
    private static final long STOP_GRACE_MILLIS = 50;
    /** While the interface is down: how often to look whether it was deleted (the kernel says ENETDOWN once, then nothing). */
    private static final long DOWN_CHECK_MILLIS = 500;

    private final TpacketV3Ring ring;
    private final long retireMillis;
    /**
     * On a loopback interface a packet socket sees every frame twice, going out (PACKET_OUTGOING) and coming in: the
     * outgoing copy is dropped, as libpcap does, and taken off the kernel's received count (user review: a probe on
     * {@code lo} counted 500 frames, flows and findings twice, where tcpdump and the pcap backend saw 250).
     */
    private final boolean skipOutgoing;
    private volatile long outgoingSkipped;
    private final Thread ringThread;
    private final long ifDropsAtOpen;

    private volatile boolean stopping, cancelled, closed;
    private volatile RingStats lastRing = new RingStats(0, 0, 0, 0, 0);
    private volatile CaptureStats finalStats;
    private long lastStats; // ring thread

    /** {@code linkType}: Ethernet, or raw IP for a headerless interface (tun: the ring's frames start at the IP header). */
    AfPacketSource(TpacketV3Ring ring, LiveOptions options, int linkType) {
        super(options, linkType);
        this.ring = ring;
        this.retireMillis = ring.config().retireTimeoutMillis();
        this.skipOutgoing = LinkState.loopback(ifname);
        this.ifDropsAtOpen = LinkState.interfaceDrops(ifname);
        this.ringThread = Thread.ofPlatform().daemon().name("afpacket capture " + ifname).unstarted(this::capture);
    }

    void start() {
        ringThread.start();
    }

    // ---- the ring thread ----

    private void capture() {
        try {
            boolean down = false;
            while (!cancelled && !stopping) {
                RingBlock b;
                try {
                    // null: woken by stop(), cancel() or close(); while the interface is down, every half second to look whether it went away
                    b = ring.nextBlock(down ? DOWN_CHECK_MILLIS : -1);
                } catch (PacketSocketException e) {
                    if (!"ENETDOWN".equals(e.errnoName())) throw e;
                    down = true; // reported once by the kernel; frames come again when it is up (as with libpcap)
                    b = null;
                }
                if (down && b == null && !LinkState.exists(ifname)) {
                    failure = "the interface went away";
                    return;
                }
                if (b != null) {
                    down = false;
                    if (!deliver(b)) return;
                }
                refreshStats(false);
            }
            if (stopping && !cancelled) drain();
        } catch (PacketSocketException | IllegalStateException e) {
            // the socket failed, or the ring was closed under us: what came before it is delivered
            failure = reason(e);
        } finally {
            refreshStats(true);
            finalStats = statsNow();
            queue.end();
        }
    }

    /** After stop(): blocks the kernel hands over within one retire timeout (the one it was filling included). */
    private void drain() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retireMillis + STOP_GRACE_MILLIS);
        while (!cancelled) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) return;
            RingBlock b = ring.nextBlock(left); // null: timed out, or the wake-up of stop() itself (then wait on)
            if (b != null && !deliver(b)) return;
        }
    }

    /**
     * Copies the block's frames into a batch, releases the block, hands the batch over; false when cancelled.
     * The frames are copied in one piece, from the first frame to the end of the last (headers between them
     * included: about 70 bytes a frame), into one array that the packets are slices of: one allocation and
     * one copy per block instead of one per frame. A packet held long (a finding, a verification queued) keeps
     * its block's array alive: as many bytes as the block's frames, not the block's size, since only the used
     * part is copied (a block retired by its timeout with one frame in it is that frame).
     */
    private boolean deliver(RingBlock b) {
        FrameBatch batch;
        try {
            batch = new FrameBatch(b.frameCount());
            MemorySegment block = b.blockSegment();
            long from = Long.MAX_VALUE, to = 0;
            while (b.next()) {
                from = Math.min(from, b.frameOffset());
                to = Math.max(to, b.frameOffset() + b.capturedLength());
            }
            if (to > from) {
                byte[] copy = new byte[Math.toIntExact(to - from)];
                MemorySegment.copy(block, ValueLayout.JAVA_BYTE, from, copy, 0, copy.length);
                MemorySegment frames = MemorySegment.ofArray(copy);
                b.rewind();
                while (b.next()) {
                    if (skipOutgoing && b.packetType() == PACKET_OUTGOING) {
                        outgoingSkipped++; // the ring thread's alone; read by others as a volatile
                        continue;
                    }
                    long t = b.timestampNanos();
                    batch.add(nanos ? t : t - t % 1000, b.originalLength(), frames.asSlice(b.frameOffset() - from, b.capturedLength()));
                }
            }
        } finally {
            b.release(); // at once: the kernel may fill it again while the reader works through the batch
        }
        return queue.put(batch, () -> refreshStats(false));
    }

    private void refreshStats(boolean now) {
        long t = System.nanoTime();
        if (!now && t - lastStats < STATS_EVERY_NANOS) return;
        lastStats = t;
        try {
            lastRing = ring.stats();
        } catch (PacketSocketException e) {
            // keep the last counts: a failure here is reported by the capture itself
        }
    }

    private static String reason(RuntimeException e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    // ---- the reader and any thread ----

    @Override
    public void stop() {
        if (stopping) return;
        stopping = true;
        ring.wakeup();
    }

    @Override
    public void cancel() {
        cancelled = true;
        queue.cancel(); // wakes a reader waiting in next()
        ring.wakeup();
    }

    @Override
    public CaptureStats stats() {
        CaptureStats f = finalStats;
        if (f != null) return new CaptureStats(queue.delivered(), queue.deliveredBytes(), f.kernelReceived(), f.kernelDropped(),
                f.interfaceDropped(), f.sourceDropped());
        if (!closed) refreshStatsFromAnyThread();
        return statsNow();
    }

    private void refreshStatsFromAnyThread() {
        try {
            lastRing = ring.stats(); // thread-safe in the ring; adds the kernel's counts to its totals
        } catch (PacketSocketException | IllegalStateException e) {
            // keep the last counts
        }
    }

    /**
     * tp_packets are the frames the filter passed, dropped ones included (libpcap's {@code ps_recv}
     * on the same ring); tp_drops those that found no free block. tp_freeze_q_cnt counts how often
     * the ring filled, not frames, so it is no drop count (it is in the ring's own stats).
     */
    private CaptureStats statsNow() {
        RingStats r = lastRing;
        long now = LinkState.interfaceDrops(ifname);
        long ifDrops = ifDropsAtOpen < 0 || now < 0 ? -1 : Math.max(0, now - ifDropsAtOpen);
        return new CaptureStats(queue.delivered(), queue.deliveredBytes(), Math.max(0, r.packets() - outgoingSkipped), r.drops(), ifDrops, 0);
    }

    @Override
    public void close() {
        if (closed) return;
        cancelled = true;
        queue.cancel();
        ring.wakeup();
        try {
            ringThread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        ring.close(); // reads the counters a last time, unmaps, closes the socket (promiscuous mode and fanout end with it)
        lastRing = ring.stats();
        CaptureStats s = statsNow();
        if (finalStats == null || s.kernelReceived() > finalStats.kernelReceived()) finalStats = s;
    }

    @Override
    public String backend() {
        return AfPacketBackend.NAME;
    }
}
