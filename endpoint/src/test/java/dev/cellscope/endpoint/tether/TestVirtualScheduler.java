package dev.cellscope.endpoint.tether;

import dev.cellscope.endpoint.core.Clock;
import dev.cellscope.endpoint.core.Scheduler;

import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;

/**
 * TEST DOUBLE: a minimal single-threaded virtual-time {@link Scheduler} for these tests only,
 * until core's VirtualScheduler lands. Tasks run in (time, submission) order; time jumps to
 * the next task. The clock starts at a plausible UTC instant so TAI64N labels look real.
 */
final class TestVirtualScheduler implements Scheduler {
    static final long EPOCH = 1_767_225_600_000_000_000L; // 2026-01-01T00:00:00Z

    private record Task(long at, long seq, Runnable run, boolean[] cancelled) { }

    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) ->
            a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private long now = EPOCH, seq;

    @Override
    public Clock clock() {
        return () -> now;
    }

    @Override
    public Cancellable schedule(long delayNanos, Runnable task) {
        boolean[] cancelled = {false};
        queue.add(new Task(now + Math.max(0, delayNanos), seq++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Runs tasks until {@code stop} holds, nothing is left, or virtual time passes {@code limitNanos} from now. */
    void runUntil(BooleanSupplier stop, long limitNanos) {
        long end = now + limitNanos;
        while (!stop.getAsBoolean() && !queue.isEmpty() && queue.peek().at <= end) {
            Task t = queue.poll();
            now = t.at;
            if (!t.cancelled[0]) t.run.run();
        }
    }

    long elapsed() {
        return now - EPOCH;
    }
}
