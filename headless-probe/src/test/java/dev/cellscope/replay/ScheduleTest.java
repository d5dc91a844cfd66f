package dev.cellscope.replay;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The deadlines, worked out by hand from each pacing's definition. */
class ScheduleTest {

    private static long[] deadlines(Schedule s, long[] timestamps, int length) {
        long[] d = new long[timestamps.length];
        for (int i = 0; i < d.length; i++) d[i] = s.next(timestamps[i], length);
        return d;
    }

    @Test
    void asCapturedKeepsTheGapsFromTheFirstFrame() {
        long t0 = 1_795_867_200_000_000_000L;
        long[] ts = {t0, t0 + 1_000, t0 + 250_000, t0 + 3_000_000_000L};
        assertArrayEquals(new long[]{0, 1_000, 250_000, 3_000_000_000L}, deadlines(new Schedule(new Pacing.AsCaptured(1)), ts, 60));
    }

    @Test
    void multiplierDividesTheGaps() {
        long[] ts = {100, 1_100, 250_100, 3_000_000_100L};
        assertArrayEquals(new long[]{0, 500, 125_000, 1_500_000_000L}, deadlines(new Schedule(new Pacing.AsCaptured(2)), ts, 60));
        assertArrayEquals(new long[]{0, 4_000, 1_000_000, 12_000_000_000L}, deadlines(new Schedule(new Pacing.AsCaptured(0.25)), ts, 60));
    }

    @Test
    void timestampsGoingBackwardsAreHeld() {
        long[] ts = {1_000, 5_000, 3_000, 9_000};
        assertArrayEquals(new long[]{0, 4_000, 4_000, 8_000}, deadlines(new Schedule(new Pacing.AsCaptured(1)), ts, 60));
    }

    @Test
    void packetRateIgnoresTheCapturedTimes() {
        long[] ts = {0, 7, 7, 1_000_000_000_000L, 5};
        assertArrayEquals(new long[]{0, 333_333, 666_666, 1_000_000, 1_333_333}, deadlines(new Schedule(new Pacing.PacketRate(3_000)), ts, 60));
    }

    @Test
    void packetRateDoesNotDriftOverAMillionFrames() {
        Schedule s = new Schedule(new Pacing.PacketRate(3_000));
        long d = 0;
        for (int i = 0; i <= 3_000_000; i++) d = s.next(0, 60);
        // frame 3,000,000 at exactly 1000 s: summing a rounded 333,333 ns gap would be 1 ms early
        assertEquals(1_000_000_000_000L, d);
    }

    @Test
    void bitRateCountsTheBytesBeforeEachFrame() {
        // 8 Mbit/s is one byte per microsecond
        Schedule s = new Schedule(new Pacing.BitRate(8));
        assertEquals(0, s.next(0, 100));
        assertEquals(100_000, s.next(0, 1_500));
        assertEquals(1_600_000, s.next(0, 60));
        assertEquals(1_660_000, s.next(0, 60));
    }

    @Test
    void aNewPassStartsWhereTheLastEnded() {
        Schedule s = new Schedule(new Pacing.AsCaptured(1));
        long[] ts = {10_000, 12_000, 15_000};
        assertArrayEquals(new long[]{0, 2_000, 5_000}, deadlines(s, ts, 60));
        s.newPass();
        assertArrayEquals(new long[]{5_000, 7_000, 10_000}, deadlines(s, ts, 60));
        s.newPass();
        assertArrayEquals(new long[]{10_000, 12_000, 15_000}, deadlines(s, ts, 60));
    }

    @Test
    void packetRateRunsOnAcrossPasses() {
        Schedule s = new Schedule(new Pacing.PacketRate(1_000));
        deadlines(s, new long[]{1, 2, 3}, 60);
        s.newPass();
        assertArrayEquals(new long[]{3_000_000, 4_000_000}, deadlines(s, new long[]{1, 2}, 60));
    }

    @Test
    void topSpeedHasNoDeadlines() {
        Schedule s = new Schedule(new Pacing.TopSpeed());
        assertFalse(s.timed());
        assertArrayEquals(new long[]{0, 0, 0}, deadlines(s, new long[]{5, 500, 5_000_000}, 1_500));
        assertTrue(new Schedule(new Pacing.PacketRate(1)).timed());
    }

    @Test
    void ratesMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new Pacing.AsCaptured(0));
        assertThrows(IllegalArgumentException.class, () -> new Pacing.PacketRate(-1));
        assertThrows(IllegalArgumentException.class, () -> new Pacing.BitRate(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Pacing.AsCaptured(Double.POSITIVE_INFINITY));
    }
}
