package dev.cellscope.replay;

import dev.cellscope.replay.SleepShare.Verdict;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** When the replay's sending thread stays real-time: only while it can sleep through enough of its gaps. */
class SleepShareTest {
    static final long US = 1_000, MS = 1_000_000;

    /** Waits of {@code gap} one after another for {@code total} ns; the last verdict that was not KEEP, or KEEP. */
    static Verdict run(SleepShare s, long gap, long total, boolean realtime) {
        Verdict last = Verdict.KEEP;
        for (long t = 0; t <= total; t += gap) {
            Verdict v = s.observe(t, t + gap, realtime);
            if (v != Verdict.KEEP) last = v;
        }
        return last;
    }

    @Test
    void gapsTooShortToSleepInEndRealtimeAndLongOnesBringItBack() {
        // spin window half the wait, 20 to 200 µs: 100 k pps (10 µs gaps) cannot sleep at all; 1 k pps sleeps 80% of the time.
        assertEquals(Verdict.ORDINARY, run(new SleepShare(200 * US, 20 * US, 100 * MS, 0.2, 0.4), 10 * US, 150 * MS, true));
        assertEquals(Verdict.KEEP, run(new SleepShare(200 * US, 20 * US, 100 * MS, 0.2, 0.4), 1000 * US, 450 * MS, true));
        assertEquals(Verdict.REALTIME, run(new SleepShare(200 * US, 20 * US, 100 * MS, 0.2, 0.4), 1000 * US, 150 * MS, false));
        assertEquals(Verdict.KEEP, run(new SleepShare(200 * US, 20 * US, 100 * MS, 0.2, 0.4), 10 * US, 450 * MS, false));
    }

    @Test
    void tenThousandFramesASecondSleepHalfOfEachGapAndStayRealtime() {
        // 100 µs gaps: the window is 50 µs, so half of every gap is slept (a fixed 200 µs window slept none and demoted)
        assertEquals(50 * US, SleepShare.realtimeSpin(100 * US, 200 * US, 20 * US));
        assertEquals(200 * US, SleepShare.realtimeSpin(1000 * US, 200 * US, 20 * US));
        assertEquals(20 * US, SleepShare.realtimeSpin(10 * US, 200 * US, 20 * US));
        assertEquals(Verdict.KEEP, run(new SleepShare(200 * US, 20 * US, 100 * MS, 0.2, 0.4), 100 * US, 450 * MS, true));
        assertEquals(Verdict.REALTIME, run(new SleepShare(200 * US, 20 * US, 100 * MS, 0.2, 0.4), 100 * US, 150 * MS, false));
    }

    @Test
    void aShareBetweenTheThresholdsKeepsEitherMode() {
        // 28 µs gaps: a 20 µs window (the least), 8 µs of 28 sleepable: 0.29, between 0.2 and 0.4
        assertEquals(Verdict.KEEP, run(new SleepShare(200 * US, 20 * US, 100 * MS, 0.2, 0.4), 28 * US, 450 * MS, true));
        assertEquals(Verdict.KEEP, run(new SleepShare(200 * US, 20 * US, 100 * MS, 0.2, 0.4), 28 * US, 450 * MS, false));
    }

    @Test
    void nothingIsDecidedBeforeAWholeWindow() {
        SleepShare s = new SleepShare(200 * US, 20 * US, 100 * MS, 0.2, 0.4);
        assertEquals(Verdict.KEEP, run(s, 10 * US, 99 * MS, true));
        assertEquals(Verdict.ORDINARY, s.observe(100 * MS, 100 * MS + 10 * US, true));
    }
}
