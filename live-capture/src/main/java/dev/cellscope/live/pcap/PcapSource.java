package dev.cellscope.live.pcap;

import dev.cellscope.live.CaptureStats;
import dev.cellscope.live.FrameBatch;
import dev.cellscope.live.FrameQueue;
import dev.cellscope.live.LiveOptions;
import dev.cellscope.live.QueuedLiveSource;
import dev.cellscope.nativetap.io.ReadableWait;
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
 * <p>The handle is in non-blocking mode and the capture thread waits for frames itself, polling libpcap's
 * selectable descriptor with a timeout ({@link ReadableWait}): in blocking mode libpcap's TPACKET_V3 ring waits in
 * {@code pcap_dispatch} with no timeout (the kernel's block-retire timer wakes a reader only when a block holds
 * frames), so on a quiet wire the thread never came back to read {@code pcap_stats} and the counters stood still
 * until the next frame. Now it wakes at least every half second. Not {@code pcap_breakloop} from a timer: that
 * would end dispatches in mid-block and leave a break pending for the next call, to be told apart from a stop.
 *
 * <p>Every libpcap call is made on the capture thread, {@code pcap_stats} included; {@link #stats()} returns
 * what it read last (at most about half a second old, frames or not), and the final counts once the capture
 * thread has ended.
 */
final class PcapSource extends QueuedLiveSource {
    private static final int BATCH = 512;
    static final long STATS_EVERY_NANOS = 500_000_000L;
    /** Beyond the buffer timeout, how long stop() lets libpcap hand over the block the kernel was filling. */
    private static final long STOP_GRACE_MILLIS = 50;
    /** Without a selectable descriptor (not on Linux), how long the capture thread naps between looks. */
    private static final long NAP_MILLIS = 10;

    private final PcapHandle handle;
    private final ReadableWait ready; // null: libpcap gave no selectable descriptor
    private final Thread captureThread;

    private volatile boolean stopping, cancelled, closed;
    private final long stopGraceMillis;
    private volatile long stopDeadline;
    private volatile PcapStat kernel;
    private volatile CaptureStats finalStats;

    // the capture thread's side
    private FrameBatch filling;
    private long lastStats;

    private PcapSource(PcapHandle handle, ReadableWait ready, String ifname, int snaplen, boolean nanos, int timeoutMillis) {
        super(ifname, linkType(handle.getDlt().value()), snaplen, nanos);
        this.handle = handle;
        this.ready = ready;
        this.stopGraceMillis = timeoutMillis + STOP_GRACE_MILLIS;
        this.captureThread = Thread.ofPlatform().daemon().name("pcap capture " + ifname).unstarted(this::capture);
    }

    /** Linux's DLT_RAW, what libpcap reports for a tun device; LINKTYPE_RAW, what files carry for it. */
    private static final int DLT_RAW = 12, LINKTYPE_RAW = 101;

    /**
     * The file link type of a libpcap DLT, as libpcap's dlt_to_linktype maps it when it writes a file (dumpcap and
     * tcpdump -w write a tun device's frames as 101): DLT_RAW is 12 on Linux but 14 on OpenBSD, where 12 is DLT_LOOP, so
     * files carry neither. The others Linux reports are their own link type.
     */
    static int linkType(int dlt) {
        return dlt == DLT_RAW ? LINKTYPE_RAW : dlt;
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
        ReadableWait ready;
        try {
            handle.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
            int fd = PcapSelectableFd.of(handle);
            ready = fd < 0 ? null : ReadableWait.on(fd);
        } catch (PcapNativeException e) {
            handle.close();
            throw new SourceException("cannot capture on " + ifname + ": pcap_setnonblock: " + e.getMessage());
        } catch (NotOpenException e) {
            throw new IllegalStateException("pcap handle closed while opening", e);
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
        PcapSource source = new PcapSource(handle, ready, ifname, options.snaplen(), nanos, options.bufferTimeoutMillis());
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
            boolean lookedInVain = false;
            while (!cancelled) {
                filling = new FrameBatch(BATCH);
                int n = dispatch();
                if (!queue.put(filling, () -> refreshStats(false))) break;
                refreshStats(false);
                if (stopping && System.nanoTime() - stopDeadline >= 0) break;
                if (n >= BATCH) {
                    lookedInVain = false;
                    continue; // more may be ready: look again before waiting
                }
                // a descriptor that stays readable while dispatch finds nothing must not spin the thread
                if (lookedInVain && n == 0) nap(1);
                lookedInVain = awaitFrames() && n == 0;
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

    /** One non-blocking pcap_dispatch: the frames the kernel has ready, up to a batch (0 when none). */
    private int dispatch() throws PcapNativeException, NotOpenException {
        try {
            return handle.dispatch(BATCH, collect);
        } catch (InterruptedException broken) {
            return 0; // pcap_breakloop: nothing here calls it
        }
    }

    /**
     * Waits for the kernel to hand over a block, at most until the counters are due again or the stop's grace
     * ends, so they are refreshed on a quiet wire too. True when the descriptor said readable.
     */
    private boolean awaitFrames() {
        long now = System.nanoTime();
        long until = lastStats + STATS_EVERY_NANOS;
        if (stopping && stopDeadline - until < 0) until = stopDeadline;
        int millis = (int) Math.max(1, Math.min(STATS_EVERY_NANOS, until - now + 999_999) / 1_000_000);
        if (ready == null) {
            nap(Math.min(millis, NAP_MILLIS));
            return false;
        }
        return ready.await(millis) == ReadableWait.Outcome.READABLE;
    }

    private static void nap(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
     * Not at once: libpcap's TPACKET_V3 ring hands a part-filled block over only when its retire timeout (the
     * buffer timeout) passes, and ending before would lose the frames the kernel had already captured into it.
     * So the capture thread reads on for one buffer timeout more, then ends.
     */
    @Override
    public void stop() {
        if (stopping) return;
        stopDeadline = System.nanoTime() + stopGraceMillis * 1_000_000L;
        stopping = true;
        wake();
    }

    @Override
    public void cancel() {
        cancelled = true;
        wake();
        queue.cancel(); // wakes a reader waiting in next()
    }

    private void wake() {
        if (ready != null) ready.wakeup();
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
        cancel();
        try {
            captureThread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        if (ready != null && !captureThread.isAlive()) ready.close(); // a thread still waiting keeps its eventfd

        // pcap_close waits for a dispatch still running (pcap4j's lock); non-blocking, it ends at once
        handle.close();
    }

    @Override
    public String backend() {
        return PcapBackend.NAME;
    }
}
