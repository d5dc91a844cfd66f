package dev.cellscope.endpoint.core;

import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;

/**
 * A {@link Scheduler} in virtual time: tasks run in time order (FIFO among equal times) only when
 * the caller drives it, and the clock jumps from task to task. Single-threaded: the driver and the
 * tasks share the caller's thread, so a simulation is reproducible for a seed.
 */
public final class VirtualScheduler implements Scheduler {

    private static final class Task implements Cancellable {
        final long at;
        final long order;
        final Runnable body;
        boolean cancelled;

        Task(long at, long order, Runnable body) {
            this.at = at;
            this.order = order;
            this.body = body;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) ->
            a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
    private long now;
    private long nextOrder;
    private long tasksRun;

    public VirtualScheduler() {
        this(0);
    }

    /** Starts the virtual clock at {@code startNanos}. */
    public VirtualScheduler(long startNanos) {
        this.now = startNanos;
    }

    @Override
    public Clock clock() {
        return () -> now;
    }

    public long now() {
        return now;
    }

    /** Tasks run so far (a cost measure for tests and benchmarks). */
    public long tasksRun() {
        return tasksRun;
    }

    @Override
    public Cancellable schedule(long delayNanos, Runnable task) {
        Task t = new Task(now + Math.max(0, delayNanos), nextOrder++, task);
        queue.add(t);
        return t;
    }

    /** Runs tasks until none is left; returns how many ran. Timers that re-arm forever make this loop forever. */
    public long runUntilIdle() {
        long ran = 0;
        while (runNext(Long.MAX_VALUE)) ran++;
        return ran;
    }

    /** Runs every task due within {@code nanos} from now, then sets the clock to that moment. */
    public void runFor(long nanos) {
        long end = now + nanos;
        while (runNext(end)) {
            // keep going
        }
        now = Math.max(now, end);
    }

    /**
     * Runs tasks until {@code done} holds (checked before each task) or the clock would pass
     * {@code maxNanos} from now; returns whether {@code done} holds.
     */
    public boolean runUntil(BooleanSupplier done, long maxNanos) {
        long end = now + maxNanos;
        while (!done.getAsBoolean()) {
            if (!runNext(end)) {
                if (queue.isEmpty() || peekLive() == null) return done.getAsBoolean();
                now = Math.max(now, end);
                return done.getAsBoolean();
            }
        }
        return true;
    }

    /** Whether any live task is queued. */
    public boolean idle() {
        return peekLive() == null;
    }

    private Task peekLive() {
        Task t;
        while ((t = queue.peek()) != null && t.cancelled) queue.poll();
        return t;
    }

    private boolean runNext(long notAfter) {
        Task t = peekLive();
        if (t == null || t.at > notAfter) return false;
        queue.poll();
        now = Math.max(now, t.at);
        tasksRun++;
        t.body.run();
        return true;
    }
}
