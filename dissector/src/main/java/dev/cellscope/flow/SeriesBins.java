package dev.cellscope.flow;

import java.util.Arrays;

/**
 * Per-interval sums as a dense array that grows to cover the intervals touched. A series that
 * starts late (a Tether flow opened mid-capture) keeps no zeros for the time before it: the
 * array starts at its first interval.
 */
final class SeriesBins {
    private long first = -1;
    private long[] values = new long[0];

    /** Adds {@code amount} to interval {@code index} (non-negative). */
    void add(long index, long amount) {
        if (first < 0) {
            first = index;
            values = new long[16];
        } else if (index < first) {
            // Capture timestamps may step backwards: grow at the front.
            int shift = Math.toIntExact(first - index);
            long[] grown = new long[values.length + shift];
            System.arraycopy(values, 0, grown, shift, values.length);
            values = grown;
            first = index;
        }
        int at = Math.toIntExact(index - first);
        if (at >= values.length) values = Arrays.copyOf(values, Math.max(at + 1, values.length * 2));
        values[at] += amount;
    }

    /** Merges every {@code factor} consecutive intervals into one (the interval grew by that factor). */
    void coarsen(int factor) {
        if (first < 0) return;
        long newFirst = first / factor;
        long last = first + values.length - 1;
        long[] merged = new long[Math.toIntExact(last / factor - newFirst + 1)];
        for (int i = 0; i < values.length; i++) merged[Math.toIntExact((first + i) / factor - newFirst)] += values[i];
        values = merged;
        first = newFirst;
    }

    /** The sums of intervals {@code 0 .. intervals-1} (zeros where nothing was added). */
    long[] toArray(int intervals) {
        long[] out = new long[intervals];
        if (first < 0) return out;
        for (int i = 0; i < values.length; i++) {
            long at = first + i;
            if (at < intervals) out[(int) at] += values[i];
        }
        return out;
    }

    /** Sum over all intervals. */
    long total() {
        long t = 0;
        for (long v : values) t += v;
        return t;
    }
}
