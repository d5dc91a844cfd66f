package dev.cellscope.replay;

/**
 * Timing errors (non-negative nanoseconds) counted in log-linear buckets, so a replay of any
 * length keeps a few KiB: below 128 ns each value has its own bucket, above that each power of two
 * is cut into 64, so a percentile is within 1/64 (1.6 %) of the true value. The maximum is exact.
 */
public final class ErrorHistogram {
    private static final int SUB = 64, SUB_BITS = 6;
    private final long[] counts = new long[2 * SUB + (63 - SUB_BITS) * SUB];
    private long total, max;

    public void record(long nanos) {
        long v = Math.max(0, nanos);
        counts[index(v)]++;
        total++;
        max = Math.max(max, v);
    }

    public long count() {
        return total;
    }

    public long max() {
        return max;
    }

    /** The value at quantile {@code q} (0..1): the upper edge of its bucket, never above the maximum; 0 when empty. */
    public long percentile(double q) {
        if (total == 0) return 0;
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) return Math.min(max, upperEdge(i));
        }
        return max;
    }

    static int index(long v) {
        if (v < 2 * SUB) return (int) v;
        int exponent = 63 - Long.numberOfLeadingZeros(v);   // >= 7
        int shift = exponent - SUB_BITS;                     // >= 1
        int sub = (int) (v >>> shift) - SUB;                 // 0..63
        return 2 * SUB + (shift - 1) * SUB + sub;
    }

    static long upperEdge(int index) {
        if (index < 2 * SUB) return index;
        int shift = (index - 2 * SUB) / SUB + 1;
        int sub = (index - 2 * SUB) % SUB;
        return ((long) (SUB + sub + 1) << shift) - 1;
    }
}
