package dev.cellscope.flow;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class SeriesPointsTest {

    @Test
    void belowTheCapEveryPointIsKept() {
        SeriesPoints p = new SeriesPoints(100);
        for (int i = 0; i < 100; i++) p.add(i, i * 3L);
        SeriesXY s = p.snapshot();
        assertEquals(100, s.size());
        assertFalse(s.decimated());
        assertEquals(297, s.values()[99]);
    }

    @Test
    void beyondTheCapExtremesAndOrderSurvive() {
        Random rnd = new Random(1);
        SeriesPoints p = new SeriesPoints(1000);
        long min = Long.MAX_VALUE, max = Long.MIN_VALUE;
        for (int i = 0; i < 1_000_000; i++) {
            long v = rnd.nextInt(1_000_000) - 500_000;
            if (i == 777_777) v = 9_999_999; // one spike must stay visible
            min = Math.min(min, v);
            max = Math.max(max, v);
            p.add(i, v);
        }
        SeriesXY s = p.snapshot();
        assertTrue(s.decimated());
        assertTrue(s.size() <= 1000 && s.size() >= 250, "kept " + s.size());
        assertEquals(1_000_000, s.seen());
        assertEquals(max, Arrays.stream(s.values()).max().orElseThrow());
        assertEquals(min, Arrays.stream(s.values()).min().orElseThrow());
        for (int i = 1; i < s.size(); i++) assertTrue(s.timesNanos()[i] > s.timesNanos()[i - 1], "time order at " + i);
    }

    @Test
    void binsCoarsenBySumming() {
        SeriesBins b = new SeriesBins();
        b.add(3, 1);
        b.add(7, 2);
        b.add(8, 4);
        b.add(1, 8); // a step back in time
        assertArrayEquals(new long[] {0, 8, 0, 1, 0, 0, 0, 2, 4, 0}, b.toArray(10));
        b.coarsen(5);
        assertArrayEquals(new long[] {9, 6}, b.toArray(2));
        assertEquals(15, b.total());
    }
}
