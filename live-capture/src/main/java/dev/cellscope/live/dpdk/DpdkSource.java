package dev.cellscope.live.dpdk;

import dev.cellscope.io.Packet;
import dev.cellscope.live.CaptureStats;
import dev.cellscope.live.FrameBatch;
import dev.cellscope.live.FrameQueue;
import dev.cellscope.live.LiveOptions;
import dev.cellscope.live.QueuedLiveSource;
import dev.cellscope.nativetap.dpdk.DpdkException;
import dev.cellscope.nativetap.dpdk.DpdkPort;
import dev.cellscope.nativetap.dpdk.DpdkStats;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A live port through DPDK. A capture thread of its own takes bursts of up to
 * {@link DpdkBackend#BURST} frames from the port's RX queue (no native call per frame: one burst
 * call, then reads of the mbufs in place), copies each frame into a {@code byte[]} of its own (the
 * session keeps frames while it reads ahead), gives the burst's mbufs back in one call and hands
 * the frames to the reader through a {@link FrameQueue}, several bursts to a batch while the port
 * is busy. When the reader falls behind the queue fills, the thread waits, the port's ring fills
 * and the driver drops, counting {@code imissed}: nothing is lost without a count.
 *
 * <p>Timestamps: DPDK 22.11's af_packet driver gives none, so each burst is stamped with the
 * system clock when it is taken (nanosecond digits; the frames of one burst share it).
 *
 * <p>A virtual device's kernel interface that is deleted ends the capture with "the interface went
 * away" (looked for every half second); one that goes down only pauses it.
 */
final class DpdkSource extends QueuedLiveSource {
    /** Frames per hand-over at most: several bursts while the port keeps them coming. */
    private static final int BATCH = 512;
    /** After stop(): the port is read until it has been empty this long (the driver holds no partly filled block). */
    private static final long STOP_QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(30);
    private static final long GONE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long STATS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final DpdkPort port;
    private final String kernelInterface;
    private final BusyPoll poll;
    private final Thread thread;

    private volatile boolean stopping, cancelled, closed;
    private volatile DpdkStats last = DpdkStats.ZERO;
    private long lastStats, lastGoneCheck; // capture thread

    DpdkSource(DpdkPort port, LiveOptions options, String kernelInterface, BusyPoll poll) {
        super(options, Packet.LINKTYPE_ETHERNET);
        this.port = port;
        this.kernelInterface = kernelInterface;
        this.poll = poll;
        this.thread = Thread.ofPlatform().daemon().name("dpdk capture " + ifname).unstarted(this::capture);
    }

    void start() {
        thread.start();
    }

    // ---- the capture thread ----

    private void capture() {
        DpdkPort.RxBurst burst = null;
        try {
            burst = port.newBurst(DpdkBackend.BURST);
            while (!cancelled && !stopping) {
                int n = fill(burst);
                if (n < 0) return; // cancelled while handing over
                poll.after(n);
                if (n == 0 && interfaceGone()) {
                    failure = "the interface went away";
                    return;
                }
                refreshStats(false);
            }
            if (stopping && !cancelled) drain(burst);
        } catch (DpdkException e) {
            failure = e.getMessage();
        } finally {
            if (burst != null) burst.free();
            refreshStats(true);
            queue.end();
        }
    }

    /**
     * Bursts into one batch while bursts come back full (the port has more), then hands the batch
     * over; the frames taken, or -1 when cancelled meanwhile.
     */
    private int fill(DpdkPort.RxBurst burst) {
        FrameBatch batch = null;
        int total = 0;
        while (true) {
            int n = burst.receive();
            if (n > 0) {
                // a burst that is not full is the last of this batch: a batch of its size (a quiet port
                // gives bursts of a frame or two; 512 entries each was wasted allocation, as in the xdp backend)
                if (batch == null) batch = new FrameBatch(n < DpdkBackend.BURST ? n : BATCH);
                long t = now();
                for (int i = 0; i < n; i++) {
                    int length = burst.length(i);
                    byte[] data = new byte[Math.min(length, snaplen)];
                    burst.copy(i, data);
                    batch.add(t, length, data);
                }
                total += n;
            }
            burst.free(); // at once: the driver takes mbufs from the pool for the next frames
            if (n < DpdkBackend.BURST || batch.size() + DpdkBackend.BURST > BATCH) break;
        }
        if (batch != null && !queue.put(batch, () -> refreshStats(false))) return -1;
        return total;
    }

    /** After stop(): what the port still holds, until it has been quiet for a while. */
    private void drain(DpdkPort.RxBurst burst) {
        long quietSince = System.nanoTime();
        while (!cancelled && System.nanoTime() - quietSince < STOP_QUIET_NANOS) {
            int n = fill(burst);
            if (n < 0) return;
            if (n > 0) quietSince = System.nanoTime();
            else Thread.onSpinWait();
        }
    }

    private long now() {
        Instant i = Instant.now();
        long t = i.getEpochSecond() * 1_000_000_000L + i.getNano();
        return nanos ? t : t - t % 1000;
    }

    private boolean interfaceGone() {
        if (kernelInterface == null) return false;
        long t = System.nanoTime();
        if (t - lastGoneCheck < GONE_CHECK_NANOS) return false;
        lastGoneCheck = t;
        return !KernelLink.exists(kernelInterface);
    }

    private void refreshStats(boolean now) {
        long t = System.nanoTime();
        if (!now && t - lastStats < STATS_EVERY_NANOS) return;
        lastStats = t;
        last = port.stats();
    }

    // ---- the reader and any thread ----

    @Override
    public void stop() {
        stopping = true;
    }

    @Override
    public void cancel() {
        cancelled = true;
        queue.cancel();
    }

    /**
     * {@code imissed} (the port's ring was full: the kernel ring's drops for {@code net_af_packet}, the
     * NIC's for a NIC) as the kernel's drops, {@code ierrors} as the interface's, {@code rx_nombuf} (no
     * mbuf for a frame) as the backend's own; received = delivered to bursts + missed.
     */
    @Override
    public CaptureStats stats() {
        DpdkStats s = closed ? last : (last = port.stats());
        return new CaptureStats(queue.delivered(), queue.deliveredBytes(), s.packets() + s.missed(), s.missed(), s.errors(), s.noMbuf());
    }

    @Override
    public void close() {
        if (closed) return;
        cancelled = true;
        queue.cancel();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        last = port.stats();
        closed = true;
        port.close(); // promiscuous mode off, the port stopped and closed, the virtual device removed
    }

    @Override
    public String backend() {
        return DpdkBackend.NAME;
    }

    /** "DPDK net_af_packet_cs1, busy poll off": the device and whether the thread spins on empty bursts. */
    @Override
    public String mode() {
        return "DPDK " + port.deviceName() + ", busy poll " + (poll.spinning() ? "on" : "off");
    }
}
