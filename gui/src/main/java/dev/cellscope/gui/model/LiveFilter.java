package dev.cellscope.gui.model;

import dev.cellscope.filter.DisplayFilter;

import java.util.Arrays;

/**
 * A display filter applied during a live capture (a frame's own fields only): the index filter over
 * the frames so far, then over each batch that arrived since, one pass at a time, the matches
 * appended in frame order. Confined to one thread (the UI's): {@link #next()} hands out the pass to
 * run elsewhere, {@link #accept} takes its result.
 */
public final class LiveFilter {
    private final DisplayFilter filter;
    private final FrameIndex index;
    private final FrameStore store;
    private int[] matches = new int[1024];
    private int count, upTo, pending = -1;

    public LiveFilter(DisplayFilter filter, FrameIndex index, FrameStore store) {
        if (!IndexFilter.canRun(filter)) throw new IllegalArgumentException("the filter reads analysed fields: " + filter.expression());
        this.filter = filter;
        this.index = index;
        this.store = store;
    }

    /** The pass over the frames indexed since the last one, or null while one runs or when none arrived. */
    public IndexFilter next() {
        int to = index.size();
        if (pending >= 0 || to <= upTo) return null;
        pending = to;
        return new IndexFilter(index, store, filter, 1, upTo, to);
    }

    /** The matches of the pass {@link #next()} gave (null: it failed or was cancelled, and is given again). */
    public void accept(int[] found) {
        int to = pending;
        pending = -1;
        if (found == null || to < 0) return;
        if (count + found.length > matches.length) matches = Arrays.copyOf(matches, Math.max(matches.length * 2, count + found.length));
        System.arraycopy(found, 0, matches, count, found.length);
        count += found.length;
        upTo = to;
    }

    /** The matches so far: a prefix that only grows (the list extends by it). */
    public FilterJob.Matches matches() {
        return new FilterJob.Matches(matches, count);
    }
}
