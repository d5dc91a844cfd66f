package dev.cellscope.analysis;

import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.Expert;
import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.io.CaptureReader;
import dev.cellscope.io.Packet;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Conversation analysis (reassembly, SBI cutting, block decompression and hashing, the credit
 * ledger) run ahead on its own thread over its own reader of the same file, so that it uses one
 * core while dissection and output use the other. The dissecting thread asks for each frame's
 * result in order and gets exactly what a {@link CaptureAnalysis} on its own thread would have
 * said: the same code ran over the same bytes.
 *
 * <p>Results may refer to bytes of this thread's file mapping: close this only after the
 * frames that used them have been written.
 */
public final class AnalysisThread implements FrameAnalysis, AutoCloseable {
    private static final int AHEAD = 16_384;

    private record Result(long frame, Object value) {}

    private static final Object END = new Object();

    private final BlockingQueue<Result> queue = new ArrayBlockingQueue<>(AHEAD);
    private final CaptureReader reader;
    private final Thread thread;
    private volatile Throwable failure;
    private volatile List<Expert> finish = List.of();
    private boolean ended;

    /**
     * Starts analysing {@code file} (at most {@code count} frames) with {@code live}, dissecting
     * with {@code dissector}'s configuration (it must be the one the caller dissects with).
     */
    public AnalysisThread(Path file, Dissector dissector, CaptureAnalysis live, long count) throws IOException {
        this.reader = CaptureReader.open(file);
        this.thread = Thread.ofPlatform().name("cellscope-analysis").daemon(true).unstarted(() -> run(dissector, live, count));
        thread.start();
    }

    private void run(Dissector dissector, CaptureAnalysis live, long count) {
        FrameAnalysis recorder = new FrameAnalysis() {
            @Override
            public UtcpVerdict utcp(long frame, long ts, MemorySegment seg, long off, int present, int payloadFrameOffset) {
                UtcpVerdict v = live.utcp(frame, ts, seg, off, present, payloadFrameOffset);
                put(new Result(frame, v));
                return v;
            }

            @Override
            public TetherFrameResult tether(long frame, long ts, MemorySegment seg, long off, int len, ByteOrder headerOrder) {
                TetherFrameResult r = live.tether(frame, ts, seg, off, len, headerOrder);
                put(new Result(frame, r));
                return r;
            }
        };
        try {
            Packet p;
            long n = 0;
            while (n++ < count && (p = reader.next()) != null) {
                dissector.dissect(p, new FrameTiming(p.timestampNanos(), p.timestampNanos()), recorder, FieldSink.discard());
            }
            finish = live.finish();
        } catch (Throwable t) {
            failure = t;
        } finally {
            put(new Result(-1, END));
        }
    }

    private void put(Result r) {
        try {
            queue.put(r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("analysis stopped", e);
        }
    }

    private Object take(long frame) {
        try {
            Result r = ended ? null : queue.take();
            if (r == null || r.value() == END) {
                ended = true;
                throw new IllegalStateException("analysis thread ended before frame " + frame
                        + (failure != null ? ": " + failure : ""), failure);
            }
            if (r.frame() != frame) {
                throw new IllegalStateException("analysis thread out of step: frame " + r.frame() + " where " + frame + " was expected");
            }
            return r.value();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the analysis of frame " + frame, e);
        }
    }

    @Override
    public UtcpVerdict utcp(long frame, long ts, MemorySegment seg, long off, int present, int payloadFrameOffset) {
        return (UtcpVerdict) take(frame);
    }

    @Override
    public TetherFrameResult tether(long frame, long ts, MemorySegment seg, long off, int len, ByteOrder headerOrder) {
        return (TetherFrameResult) take(frame);
    }

    /** Waits for the end of the capture and returns the capture-level findings. */
    public List<Expert> finish() {
        try {
            while (!ended) {
                if (queue.take().value() == END) ended = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) throw new IllegalStateException("analysis failed: " + failure, failure);
        return finish;
    }

    @Override
    public void close() {
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
