package dev.cellscope.flow;

import java.util.Arrays;

/**
 * A bounded sample of values for percentiles: every value while there are at most
 * {@code capacity} (the percentiles are then exact), afterwards a uniform reservoir (Vitter's
 * algorithm R) drawn with a fixed-seed generator, so the same capture always gives the same
 * figures. Percentiles use the nearest-rank definition: the smallest sampled value with at least
 * p% of the sample at or below it.
 */
final class Sample {
    private final int capacity;
    private long[] values = new long[4];
    private int size;
    private long count;
    private long state = 0x5DEECE66DL; // fixed seed: deterministic output

    Sample(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive: " + capacity);
        this.capacity = capacity;
    }

    void add(long v) {
        count++;
        if (size < capacity) {
            // Grows on demand: most flows have few samples, and the table holds many flows.
            if (size == values.length) values = Arrays.copyOf(values, Math.min(capacity, size * 2));
            values[size++] = v;
            return;
        }
        long j = Long.remainderUnsigned(next(), count);
        if (j < capacity) values[(int) j] = v;
    }

    long count() {
        return count;
    }

    /** The nearest-rank percentile {@code p} (0 < p ≤ 100), or {@link FlowRow#NONE} without values. */
    long percentile(double p) {
        if (size == 0) return FlowRow.NONE;
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * size);
        return sorted[Math.clamp(rank - 1, 0, size - 1)];
    }

    /** SplitMix64. */
    private long next() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
