package dev.cellscope.endpoint.core;

/**
 * Runs the stack's timers (reorder windows, retransmission and close timeouts) and delivers
 * its frames on one thread, in time order. The protocol logic never sleeps, spawns threads or
 * reads the wall clock: it asks this, so the same code runs in real time on sockets and in
 * virtual time over a simulated wire, reproducibly for a seed.
 */
public interface Scheduler {

    Clock clock();

    /** Runs {@code task} on the scheduler's thread {@code delayNanos} from now; returns a handle to cancel it. */
    Cancellable schedule(long delayNanos, Runnable task);

    /** Runs {@code task} on the scheduler's thread as soon as possible (after what is already due). */
    default void execute(Runnable task) {
        schedule(0, task);
    }

    /** A scheduled task that can be withdrawn. */
    @FunctionalInterface
    interface Cancellable {
        /** Withdraws the task if it has not run; harmless otherwise. */
        void cancel();
    }
}
