package dev.cellscope.replay;

/**
 * Whether a real-time sending thread sleeps enough to stay real-time ({@link MonotonicClock}): over
 * windows of {@code window} ns it adds up the part of each wait that could be slept (the wait less the
 * real-time spin window), and at each window's end says whether the share of sleepable time calls for
 * real-time ({@code > promoteAbove}) or an ordinary thread ({@code < demoteBelow}); in between, the
 * current mode stays, so a rate near a threshold does not flap.
 */
final class SleepShare {
    enum Verdict { KEEP, REALTIME, ORDINARY }

    private final long spin, window;
    private final double demoteBelow, promoteAbove;
    private long windowStart = Long.MIN_VALUE, sleepable;

    SleepShare(long realtimeSpinNanos, long windowNanos, double demoteBelow, double promoteAbove) {
        this.spin = realtimeSpinNanos;
        this.window = windowNanos;
        this.demoteBelow = demoteBelow;
        this.promoteAbove = promoteAbove;
    }

    /** A wait from {@code now} until {@code deadline}, by a thread that is real-time or not. */
    Verdict observe(long now, long deadline, boolean realtime) {
        if (windowStart == Long.MIN_VALUE) windowStart = now;
        sleepable += Math.max(0, deadline - now - spin);
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
