package dev.cellscope.session;

import dev.cellscope.analysis.CaptureAnalysis;
import dev.cellscope.analysis.FrameAnalysis;
import dev.cellscope.analysis.ReleasedMessage;
import dev.cellscope.analysis.TetherFrameResult;
import dev.cellscope.analysis.UtcpVerdict;
import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.expert.Expert;
import dev.cellscope.io.CaptureError;
import dev.cellscope.io.InterfaceInfo;
import dev.cellscope.io.Packet;
import dev.cellscope.io.PacketSource;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a packet source and runs conversation analysis (reassembly, SBI cutting, the credit ledger;
 * block verification goes on to worker threads) on its own thread, ahead of the thread that
 * dissects and prints. That thread reads the frames from here, as from a {@link PacketSource},
 * and gets each frame's analysis through {@link FrameAnalysis}: exactly what a
 * {@link CaptureAnalysis} on its own thread would have said, since the same code ran over the
 * same bytes. One reader, both cores busy.
 */
final class AnalysisThread implements PacketSource, FrameAnalysis {
    /**
     * Frames read ahead of the thread that prints. Each holds its reassembled SBI messages (64 KiB blocks
     * copied out of the capture) until printed, and everything held is copied by every young GC: with
     * 16,384 frames that was 30-70 MB per collection and 0.9 s of GC pauses in a full analysis of the
     * 1M-frame mesh capture; 2,048 frames (dozens of blocks for the verification workers to run ahead on)
     * keep about 6 MB and 0.14 s (bench/README.md, issue 17).
     */
    private static final int AHEAD = 2_048;

    /**
     * A frame read ahead, with its analysis result (a verdict, a ledger result, or null), the
     * interfaces known then and the source's position after it.
     */
    private record Ahead(Packet packet, Object result, List<InterfaceInfo> interfaces, long position) {}

    private static final Ahead END = new Ahead(null, null, List.of(), -1);

    private final BlockingQueue<Ahead> queue = new ArrayBlockingQueue<>(AHEAD);
    private final PacketSource reader;
    private final Thread thread;
    private volatile Throwable failure;
    private volatile List<Expert> finish = List.of();
    private volatile List<ReleasedMessage> released = List.of();
    private volatile AnalysisCounters counters = AnalysisCounters.NONE;
    private Ahead current;
    /** How many of the current frame's results were handed out (several for a GSO train). */
    private int taken;
    private boolean ended;
    private List<InterfaceInfo> interfaces = List.of();
    private long position;

    /**
     * Starts reading {@code reader} (at most {@code count} frames) and analysing with {@code live},
     * dissecting with {@code dissector}'s configuration (the one the caller dissects with).
     * Takes ownership of {@code reader}.
     */
    AnalysisThread(PacketSource reader, Dissector dissector, CaptureAnalysis live, long count) {
        this.reader = reader;
        this.thread = Thread.ofPlatform().name("cellscope-analysis").daemon(true).unstarted(() -> run(dissector, live, count));
        thread.start();
    }

    /** The results of a frame that carried several packets (a UDP GSO train), in dissection order. */
    private record Several(Object[] results) {}

    /**
     * Records the analysis results of a frame: one (a verdict or a ledger result), or {@link Several} for a GSO train,
     * which the printing thread's dissection asks for in the same order.
     */
    private static final class Recorder implements FrameAnalysis {
        private final CaptureAnalysis live;
        private Object first;
        private List<Object> several;
        private int count;

        Recorder(CaptureAnalysis live) {
            this.live = live;
        }

        void clear() {
            first = null;
            several = null;
            count = 0;
        }

        Object result() {
            return count <= 1 ? first : new Several(several.toArray());
        }

        private <T> T record(T r) {
            if (count == 1) {
                several = new ArrayList<>();
                several.add(first);
            }
            if (count == 0) first = r;
            else several.add(r);
            count++;
            return r;
        }

        @Override
        public UtcpVerdict utcp(long frame, long ts, MemorySegment seg, long off, int present, int payloadFrameOffset) {
            return record(live.utcp(frame, ts, seg, off, present, payloadFrameOffset));
        }

