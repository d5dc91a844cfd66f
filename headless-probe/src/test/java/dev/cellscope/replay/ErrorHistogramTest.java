package dev.cellscope.replay;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Percentiles against a sorted array of the same values (the exact answer). */
class ErrorHistogramTest {

    @Test
    void smallValuesAreExact() {
        ErrorHistogram h = new ErrorHistogram();
        for (int v = 1; v <= 100; v++) h.record(v);
        assertEquals(50, h.percentile(0.5));
        assertEquals(99, h.percentile(0.99));
        assertEquals(100, h.max());
        assertEquals(100, h.count());
    }

    @Test
    void percentilesAreWithinTheBucketPrecision() {
        Random r = new Random(7);
        long[] values = new long[200_000];
        ErrorHistogram h = new ErrorHistogram();
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) Math.exp(r.nextDouble() * 20); // 1 ns .. 0.5 s, spread over every octave
            h.record(values[i]);
        }
        Arrays.sort(values);
        for (double q : new double[]{0.5, 0.9, 0.99, 0.999}) {
            long exact = values[(int) Math.ceil(q * values.length) - 1];
            long got = h.percentile(q);
            assertTrue(got >= exact && got <= exact + exact / 64 + 1, q + ": " + got + " vs exact " + exact);
        }
        assertEquals(values[values.length - 1], h.max());
    }

    @Test
    void bucketsCoverTheWholeRange() {
        for (long v : new long[]{0, 127, 128, 129, 255, 256, 1L << 40, Long.MAX_VALUE}) {
            int i = ErrorHistogram.index(v);
            assertTrue(ErrorHistogram.upperEdge(i) >= v, "edge of " + v);
            if (i > 0) assertTrue(ErrorHistogram.upperEdge(i - 1) < v, "previous edge of " + v);
        }
        ErrorHistogram empty = new ErrorHistogram();
        assertEquals(0, empty.percentile(0.99));
    }
}
