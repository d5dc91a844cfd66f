package dev.cellscope.analysis;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A bounded uniform sample of sender-to-tap delays (reservoir sampling, Algorithm R) for the
 * p50/p99 columns. Exact while fewer than {@code capacity} values were added. The buffer grows
 * on demand so a short flow costs a few bytes, and the random source has a fixed seed so the
 * same capture gives the same percentiles.
 */
final class TetherDelaySample {
    private static final long SEED = 0x7E7E_E2D1_A5C0_FFEEL;

    private final int capacity;
    private long[] values = new long[8];
    private int size;
    private long seen;
    private SplittableRandom random; // created only once the reservoir is full

    TetherDelaySample(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity " + capacity);
        this.capacity = capacity;
    }

    void add(long value) {
        seen++;
        if (size < capacity) {
            if (size == values.length) values = Arrays.copyOf(values, Math.min(capacity, size * 2));
            values[size++] = value;
            return;
        }
        if (random == null) random = new SplittableRandom(SEED);
        long j = random.nextLong(seen);
        if (j < capacity) values[(int) j] = value;
    }

    /** Values added, sampled or not. */
    long seen() {
        return seen;
    }

    int retained() {
        return size;
    }

    /** Nearest-rank percentile ({@code p} in (0, 1]) of the sample, or {@code absent} when empty. */
    long percentile(double p, long absent) {
        if (size == 0) return absent;
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p * size);
        return sorted[Math.clamp(rank - 1, 0, size - 1)];
    }
}
