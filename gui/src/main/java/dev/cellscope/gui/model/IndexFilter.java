package dev.cellscope.gui.model;

import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.filter.DisplayFilter;
import dev.cellscope.filter.FilterSink;
import dev.cellscope.io.Packet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A display filter over the frame index, for filters that read only fields a frame's own bytes
 * hold (no conversation analysis: {@link dev.cellscope.analysis.AnalysedFields}). Every frame is
 * dissected on its own straight from the mapped capture ({@link FrameStore#view}: no copy, no
 * reader, no session) with the dissector and tested with the compiled filter, as a session would
 * do it; the frames are cut into chunks that the threads (one per core) take in turn, and a chunk's
 * matches join the result as soon as every chunk before it is done, so the list can show them while
 * the rest is tested. Cancel stops every thread within a chunk.
 *
 * <p>A filter that reads analysed fields runs the same way once the load has finished: the frame's
 * own fields come from its own dissection and what the load's analysis added to it from the
 * {@link AnalysedValues} the load recorded, replayed into the same sink.
 */
public final class IndexFilter implements FilterJob {
    /** Frames a thread takes at a time: small enough for steady progress, big enough to cost nothing to hand out. */
    static final int CHUNK = 8192;
    private static final int[] PENDING = null;

    private final FrameIndex index;
    private final FrameStore store;
    private final DisplayFilter filter;
    /** What the load's analysis added to each frame, replayed into the sink (null: the filter reads no analysed field). */
    private final AnalysedValues analysed;
    private final int from, frames, chunks, threads, chunk;
    private final int[][] chunkMatches;
    private final AtomicInteger nextChunk = new AtomicInteger(), chunksDone = new AtomicInteger();
    private volatile boolean cancelled;
    private volatile RuntimeException failure;
    /** The joined prefix: guarded by {@code this}; {@link #soFar()} publishes (array, count) pairs. */
    private int[] joined = new int[1024];
    private int joinedCount, joinedChunks;

    /** Filters the frames indexed now, on {@code threads} threads (the caller's included). */
    public IndexFilter(FrameIndex index, FrameStore store, DisplayFilter filter, int threads) {
        this(index, store, filter, threads, CHUNK);
    }

    /** As above, in chunks of {@code chunk} frames (tests use small ones to make many chunks of a small capture). */
    IndexFilter(FrameIndex index, FrameStore store, DisplayFilter filter, int threads, int chunk) {
        this(index, store, filter, threads, chunk, 0, index.size());
    }

    /**
     * Filters frames {@code from} (0-based) up to {@code to} only: a live capture's frames that arrived
     * since the last pass. {@link #run()} returns 0-based frame indexes as ever.
     */
    public IndexFilter(FrameIndex index, FrameStore store, DisplayFilter filter, int threads, int from, int to) {
        this(index, store, filter, threads, CHUNK, from, to);
    }

    /**
     * A filter that reads analysed fields, over the frames of a finished load: each frame is dissected
     * on its own and what the load's analysis added to it ({@code analysed}) is replayed into the same
     * sink, so it matches the frames a session with that analysis ({@link FilterRun}) matches.
     */
    public IndexFilter(FrameIndex index, FrameStore store, DisplayFilter filter, AnalysedValues analysed, int threads) {
        this(index, store, filter, analysed, threads, CHUNK, 0, index.size());
    }

    /** As above, in chunks of {@code chunk} frames (tests). */
    IndexFilter(FrameIndex index, FrameStore store, DisplayFilter filter, AnalysedValues analysed, int threads, int chunk) {
        this(index, store, filter, analysed, threads, chunk, 0, index.size());
    }

    private IndexFilter(FrameIndex index, FrameStore store, DisplayFilter filter, int threads, int chunk, int from, int to) {
        this(index, store, filter, null, threads, chunk, from, to);
    }

    private IndexFilter(FrameIndex index, FrameStore store, DisplayFilter filter, AnalysedValues analysed, int threads, int chunk,
                        int from, int to) {
        if (analysed == null ? !canRun(filter) : !canRun(filter, analysed)) {
            throw new IllegalArgumentException("the filter reads analysed fields: " + filter.expression());
        }
        if (analysed != null && analysed.frames() != index.size()) {
            throw new IllegalArgumentException("the analysis recorded " + analysed.frames() + " frames, the index has " + index.size());
        }
        this.analysed = analysed;
        this.index = index;
        this.store = store;
        this.filter = filter;
        this.from = Math.max(0, from);
        this.frames = Math.min(to, index.size());
        this.chunk = Math.max(1, chunk);
        this.chunks = Math.max(0, (frames - this.from + this.chunk - 1) / this.chunk);
        this.threads = Math.max(1, threads);
        this.chunkMatches = new int[chunks][];
    }

    /** Whether a filter can be applied frame by frame over the index (it reads no analysed field). */
    public static boolean canRun(DisplayFilter filter) {
        return !dev.cellscope.analysis.AnalysedFields.anyAnalysed(filter.fields());
    }

    /**
     * Whether a filter can be applied frame by frame with the analysed values a load recorded: the
     * load has ended without a cancel and every analysed field the filter reads was kept in full.
     */
    public static boolean canRun(DisplayFilter filter, AnalysedValues analysed) {
        return analysed != null && analysed.isComplete() && analysed.covers(filter.fields());
    }

    /** One thread per core, at most four. */
    public static int defaultThreads() {
        return Math.min(4, Runtime.getRuntime().availableProcessors());
    }

    @Override
    public int[] run() {
        List<Thread> helpers = new ArrayList<>();
        for (int t = 1; t < threads && t < chunks; t++)
            helpers.add(Thread.ofPlatform().daemon().name("cellscope-filter-" + t).start(this::work));
        work();
        for (Thread t : helpers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                cancelled = true;
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) throw failure;
        if (cancelled) return null;
        synchronized (this) {
            return Arrays.copyOf(joined, joinedCount);
        }
    }

    private void work() {
        try {
            Dissector dissector = new Dissector();
            FilterSink sink = filter.newSink();
            FieldSink own = analysed == null ? sink : new OwnFieldsSink(sink);
            int[] found = new int[chunk];
            long first = index.firstNanos();
            int c;
            while (!cancelled && (c = nextChunk.getAndIncrement()) < chunks) {
                int from = this.from + c * chunk, to = Math.min(frames, from + chunk), n = 0;
                for (int i = from; i < to && !cancelled; i++) {
                    Packet p = store.view(i);
                    if (p == null) continue; // bytes outside the file: the index says where; nothing to test
                    sink.reset();
                    dissector.dissect(p, new FrameTiming(first, index.timeNanos(i == 0 ? 0 : i - 1)), own);
                    if (analysed != null) analysed.replay(i, sink);
                    if (filter.matches(sink)) found[n++] = i;
                }
                join(c, Arrays.copyOf(found, n));
            }
        } catch (RuntimeException e) {
            failure = e;
            cancelled = true;
        }
    }

    /** Records chunk {@code c}'s matches and joins every chunk now complete in order to the result. */
    private synchronized void join(int c, int[] matches) {
        chunkMatches[c] = matches;
        chunksDone.incrementAndGet();
        while (joinedChunks < chunks && chunkMatches[joinedChunks] != PENDING) {
            int[] m = chunkMatches[joinedChunks];
            chunkMatches[joinedChunks] = EMPTY_DONE;
            if (joinedCount + m.length > joined.length) joined = Arrays.copyOf(joined, Math.max(joined.length * 2, joinedCount + m.length));
            System.arraycopy(m, 0, joined, joinedCount, m.length);
            joinedCount += m.length;
            joinedChunks++;
        }
    }

    private static final int[] EMPTY_DONE = new int[0];

    @Override
    public void cancel() {
        cancelled = true;
    }

    @Override
    public double fraction() {
        return chunks == 0 ? 1 : (double) chunksDone.get() / chunks;
    }

    @Override
    public synchronized Matches soFar() {
        // the array is only ever written beyond joinedCount or replaced by a longer copy: the prefix stays valid
        return new Matches(joined, joinedCount);
    }

    /** The end (exclusive, 0-based) of the frames the filter runs over (those indexed when it was made). */
    public int frames() {
        return frames;
    }
}
