package dev.cellscope.replay;

/**
 * Whether a real-time sending thread sleeps enough to stay real-time ({@link MonotonicClock}): over
 * windows of {@code window} ns it adds up the part of each wait that could be slept (the wait less its
 * real-time spin window, {@link #realtimeSpin}), and at each window's end says whether the share of sleepable
 * time calls for real-time ({@code > promoteAbove}) or an ordinary thread ({@code < demoteBelow}); in between,
 * the current mode stays, so a rate near a threshold does not flap.
 */
final class SleepShare {
    enum Verdict { KEEP, REALTIME, ORDINARY }

    private final long maxSpin, minSpin, window;
    private final double demoteBelow, promoteAbove;
    private long windowStart = Long.MIN_VALUE, sleepable;

    SleepShare(long maxSpinNanos, long minSpinNanos, long windowNanos, double demoteBelow, double promoteAbove) {
        this.maxSpin = maxSpinNanos;
        this.minSpin = minSpinNanos;
        this.window = windowNanos;
        this.demoteBelow = demoteBelow;
        this.promoteAbove = promoteAbove;
    }

    /**
     * How long before its deadline a real-time thread with {@code left} ns to wait stops parking and spins: half
     * the wait, at least {@code minSpin} (shorter waits are spun whole) and at most {@code maxSpin} (the latest
     * wake-up expected); {@code minSpin == maxSpin} makes it a fixed window. Half, so that a thread with a CPU of its
     * own at 10 k frames/s (100 µs gaps) still sleeps half of each gap: the ordinary tasks left on its CPU then run
     * in those halves and the kernel never has to stop the real-time thread for them (a 50 ms hole in the
     * schedule), which it did with a fixed 200 µs window (never sleeping).
     */
    static long realtimeSpin(long left, long maxSpin, long minSpin) {
        return Math.min(maxSpin, Math.max(minSpin, left / 2));
    }

    /** A wait from {@code now} until {@code deadline}, by a thread that is real-time or not. */
    Verdict observe(long now, long deadline, boolean realtime) {
        if (windowStart == Long.MIN_VALUE) windowStart = now;
        long left = deadline - now;
        sleepable += Math.max(0, left - realtimeSpin(left, maxSpin, minSpin));
        long span = now - windowStart;
        if (span < window) return Verdict.KEEP;
        double share = (double) sleepable / span;
        windowStart = now;
        sleepable = 0;
        if (realtime && share < demoteBelow) return Verdict.ORDINARY;
        if (!realtime && share > promoteAbove) return Verdict.REALTIME;
        return Verdict.KEEP;
    }
}
