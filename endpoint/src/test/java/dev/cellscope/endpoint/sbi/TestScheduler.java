package dev.cellscope.endpoint.sbi;

import dev.cellscope.endpoint.core.Clock;
import dev.cellscope.endpoint.core.Scheduler;

import java.util.PriorityQueue;

/** A single-threaded virtual-time scheduler for tests: tasks run in (time, submission) order when asked. */
final class TestScheduler implements Scheduler {
    private record Task(long at, long seq, Runnable run, boolean[] cancelled) {}

    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) ->
            a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private long now, seq;

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

    /** Runs tasks until none is left; returns how many ran. */
    int runUntilIdle() {
        int n = 0;
        while (!queue.isEmpty()) {
            if (++n > 50_000_000) throw new IllegalStateException("scheduler does not go idle");
            Task t = queue.poll();
            now = t.at;
            if (!t.cancelled[0]) t.run.run();
        }
        return n;
    }
}
