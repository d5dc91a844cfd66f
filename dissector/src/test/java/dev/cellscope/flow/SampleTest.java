package dev.cellscope.flow;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Percentile samples and open seq ranges: exact when small, bounded and deterministic when large. */
class SampleTest {
    @Test
    void exactNearestRankWhenSmall() {
        Sample s = new Sample(100);
        assertEquals(FlowRow.NONE, s.percentile(50));
        for (long v : new long[]{5, 1, 4, 2, 3}) s.add(v);
        assertEquals(3, s.percentile(50));
        assertEquals(5, s.percentile(99));
        assertEquals(1, s.percentile(1));
    }

    @Test
    void boundedAndDeterministicWhenLarge() {
        Sample a = new Sample(1024), b = new Sample(1024);
        Random r = new Random(1);
        for (int i = 0; i < 1_000_000; i++) {
            long v = r.nextInt(1_000_000);
            a.add(v);
            b.add(v);
        }
        assertEquals(a.percentile(50), b.percentile(50));
        assertEquals(a.percentile(99), b.percentile(99));
        assertEquals(500_000, a.percentile(50), 60_000, "a uniform sample's median");
        assertEquals(990_000, a.percentile(99), 10_000);
        assertEquals(1_000_000, a.count());
    }

    @Test
    void seqRangesMergeSplitAndCap() {
        SeqRanges s = new SeqRanges(3);
        s.add(10, 5); // 10-14
        s.add(12, 10); // 10-21
        assertEquals(12, s.size());
        s.remove(15);
        s.remove(10);
        assertEquals(10, s.size());
        assertEquals(2, s.rangeCount());
        s.add(100, 1);
        s.add(200, 1);
        assertEquals(3, s.rangeCount());
        assertTrue(s.overflowed(), "the lowest range was forgotten");
        assertEquals(6 + 2, s.size());
        s.remove(999);
        assertEquals(8, s.size());
    }
}
