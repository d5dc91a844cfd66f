package dev.cellscope.replay;

import dev.cellscope.nativetap.process.TimerSlack;

import java.util.concurrent.locks.LockSupport;

/**
 * {@link System#nanoTime()} (CLOCK_MONOTONIC), waited on without drift: a long wait parks until
 * {@link #SPIN_NANOS} before the deadline, and the rest is spun. A parked thread wakes late: by
 * the kernel's timer slack (50 µs unless lowered, which the replay thread does: {@code TimerSlack})
 * and, on a busy machine, by however long the scheduler takes to give it a CPU again, which was
 * milliseconds on the 2-core test machine under load (bench/README.md). A spinning thread keeps its
 * CPU, so gaps under 2 ms are spun whole, as tcpreplay's default timer (gtod) spins every gap.
 * Gaps are never slept as such: every wait is for an absolute deadline, so a late wake-up is not
 * carried into the next frame's time.
 */
public final class MonotonicClock implements ReplayClock {
    /** How long before a deadline parking stops and spinning starts. */
    static final long SPIN_NANOS = 2_000_000;

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
