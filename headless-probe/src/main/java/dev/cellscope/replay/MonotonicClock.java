package dev.cellscope.replay;

import dev.cellscope.nativetap.process.TimerSlack;

import java.util.concurrent.locks.LockSupport;

/**
 * {@link System#nanoTime()} (CLOCK_MONOTONIC), waited on without drift: a long wait parks until a
 * little before the deadline, and the last {@link #SPIN_NANOS} are spun, because a parked thread
 * wakes some microseconds late (more with the kernel's default 50 µs timer slack, which the
 * replay thread lowers: {@code TimerSlack}). Gaps are never slept as such: every wait is for an
 * absolute deadline, so a late wake-up is not carried into the next frame's time.
 */
public final class MonotonicClock implements ReplayClock {
    /** How long before a deadline parking stops and spinning starts. */
    static final long SPIN_NANOS = 60_000;

    /** Timer slack of 1 µs instead of 50: a park ends close enough to the spin window's start. */
    @Override
    public void prepareThread() {
        TimerSlack.set(1_000);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void awaitUntil(long deadline) {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return;
            if (left > SPIN_NANOS) LockSupport.parkNanos(left - SPIN_NANOS);
            else Thread.onSpinWait();
        }
    }
}
