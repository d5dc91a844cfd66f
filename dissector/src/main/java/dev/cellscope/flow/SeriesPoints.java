package dev.cellscope.flow;

import java.util.Arrays;

/**
 * A point series with a cap on the points kept. Below the cap every point is kept. When the
 * cap is reached the series is halved by <b>envelope decimation</b>: each run of four kept
 * points becomes its minimum and maximum (in time order), and from then on every run of
 * {@code 2 * stride} incoming points is kept as its minimum and maximum; each halving doubles
 * the stride. Extremes survive (a credit dip to an overrun, the highest seq, a seq far below
 * the rest), which is what a reader of these plots looks for; density is what is lost.
 * Memory is at most {@code cap} points, whatever the capture's length.
 */
final class SeriesPoints {
    private final int cap;
    private long[] times = new long[16], values = new long[16];
    private int size;
    private long seen;
    private int stride = 1;
    private boolean decimated;
    // The run being collected when stride > 1.
    private int runLength;
    private long minT, minV, maxT, maxV;

    SeriesPoints(int cap) {
        if (cap < 8) throw new IllegalArgumentException("cap must be at least 8, got " + cap);
        this.cap = cap - cap % 4; // halving works on runs of four
    }

    void add(long timeNanos, long value) {
        seen++;
        if (stride == 1) {
            keep(timeNanos, value);
            return;
        }
        if (runLength == 0 || value < minV) { minT = timeNanos; minV = value; }
        if (runLength == 0 || value > maxV) { maxT = timeNanos; maxV = value; }
        if (++runLength == 2 * stride) flushRun();
    }

    private void flushRun() {
        if (runLength == 0) return;
        runLength = 0;
        if (minT == maxT && minV == maxV) {
            keep(minT, minV);
        } else if (minT <= maxT) {
            keep(minT, minV);
            keep(maxT, maxV);
        } else {
            keep(maxT, maxV);
            keep(minT, minV);
        }
    }

    private void keep(long t, long v) {
        if (size == cap) halve();
        if (size == times.length) {
            times = Arrays.copyOf(times, Math.min(cap, size * 2));
            values = Arrays.copyOf(values, times.length);
        }
        times[size] = t;
        values[size] = v;
        size++;
    }

    /** Runs of four kept points become their min and max; later runs are twice as long. */
    private void halve() {
        int out = 0;
        for (int i = 0; i < size; i += 4) {
            int end = Math.min(size, i + 4), lo = i, hi = i;
            for (int j = i + 1; j < end; j++) {
                if (values[j] < values[lo]) lo = j;
                if (values[j] > values[hi]) hi = j;
            }
            int a = Math.min(lo, hi), b = Math.max(lo, hi);
            long at = times[a], av = values[a], bt = times[b], bv = values[b];
            times[out] = at;
            values[out++] = av;
            if (a != b) {
                times[out] = bt;
                values[out++] = bv;
            }
        }
        size = out;
        stride *= 2;
        decimated = true;
    }

    long seen() {
        return seen;
    }

    SeriesXY snapshot() {
        // A partial run still counts: copy state so the snapshot does not disturb later adds.
        long[] t = Arrays.copyOf(times, size), v = Arrays.copyOf(values, size);
        if (runLength > 0) {
            long[][] tail = minT <= maxT ? new long[][] {{minT, minV}, {maxT, maxV}} : new long[][] {{maxT, maxV}, {minT, minV}};
            int extra = tail[0][0] == tail[1][0] && tail[0][1] == tail[1][1] ? 1 : 2;
            t = Arrays.copyOf(t, size + extra);
            v = Arrays.copyOf(v, size + extra);
            for (int i = 0; i < extra; i++) {
                t[size + i] = tail[i][0];
                v[size + i] = tail[i][1];
            }
        }
        return new SeriesXY(t, v, seen, decimated);
    }
}
