package dev.cellscope.live.xdp;

import dev.cellscope.io.Packet;
import dev.cellscope.live.CaptureStats;
import dev.cellscope.live.FrameBatch;
import dev.cellscope.live.FrameQueue;
import dev.cellscope.live.LiveOptions;
import dev.cellscope.live.QueuedLiveSource;
import dev.cellscope.live.afpacket.LinkState;
import dev.cellscope.nativetap.packet.BpfFilter;
import dev.cellscope.nativetap.packet.BpfProgram;
import dev.cellscope.nativetap.packet.PacketSocketException;
import dev.cellscope.nativetap.packet.XdpCapture;
import dev.cellscope.nativetap.packet.XdpSocket;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A live interface through AF_XDP. One capture thread per receive queue waits on its socket
 * ({@code poll} only when the RX ring is empty), takes every frame the ring holds in one go, runs
 * the capture filter on each in place, copies those it keeps into a {@link FrameBatch} (each frame
 * its own {@code byte[]}: the session reads ahead) and gives the chunks back to the kernel at once,
 * then hands the batch to the reader through one shared {@link FrameQueue}. When the reader falls
 * behind, the queue fills, the threads wait, the fill ring empties and the kernel drops, counting
 * in {@code XDP_STATISTICS}: nothing is lost without a count.
 *
 * <p>Timestamps: AF_XDP gives none, so each batch is stamped with the system clock when it is
 * taken (nanosecond digits; the frames of one batch share it), as the dpdk backend does.
 *
 * <p>Counters: {@code kernelReceived} is the frames the filter passed plus those the kernel dropped
 * (dropped frames never reached the filter, so with a filter it counts them all, as an upper
 * bound); {@code kernelDropped} is {@code rx_dropped + rx_ring_full}.
 *
 * <p>{@link #stop()}: each thread reads on until its ring has been quiet for the buffer timeout
 * (the veth or driver may still be handing frames over), then ends. An interface that is deleted
 * ends the capture with "the interface went away" (looked for every half second while quiet).
 */
final class XdpSource extends QueuedLiveSource {
    private static final long QUIET_CHECK_MILLIS = 500;
    private static final long STATS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final XdpCapture capture;
    private final long quietMillis;
    private final BpfProgram filter;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicLong passed = new AtomicLong();
    private final long ifDropsAtOpen;

    private volatile boolean stopping, cancelled, closed;
    private volatile XdpSocket.Stats last = XdpSocket.Stats.NONE;

    XdpSource(XdpCapture capture, LiveOptions options, BpfProgram filter) {
        super(options, Packet.LINKTYPE_ETHERNET);
        this.capture = capture;
        this.quietMillis = Math.max(50, options.bufferTimeoutMillis());
        this.filter = filter;
        this.ifDropsAtOpen = LinkState.interfaceDrops(ifname);
        for (XdpSocket s : capture.sockets()) {
            threads.add(Thread.ofPlatform().daemon().name("xdp capture " + ifname + " queue " + s.queue()).unstarted(() -> capture(s)));
        }
    }

    void start() {
        running.set(threads.size());
        for (Thread t : threads) t.start();
    }

    /** A capture thread's state: its socket, its filter (not thread-safe: one each) and the batch being filled. */
    private final class Reader implements XdpSocket.FrameSink {
        final XdpSocket socket;
        final BpfFilter bpf;
        FrameBatch batch;
        long stamp;

        Reader(XdpSocket socket) {
            this.socket = socket;
            this.bpf = filter == null ? null : new BpfFilter(filter, BpfFilter.View.KERNEL, capture.ifindex());
        }

        @Override
        public void frame(MemorySegment data, long offset, int length) {
            int keep = Math.min(length, snaplen);
            if (bpf != null) {
                int verdict = bpf.run(data, offset, length);
                if (verdict == 0) return;
                keep = Math.min(keep, verdict); // as the kernel reads a socket filter's return: bytes to keep
            }
            byte[] bytes = new byte[keep];
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, offset, bytes, 0, keep);
            batch.add(stamp, length, bytes);
        }

        /**
         * A ring read of {@code descriptors}: a batch of that size, all its frames stamped now. Sized to the
         * read, not to the ring: a batch of the ring's 2048 entries per read (32 KiB of arrays, zeroed) was
         * 17% of the probe's CPU samples at 12 k frames/s, where a read takes a few frames (bench/README.md).
         */
        @Override
        public void batch(int descriptors) {
            batch = new FrameBatch(descriptors);
            stamp = now();
        }

        /** One receive: the ring's frames into a batch, handed over. The frames taken (0: timed out, -1: woken), or -2 when cancelled. */
        int once(long timeoutMillis) {
            batch = null;
            int n = socket.receive(this, timeoutMillis);
            if (n <= 0 || batch == null || batch.size() == 0) return n; // timed out, woken, or nothing passed the filter
            passed.addAndGet(batch.size());
            return queue.put(batch, XdpSource.this::refreshStatsQuietly) ? n : -2;
        }
    }

    // ---- the capture threads ----

    private void capture(XdpSocket socket) {
        Reader r = new Reader(socket);
        long lastStats = System.nanoTime();
        try {
            while (!cancelled && !stopping) {
                int n = r.once(QUIET_CHECK_MILLIS);
                if (n == -2) return;
                if (n == 0 && !LinkState.exists(ifname)) {
                    failure = "the interface went away";
                    return;
                }
                if (System.nanoTime() - lastStats > STATS_EVERY_NANOS) {
                    refreshStatsQuietly();
                    lastStats = System.nanoTime();
                }
            }
            if (stopping && !cancelled) drain(r);
        } catch (PacketSocketException | IllegalStateException e) {
            failure = LinkState.exists(ifname) ? reason(e) : "the interface went away";
        } finally {
            if (running.decrementAndGet() == 0) {
                refreshStatsQuietly();
                queue.end();
            }
        }
    }

    /** After stop(): what the ring still gets, until it has been quiet for the buffer timeout. */
    private void drain(Reader r) {
        long quietUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(quietMillis);
        while (!cancelled) {
            long left = TimeUnit.NANOSECONDS.toMillis(quietUntil - System.nanoTime());
            if (left <= 0) return;
            int n = r.once(left); // -1: the wake-up of stop() itself; wait on
            if (n == -2) return;
            if (n > 0) quietUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(quietMillis);
        }
    }

    private long now() {
        Instant i = Instant.now();
        long t = i.getEpochSecond() * 1_000_000_000L + i.getNano();
        return nanos ? t : t - t % 1000;
    }

    private void refreshStatsQuietly() {
        if (closed) return;
        try {
            last = capture.stats();
        } catch (RuntimeException e) {
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
        for (XdpSocket s : capture.sockets()) s.wakeup();
    }

    @Override
    public void cancel() {
        cancelled = true;
        queue.cancel();
        for (XdpSocket s : capture.sockets()) s.wakeup();
    }

    @Override
    public CaptureStats stats() {
        refreshStatsQuietly();
        XdpSocket.Stats s = last;
        long now = LinkState.interfaceDrops(ifname);
        long ifDrops = ifDropsAtOpen < 0 || now < 0 ? -1 : Math.max(0, now - ifDropsAtOpen);
        return new CaptureStats(queue.delivered(), queue.deliveredBytes(), passed.get() + s.drops(), s.drops(), ifDrops, 0);
    }

    /** Detaches the program first (frames go to the stack again), then closes the sockets and frees the UMEMs (in {@link XdpCapture#close}). */
    @Override
    public void close() {
        if (closed) return;
        cancelled = true;
        queue.cancel();
        for (XdpSocket s : capture.sockets()) s.wakeup();
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        refreshStatsQuietly();
        closed = true;
        capture.close(); // reads the counters a last time; stats() then gives the last ones read
        last = capture.stats();
    }

    /** "XDP native, copy mode, 1 queue, busy poll off": what the kernel chose. */
    @Override
    public String mode() {
        return capture.describe();
    }

    /** Each socket's frames taken from its RX ring and its kernel drops (XDP_STATISTICS); the last ones read after close. */
    @Override
    public List<QueueStats> queueStats() {
        List<QueueStats> all = new ArrayList<>();
        for (XdpSocket s : capture.sockets()) {
            long dropped;
            try {
                dropped = s.stats().drops();
            } catch (PacketSocketException e) {
                dropped = -1;
            }
            all.add(new QueueStats(s.queue(), s.frames(), dropped));
        }
        return all;
    }

    @Override
    public String backend() {
        return XdpBackend.NAME;
    }
}
