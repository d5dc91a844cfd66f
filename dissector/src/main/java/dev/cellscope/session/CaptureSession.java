package dev.cellscope.session;

import dev.cellscope.analysis.AnalysisConfig;
import dev.cellscope.analysis.CaptureAnalysis;
import dev.cellscope.analysis.FrameAnalysis;
import dev.cellscope.analysis.ReleasedMessage;
import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.dissect.TeeSink;
import dev.cellscope.expert.Expert;
import dev.cellscope.io.CaptureError;
import dev.cellscope.io.InterfaceInfo;
import dev.cellscope.io.Packet;
import dev.cellscope.io.PacketSource;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The one capture pipeline every face stands on (the CLI's read, stats and plot; the probe and
 * the GUI next): a packet source, dissection, conversation analysis on its own thread, and any
 * set of {@link FrameConsumer}s; one or two passes; progress, cancel and damage.
 *
 * <pre>
 *   SourceOpener -> PacketSource -> [AnalysisThread: dissect + analyse ahead] -> dissect into every consumer's sink
 * </pre>
 *
 * A session runs once, on the calling thread; {@link #progress()} and {@link #cancel()} may be
 * called from any other thread while it runs. The source may be unbounded (a live interface):
 * nothing here needs a total.
 */
public final class CaptureSession {
    private final SourceOpener opener;
    private final SessionOptions options;
    private final Dissector dissector;

    private volatile boolean cancelled;
    private volatile boolean ran;
    /** What the running pass reads: the source itself or the analysis thread ahead of it. */
    private volatile PacketSource reading;
    private volatile AnalysisThread ahead;
    /** The analysis's counters when the last run ended (the thread is gone then). */
    private volatile AnalysisCounters lastCounters = AnalysisCounters.NONE;
    private volatile int pass;
    private volatile OptionalLong total = OptionalLong.empty();
    /**
     * Counted once per frame on the reading thread, read by {@link #progress()} from others:
     * written with release stores (a plain move on x86) rather than volatile ones, which would
     * put a full fence in the per-frame path.
     */
    private long frames, bytes;
    private static final VarHandle FRAMES, BYTES;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            FRAMES = l.findVarHandle(CaptureSession.class, "frames", long.class);
            BYTES = l.findVarHandle(CaptureSession.class, "bytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private void count(long n, long position) {
        FRAMES.setRelease(this, n);
        BYTES.setRelease(this, position);
    }

    public CaptureSession(SourceOpener opener, SessionOptions options) {
        if (options.twoPass() && !opener.reopenable()) {
            throw new IllegalArgumentException(opener.name() + ": two passes need a source that can be read again (a file), not a live one");
        }
        this.opener = opener;
        this.options = options;
        this.dissector = new Dissector(options.dissector());
    }

    /** The dissector this session uses (its configuration), for consumers that re-dissect a frame on demand. */
    public Dissector dissector() {
        return dissector;
    }

    /**
     * Reads the source to its end (or the frame limit, damage, or a cancel), dissecting every frame
     * into every consumer's sink. A failure to open the source is thrown before any consumer is
     * called; an exception thrown by a consumer ends the run and closes the source.
     */
    public SessionResult run(FrameConsumer... consumers) throws SourceException {
        return run(List.of(consumers));
    }

    public SessionResult run(List<FrameConsumer> consumers) throws SourceException {
        if (ran) throw new IllegalStateException("a session runs once");
        ran = true;
        AnalysisConfig config = options.analysis();
        CaptureAnalysis analysis = null;
        if (config != null) {
            analysis = options.twoPass() ? afterFirstPass(config) : CaptureAnalysis.singlePass(config);
            if (analysis == null) return new SessionResult(0, Optional.empty(), List.of(), true);
        }
        pass = options.twoPass() ? 2 : 1;
        PacketSource source = opener.open();
        AnalysisThread thread = analysis == null ? null : new AnalysisThread(source, dissector, analysis, options.maxFrames());
        ahead = thread;
        // An array: the per-frame loops below then allocate no iterators.
        FrameConsumer[] each = consumers.toArray(new FrameConsumer[0]);
        try (PacketSource reader = thread != null ? thread : source) {
            reading = reader;
            total = reader.totalBytes();
            for (FrameConsumer c : each) c.begin();
            long n = 0;
            long first = 0, previous = 0;
            Packet p;
            FrameAnalysis frameAnalysis = thread;
            while (!cancelled && n < options.maxFrames() && (p = reader.next()) != null) {
                if (n == 0) first = previous = p.timestampNanos();
                FrameTiming timing = new FrameTiming(first, previous);
                dissector.dissect(p, timing, frameAnalysis, sinkOf(each));
                count(++n, reader.bytesRead());
                for (FrameConsumer c : each) c.frame(p, timing);
                previous = p.timestampNanos();
            }
            boolean stoppedByCancel = cancelled, limited = n >= options.maxFrames();
            Optional<CaptureError> damage = stoppedByCancel || limited ? Optional.empty() : reader.error();
            List<Expert> findings = List.of();
            if (thread != null && !stoppedByCancel) {
                // At the frame limit the analysis thread has read exactly as far: wait for its end.
                if (limited) reader.next();
                findings = thread.finish();
                if (!thread.released().isEmpty()) findings = release(thread.released(), consumers, findings);
            }
            SessionResult result = new SessionResult(n, damage, findings, stoppedByCancel);
            for (FrameConsumer c : consumers) c.end(result);
            return result;
        } finally {
            if (thread != null) lastCounters = thread.counters();
            reading = null;
            ahead = null;
        }
    }

    /**
     * Runs the first of two passes, which records links to later frames, and returns the analysis
     * for the second pass that shows them (null when cancelled meanwhile).
     */
    private CaptureAnalysis afterFirstPass(AnalysisConfig config) throws SourceException {
        pass = 1;
        // The first pass only finds links to later frames: verifying blocks there would be wasted.
        CaptureAnalysis first = CaptureAnalysis.firstPass(config.withoutVerification());
        FieldSink nothing = FieldSink.discard();
        try (PacketSource source = opener.open()) {
            reading = source;
            total = source.totalBytes();
            Packet p;
            long n = 0;
            while (!cancelled && n < options.maxFrames() && (p = source.next()) != null) {
                dissector.dissect(p, new FrameTiming(p.timestampNanos(), p.timestampNanos()), first, nothing);
                count(++n, source.bytesRead());
            }
        } finally {
            reading = null;
        }
        if (cancelled) return null;
        first.finish();
        count(0, 0);
        return CaptureAnalysis.secondPass(config, first);
    }

    /**
     * Dissects the messages released when the source ended into the consumers that want them and
     * into the end findings (each naming the frame that completed the message).
     */
    private List<Expert> release(List<ReleasedMessage> released, List<FrameConsumer> consumers, List<Expert> findings) {
        List<Expert> out = new ArrayList<>(findings);
        ReleasedFindings collector = new ReleasedFindings(out);
        FieldSink sink = collector;
        for (FrameConsumer c : consumers) {
            FieldSink s = c.releasedSink();
            if (s != null) sink = new TeeSink(sink, s);
        }
        for (ReleasedMessage r : released) {
            collector.message(r);
            dissector.dissectReleased(r, sink);
        }
        return out;
    }

    private static FieldSink sinkOf(FrameConsumer[] consumers) {
        FieldSink sink = null;
        for (FrameConsumer c : consumers) {
            FieldSink s = c.sink();
            if (s == FieldSink.discard()) continue; // a capture writer's: a tee to it would only cost every field a call
            sink = sink == null ? s : new TeeSink(sink, s);
        }
        return sink == null ? FieldSink.discard() : sink;
    }

    /** Interfaces the source has declared by the frame being delivered (for writers that copy frames). */
    public List<InterfaceInfo> interfaces() {
        PacketSource r = reading;
        return r == null ? List.of() : r.interfaces();
    }

    /**
     * The conversation analysis's running counters (tap and network loss, bounds hit) as of the
     * frame it read last; any thread, any time ({@link AnalysisCounters#NONE} without analysis).
     */
    public AnalysisCounters analysisCounters() {
        AnalysisThread t = ahead;
        return t != null ? t.counters() : lastCounters;
    }

    /** How far the session has come; any thread, any time. */
    public Progress progress() {
        return new Progress(pass, options.twoPass() ? 2 : 1, (long) FRAMES.getAcquire(this), (long) BYTES.getAcquire(this), total);
    }

    /**
     * Stops the session from any thread: the run ends after the frame in hand, consumers get
     * {@link FrameConsumer#end} with {@code cancelled} set, and a source waiting for packets is woken.
     */
    public void cancel() {
        cancelled = true;
        AnalysisThread t = ahead;
        if (t != null) t.cancel();
        PacketSource r = reading;
        if (r != null) r.cancel();
    }
}
