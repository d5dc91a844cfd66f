package dev.cellscope.replay;

import dev.cellscope.nativetap.process.CpuAffinity;
import dev.cellscope.nativetap.process.RealtimePriority;
import dev.cellscope.nativetap.process.TimerSlack;

import java.util.BitSet;
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
 *
 * <p>With a CPU of its own ({@code --cpu N}: the thread pinned to N, every other thread of the process moved
 * off it, {@link CpuAffinity}) the real-time spin window is half the wait, 20 to 500 µs
 * ({@link SleepShare#realtimeSpin}): at 10 k frames/s the thread sleeps half of each 100 µs gap and so stays
 * real-time, where the fixed window demoted it. Without a CPU of its own the window stays fixed: the half-gap
 * window, with the JVM's threads on the same CPU, stalled the sender for 950 ms at 10 k pps (two runs of two).
 */
public final class MonotonicClock implements ReplayClock {
    /** How long before a deadline parking stops and spinning starts, for an ordinary thread. */
    static final long SPIN_NANOS = 2_000_000;
    /** The same for a real-time thread: its wake-ups were up to about 150 µs late on the test machine under load. */
    static final long REALTIME_SPIN_NANOS = Long.getLong("cellscope.replay.rtSpinMicros", 200) * 1_000;
    /**
     * The longest real-time spin window with a CPU of its own: the thread need not leave that CPU to anyone, and
     * 500 µs was better than 200 in three of three paired runs at 1 k pps (own p99 5, 34, 13 µs against 16, 1008, 49).
     */
    static final long DEDICATED_SPIN_NANOS = Long.getLong("cellscope.replay.cpuSpinMicros", 500) * 1_000;
    /** The shortest real-time spin window: waits shorter than this are spun whole. */
    static final long REALTIME_MIN_SPIN_NANOS = Long.getLong("cellscope.replay.rtMinSpinMicros", 20) * 1_000;
    /** Lowest real-time priority but one: above every ordinary task, below the kernel's own real-time threads. */
    static final int REALTIME_PRIORITY = 2;
    /** How often the sleepable share is judged. */
    static final long WINDOW_NANOS = 100_000_000;
    /** Sleepable shares that turn real-time off and on again (apart, so a rate in between does not flap). */
    static final double DEMOTE_BELOW = 0.2, PROMOTE_ABOVE = 0.4;

    private final boolean wantRealtime;
    /** The CPU the thread keeps to itself, or -1. */
    private final int cpu;
    private BitSet othersCpus;
    private boolean realtime, everRealtime;
    private long spin = SPIN_NANOS;
    /** The real-time spin window's bounds ({@link SleepShare#realtimeSpin}): equal without a CPU of its own. */
    private long maxSpin = REALTIME_SPIN_NANOS, minSpin = REALTIME_SPIN_NANOS;
    private SleepShare share;
    private long demotions, promotions;
    /** A clock whose thread asks for real-time scheduling. */
    public MonotonicClock() {
        this(true);
    }

    /** @param realtime whether the waiting thread asks for real-time scheduling (false: {@code --no-realtime}) */
    public MonotonicClock(boolean realtime) {
        this(realtime, -1);
    }

    /**
     * @param realtime whether the waiting thread asks for real-time scheduling
     * @param cpu      the CPU the waiting thread gets to itself ({@code --cpu}), or -1 to leave affinities alone
     */
    public MonotonicClock(boolean realtime, int cpu) {
        this.wantRealtime = realtime;
        this.cpu = cpu;
    }

    @Override
    public void prepareThread() {
        TimerSlack.set(1_000);
        realtime = wantRealtime && RealtimePriority.fifo(REALTIME_PRIORITY);
        if (cpu >= 0) isolate(); // after: once alone on its CPU, the thread is already what it will be
        everRealtime = realtime;
        spin = realtime ? REALTIME_SPIN_NANOS : SPIN_NANOS;
        if (othersCpus != null) {
            maxSpin = DEDICATED_SPIN_NANOS;
            minSpin = REALTIME_MIN_SPIN_NANOS;
        }
        share = new SleepShare(maxSpin, minSpin, WINDOW_NANOS, DEMOTE_BELOW, PROMOTE_ABOVE);
        // The wait's own path, run before the schedule starts: its first run (classes loaded, the interpreter)
        // made the replay's second frame 0.6 ms late on veth. 64 waits of 20 µs, then the share forgets them.
        for (int k = 0; k < WARM_UP_WAITS; k++) awaitUntil(System.nanoTime() + 20_000);
        share = new SleepShare(maxSpin, minSpin, WINDOW_NANOS, DEMOTE_BELOW, PROMOTE_ABOVE);
    }

    private static final int WARM_UP_WAITS = 64;

    /** Ordinary scheduling for the calling thread: the sender when done, and a thread it started (which inherits the policy). */
    @Override
    public void releaseThread() {
        if (wantRealtime) RealtimePriority.normal();
        if (othersCpus != null) {
            try {
                CpuAffinity.pinCallingThread(othersCpus);
            } catch (CpuAffinity.AffinityException e) {
                throw new ReplayException("--cpu: " + e.getMessage());
            }
        }
    }

    /**
     * Why CPU {@code cpu} cannot be given to the sending thread (not online, or the only one online), or null. The
     * command asks before anything opens, so that a CPU it cannot have is a usage error like any other option's.
     */
    public static String cpuRefused(int cpu) {
        BitSet online = CpuAffinity.online();
        if (!online.get(cpu)) return "--cpu " + cpu + ": no such CPU online (online: " + online + ")";
        if (online.cardinality() == 1) return "--cpu " + cpu + ": it is the only CPU online; the other threads need another";
        return null;
    }

    /** This thread alone on {@link #cpu}; the process's other threads on every other online CPU. */
    private void isolate() {
        String refused = cpuRefused(cpu);
        if (refused != null) throw new ReplayException(refused);
        BitSet others = (BitSet) CpuAffinity.online().clone();
        others.clear(cpu);
        try {
            CpuAffinity.isolateCallingThread(cpu, others);
        } catch (CpuAffinity.AffinityException e) {
            throw new ReplayException("--cpu " + cpu + ": " + e.getMessage() + (e.errno == 22 ? " (not in this process's cpuset?)" : ""));
        }
        othersCpus = others;
    }

    /** Whether the thread has a CPU of its own ({@code --cpu}). */
    public boolean dedicated() {
        return othersCpus != null;
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
        long now = System.nanoTime();
        long window = realtime ? SleepShare.realtimeSpin(deadline - now, maxSpin, minSpin) : spin;
        while (true) {
            long left = deadline - now;
            if (left <= 0) return;
            if (left > window) LockSupport.parkNanos(left - window);
            else Thread.onSpinWait();
            now = System.nanoTime();
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
