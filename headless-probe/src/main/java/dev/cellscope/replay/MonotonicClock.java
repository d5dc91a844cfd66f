package dev.cellscope.replay;

import dev.cellscope.nativetap.process.RealtimePriority;
import dev.cellscope.nativetap.process.TimerSlack;

import java.util.concurrent.locks.LockSupport;

/**
 * {@link System#nanoTime()} (CLOCK_MONOTONIC), waited on without drift: a wait parks until a spin
 * window before the deadline, and spins the rest. Every wait is for an absolute deadline, so a late
 * wake-up is not carried into the next frame's time.
 *
 * <p>How long the spin window must be depends on how soon a parked thread runs again after its timer
 * fires. An ordinary thread on a busy machine woke milliseconds late (bench/README.md), so it spins the
 * last {@link #SPIN_NANOS} (gaps under 2 ms are spun whole, as tcpreplay's default timer, gtod, spins every
 * gap), and still loses its CPU to other tasks now and then. The replaying thread therefore asks for
 * real-time scheduling (SCHED_FIFO, {@link RealtimePriority}; root or CAP_SYS_NICE): no ordinary task
 * can then take its CPU, a wake-up is late by microseconds to tens of them, and the window is
 * {@link #REALTIME_SPIN_NANOS}.
 *
 * <p>A real-time thread must sleep, though: one that holds its CPU without a pause starves the ordinary
 * tasks there, and the kernel then gives them 50 ms of each second back (a 50 ms hole in the
 * schedule, measured at 10 k and 100 k pps). So the clock watches, over windows of
 * {@link #WINDOW_NANOS}, which share of the time it could sleep (waits longer than the real-time window,
 * less the window): under {@link #DEMOTE_BELOW} the thread goes back to ordinary scheduling and the long
 * window (the gaps are too short to sleep in: high rates spin, as tcpreplay does), over
 * {@link #PROMOTE_ABOVE} it is real-time again. The timer slack is 1 µs instead of 50 ({@code TimerSlack}).
 */
public final class MonotonicClock implements ReplayClock {
    /** How long before a deadline parking stops and spinning starts, for an ordinary thread. */
    static final long SPIN_NANOS = 2_000_000;
    /** The same for a real-time thread: its wake-ups were up to about 150 µs late on the test machine under load. */
    static final long REALTIME_SPIN_NANOS = Long.getLong("cellscope.replay.rtSpinMicros", 200) * 1_000;
    /** Lowest real-time priority but one: above every ordinary task, below the kernel's own real-time threads. */
    static final int REALTIME_PRIORITY = 2;
    /** How often the sleepable share is judged. */
    static final long WINDOW_NANOS = 100_000_000;
    /** Sleepable shares that turn real-time off and on again (apart, so a rate in between does not flap). */
    static final double DEMOTE_BELOW = 0.2, PROMOTE_ABOVE = 0.4;

    private final boolean wantRealtime;
    private boolean realtime, everRealtime;
    private long spin = SPIN_NANOS;
    private SleepShare share;
    private long demotions, promotions;
    /** A clock whose thread asks for real-time scheduling. */
    public MonotonicClock() {
        this(true);
    }

    /** @param realtime whether the waiting thread asks for real-time scheduling (false: {@code --no-realtime}) */
    public MonotonicClock(boolean realtime) {
        this.wantRealtime = realtime;
    }

    @Override
    public void prepareThread() {
        TimerSlack.set(1_000);
        realtime = wantRealtime && RealtimePriority.fifo(REALTIME_PRIORITY);
        everRealtime = realtime;
        spin = realtime ? REALTIME_SPIN_NANOS : SPIN_NANOS;
        share = new SleepShare(REALTIME_SPIN_NANOS, WINDOW_NANOS, DEMOTE_BELOW, PROMOTE_ABOVE);
    }

    /** Ordinary scheduling for the calling thread: the sender when done, and a thread it started (which inherits the policy). */
    @Override
    public void releaseThread() {
        if (wantRealtime) RealtimePriority.normal();
    }

    /** Whether the thread that keeps the schedule got real-time scheduling at all (after {@link #prepareThread}). */
    public boolean realtime() {
        return everRealtime;
    }

    /** How often the thread left real-time scheduling (gaps too short to sleep in), and went back to it. */
    public long demotions() {
        return demotions;
    }

    public long promotions() {
        return promotions;
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void awaitUntil(long deadline) {
        if (everRealtime) judge(deadline);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return;
            if (left > spin) LockSupport.parkNanos(left - spin);
            else Thread.onSpinWait();
        }
    }

    /** Real-time for the next waits or not, by the share of time the last window's waits could sleep. */
    private void judge(long deadline) {
        switch (share.observe(System.nanoTime(), deadline, realtime)) {
            case ORDINARY -> {
                RealtimePriority.normal();
                realtime = false;
                spin = SPIN_NANOS;
                demotions++;
            }
            case REALTIME -> {
                if (RealtimePriority.fifo(REALTIME_PRIORITY)) {
                    realtime = true;
                    spin = REALTIME_SPIN_NANOS;
                    promotions++;
                }
            }
            case KEEP -> {}
        }
    }
}
