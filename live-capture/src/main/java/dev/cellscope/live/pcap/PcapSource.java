package dev.cellscope.live.pcap;

import dev.cellscope.live.CaptureStats;
import dev.cellscope.live.FrameBatch;
import dev.cellscope.live.FrameQueue;
import dev.cellscope.live.LiveOptions;
import dev.cellscope.live.QueuedLiveSource;
import dev.cellscope.session.SourceException;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.RawPacketListener;

import java.sql.Timestamp;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A live interface through libpcap. A capture thread of its own calls {@code pcap_dispatch}
 * (one native call for every run of frames the kernel has ready, up to a batch of 512) and hands
 * whole batches to the reader through a small bounded queue ({@link FrameQueue}); the reader's {@link #next()}
 * takes frames from the batch in hand without touching a lock. When the reader falls behind, the queue fills,
 * the capture thread waits and the kernel's buffer takes the rest: what it cannot hold the kernel
 * drops and counts ({@code ps_drop}), so nothing is lost without a count.
 *
 * <p>Why pcap_dispatch and not pcap4j's {@code getNextRawPacketEx} (pcap_next_ex) in a loop: each
 * of those is a native call plus two JNA allocations per frame; measured on a veth pair with
 * tcpreplay at the sender's top speed (about 0.23 M frames/s on this 2-vCPU machine),
 * dispatch kept up at 1.9 µs of CPU per frame, next_ex fell behind at 5.7 µs (live-capture/README.md).
 * pcap4j still makes a JNA upcall per frame inside a dispatch: libpcap offers no other way.
 *
 * <p>Every libpcap call but {@code pcap_breakloop} (made to be called from another thread) is
 * made on the capture thread, {@code pcap_stats} included; {@link #stats()} returns what it read
 * last (at most half a second old while frames flow), and the final counts once the capture
 * thread has ended.
 */
final class PcapSource extends QueuedLiveSource {
    private static final int BATCH = 512;
    private static final long STATS_EVERY_NANOS = 500_000_000L;
    /** Beyond the buffer timeout, how long stop() lets libpcap hand over the block the kernel was filling. */
    private static final long STOP_GRACE_MILLIS = 50;

    private final PcapHandle handle;
    private final Thread captureThread;

    private volatile boolean stopping, cancelled, closed;
    private final long stopGraceMillis;
    private volatile PcapStat kernel;
    private volatile CaptureStats finalStats;

    // the capture thread's side
    private FrameBatch filling;
    private long lastStats;

    private PcapSource(PcapHandle handle, String ifname, int snaplen, boolean nanos, int timeoutMillis) {
        super(ifname, handle.getDlt().value(), snaplen, nanos);
        this.handle = handle;
        this.stopGraceMillis = timeoutMillis + STOP_GRACE_MILLIS;
        this.captureThread = Thread.ofPlatform().daemon().name("pcap capture " + ifname).unstarted(this::capture);
    }

    /** Opens {@code options.interfaceName()}; {@code existing} lists the interfaces for a "no such interface" message. */
    static PcapSource open(LiveOptions options, Supplier<List<String>> existing) throws SourceException {
        String ifname = options.interfaceName();
        boolean nanos = options.precision() == LiveOptions.TimestampPrecision.NANO;
        PcapHandle handle;
        try {
            handle = build(options, nanos);
        } catch (PcapNativeException e) {
            if (nanos && e.getReturnCode() != null && e.getReturnCode() == PcapErrors.PCAP_ERROR_TSTAMP_PRECISION_NOTSUP) {
                nanos = false; // this kernel or libpcap gives microseconds only
                try {
                    handle = build(options, false);
                } catch (PcapNativeException again) {
                    throw new SourceException(PcapErrors.open(ifname, again.getReturnCode(), again.getMessage(), existing.get()));
                }
            } else {
                throw new SourceException(PcapErrors.open(ifname, e.getReturnCode(), e.getMessage(), existing.get()));
            }
        }
        try {
            if (options.filter() != null) {
                handle.setFilter(options.filter(), BpfProgram.BpfCompileMode.OPTIMIZE, PcapHandle.PCAP_NETMASK_UNKNOWN);
            }
        } catch (PcapNativeException e) {
            handle.close();
            throw new SourceException(PcapErrors.filter(options.filter(), e.getMessage()));
        } catch (NotOpenException e) {
            throw new IllegalStateException("pcap handle closed while opening", e);
        }
        PcapSource source = new PcapSource(handle, ifname, options.snaplen(), nanos, options.bufferTimeoutMillis());
        source.captureThread.start();
        return source;
    }

    private static PcapHandle build(LiveOptions o, boolean nanos) throws PcapNativeException {
        PcapHandle.Builder b = new PcapHandle.Builder(o.interfaceName())
                .snaplen(o.snaplen())
                .promiscuousMode(o.promiscuous() ? PromiscuousMode.PROMISCUOUS : PromiscuousMode.NONPROMISCUOUS)
                .timeoutMillis(o.bufferTimeoutMillis())
                .timestampPrecision(nanos ? PcapHandle.TimestampPrecision.NANO : PcapHandle.TimestampPrecision.MICRO);
        if (o.bufferBytes() > 0) b.bufferSize((int) o.bufferBytes());
        return b.build();
    }

    // ---- the capture thread ----

    private final RawPacketListener collect = this::collect;

    private void collect(byte[] bytes) {
        // pcap4j set the frame's header in thread-locals of this (the calling) thread just before.
        Timestamp ts = handle.getTimestamp();
        long nanos = Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
        Integer original = handle.getOriginalLength();
        filling.add(nanos, original == null ? bytes.length : original, bytes);
    }

    private void capture() {
        try {
            boolean more = true;
            while (more && !cancelled) {
                filling = new FrameBatch(BATCH);
                more = dispatch();
                if (!queue.put(filling, () -> refreshStats(false))) break;
                refreshStats(false);
            }
        } catch (PcapNativeException | NotOpenException | RuntimeException e) {
            // the interface went down or away, or libpcap failed: what came before it is delivered
            failure = e.getMessage() == null ? e.toString() : e.getMessage().replaceFirst("^Error occ?urr?ed: ", "");
        } finally {
            refreshStats(true);
            finalStats = statsNow();
            queue.end();
        }
    }

    /** One pcap_dispatch: every frame the kernel has ready, up to a batch. False when broken off. */
    private boolean dispatch() throws PcapNativeException, NotOpenException {
        try {
            handle.dispatch(BATCH, collect);
            return true;
        } catch (InterruptedException broken) {
            return false; // pcap_breakloop: stop() or cancel()
        }
    }

    private void refreshStats(boolean now) {
        long t = System.nanoTime();
        if (!now && t - lastStats < STATS_EVERY_NANOS) return;
        lastStats = t;
        try {
            kernel = handle.getStats();
        } catch (PcapNativeException | NotOpenException e) {
            // keep the last counts: a failure here is reported by the capture itself
        }
    }

    // ---- the reader ----

    /**
     * Not pcap_breakloop at once: libpcap's TPACKET_V3 ring hands a part-filled block over only when
     * its retire timeout (the buffer timeout) passes, and breaking off before would lose the frames
     * the kernel had already captured into it. So the capture thread dispatches for one buffer
     * timeout more, then a breakloop ends a dispatch waiting on a quiet interface.
     */
    @Override
    public void stop() {
        if (stopping) return;
        stopping = true;
        Thread.ofVirtual().name("pcap stop " + ifname).start(() -> {
            try {
                Thread.sleep(stopGraceMillis);
            } catch (InterruptedException e) {
                // break off now
            }
            breakLoop();
        });
    }

    @Override
    public void cancel() {
        cancelled = true;
        breakLoop();
        queue.cancel(); // wakes a reader waiting in next()
    }

    private void breakLoop() {
        try {
            if (!closed) handle.breakLoop();
        } catch (NotOpenException ignored) {
            // closed meanwhile: the capture thread is gone
        }
    }

    @Override
    public CaptureStats stats() {
        CaptureStats f = finalStats;
        if (f != null) return withDelivered(f);
        return statsNow();
    }

    private CaptureStats statsNow() {
        PcapStat k = kernel;
        long received = k == null ? 0 : k.getNumPacketsReceived();
        long dropped = k == null ? 0 : k.getNumPacketsDropped();
        long ifDropped = k == null ? 0 : k.getNumPacketsDroppedByIf();
        return new CaptureStats(queue.delivered(), queue.deliveredBytes(), received, dropped, ifDropped, 0);
    }

    private CaptureStats withDelivered(CaptureStats f) {
        return new CaptureStats(queue.delivered(), queue.deliveredBytes(), f.kernelReceived(), f.kernelDropped(),
                f.interfaceDropped(), f.sourceDropped());
    }

    @Override
    public void close() {
        if (closed) return;
        cancelled = true;
        breakLoop();
        queue.cancel();
        try {
            captureThread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        // pcap_close waits for a dispatch still running (pcap4j's lock), which breakloop has ended
        handle.close();
    }

    @Override
    public String backend() {
        return PcapBackend.NAME;
    }
}
