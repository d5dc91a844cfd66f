package dev.cellscope.gui.model;

import dev.cellscope.session.SourceException;

/**
 * A display filter being applied, in the background: {@link #run()} on a worker thread;
 * {@link #soFar()}, {@link #fraction()} and {@link #cancel()} from any other (the UI polls them to
 * show the matches found so far and the progress).
 */
public interface FilterJob {
    /** Applies the filter; the 0-based indexes of the matching frames in frame order, or null when cancelled. */
    int[] run() throws SourceException;

    void cancel();

    /** Done so far, 0 to 1 (NaN: unknown). */
    double fraction();

    /** The matches found so far, a prefix of the result in frame order: more frames only ever follow. */
    Matches soFar();

    /** The first {@code count} entries of {@code frames} (which may be longer) are valid and never change. */
    record Matches(int[] frames, int count) {
        public static final Matches NONE = new Matches(new int[0], 0);
    }
}
