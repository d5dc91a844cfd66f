package dev.cellscope.replay;

/** The monotonic clock a replay keeps its schedule by; tests give a fake one. */
public interface ReplayClock {

    /** Now, in nanoseconds on a monotonic scale (only differences mean anything). */
    long nanoTime();

    /** Returns at {@code deadline} (a {@link #nanoTime()} value) or just after; at once when it has passed. */
    void awaitUntil(long deadline);

    /** Readies the calling thread, which keeps the schedule, for timed waits (nothing by default). */
    default void prepareThread() {}

    /**
     * Undoes {@link #prepareThread} for the calling thread: the sender's when the replay ends, and the reader's,
     * which a prepared thread started and which would otherwise inherit what it was given (nothing by default).
     */
    default void releaseThread() {}
}