        @Override
        public TetherFrameResult tether(long frame, long ts, MemorySegment seg, long off, int len, int wireLen, ByteOrder headerOrder, boolean badChecksum) {
            return record(live.tether(frame, ts, seg, off, len, wireLen, headerOrder, badChecksum));
        }
    }

    private void run(Dissector dissector, CaptureAnalysis live, long count) {
        Recorder recorder = new Recorder(live);
        List<InterfaceInfo> known = List.of();
        try {
            Packet p;
            long n = 0;
            while (n++ < count && (p = reader.next()) != null) {
                recorder.clear();
                dissector.dissect(p, new FrameTiming(p.timestampNanos(), p.timestampNanos()), recorder, FieldSink.discard());
                if (reader.interfaces().size() != known.size()) known = List.copyOf(reader.interfaces());
                queue.put(new Ahead(p, recorder.result(), known, reader.bytesRead()));
                publish(live);
            }
            finish = live.finish();
            publish(live);
            released = List.copyOf(live.released());
        } catch (InterruptedException e) {
            return; // closed early
        } catch (Throwable t) {
            failure = t;
        }
        try {
            queue.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A new snapshot of the running counters when one changed (they change rarely: loss, bounds hit). */
    private void publish(CaptureAnalysis live) {
        var u = live.utcp();
        AnalysisCounters c = counters;
        long tap = u.loss().tapLostSeqs(), net = u.loss().networkLostSeqs(), holes = u.holesGivenUpAtCap() + u.holesGivenUpAtBudget(),
                forgotten = u.conversationsForgotten();
        if (tap != c.tapLostSeqs() || net != c.networkLostSeqs() || holes != c.holesGivenUp() || forgotten != c.conversationsForgotten()) {
            counters = new AnalysisCounters(tap, net, holes, forgotten);
        }
    }

    /** The analysis's running counters as of the last frame it read ahead; any thread. */
    AnalysisCounters counters() {
        return counters;
    }

    @Override
    public String name() {
        return reader.name();
    }

    @Override
    public long bytesRead() {
        return position;
    }

    @Override
    public OptionalLong totalBytes() {
        return reader.totalBytes();
    }

    @Override
    public Packet next() {
        if (ended) return null;
        try {
            current = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading ahead", e);
        }
        if (current == END) {
            ended = true;
            if (failure != null) throw new IllegalStateException("analysis failed: " + failure, failure);
            return null;
        }
        interfaces = current.interfaces();
        position = current.position();
        taken = 0;
        return current.packet();
    }

    @Override
    public List<InterfaceInfo> interfaces() {
        return interfaces;
    }

    /** Damage found by the reader; valid once {@link #next()} returned null. */
    @Override
    public Optional<CaptureError> error() {
        return ended ? reader.error() : Optional.empty();
    }

    private Object result(long frame) {
        if (current == null || current.packet() == null || current.packet().number() != frame) {
            throw new IllegalStateException("frame " + frame + " is not the frame read last");
        }
        if (current.result() instanceof Several s) return s.results()[Math.min(taken++, s.results().length - 1)];
        return current.result();
    }

    @Override
    public UtcpVerdict utcp(long frame, long ts, MemorySegment seg, long off, int present, int payloadFrameOffset) {
        return (UtcpVerdict) result(frame);
    }

    @Override
    public TetherFrameResult tether(long frame, long ts, MemorySegment seg, long off, int len, int wireLen, ByteOrder headerOrder, boolean badChecksum) {
        return (TetherFrameResult) result(frame);
    }

    /** Capture-level findings; valid once {@link #next()} returned null. */
    List<Expert> finish() {
        return finish;
    }

    /** Messages released from behind holes when the source ended; valid once {@link #next()} returned null. */
    List<ReleasedMessage> released() {
        return released;
    }

    /** Ends a source blocked waiting for packets (a live one), so that the analysis thread can stop. */
    @Override
    public void cancel() {
        reader.cancel();
    }

    @Override
    public void close() {
        reader.cancel();
        thread.interrupt();
        queue.clear();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reader.close();
    }
}
