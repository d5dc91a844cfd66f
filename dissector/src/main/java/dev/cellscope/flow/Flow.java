package dev.cellscope.flow;

/** A live row being accumulated; {@link #row()} freezes it when it is evicted or flushed. */
abstract sealed class Flow permits UtcpFlow, TetherFlow, SbiFlow {
    /** Capture time of the last frame that touched the row (own frames, NACKs and grants back). */
    long lastActive;
    /** First frame that touched the row: the end-of-capture flush is in this order. */
    final long createdAt;
    long firstNanos = FlowRow.NONE, lastNanos = FlowRow.NONE, firstFrame = FlowRow.NONE, lastFrame = FlowRow.NONE;

    Flow(long createdAt) {
        this.createdAt = createdAt;
    }

    /** Counts one of the row's own frames for its time span. */
    final void own(FrameFacts f) {
        if (firstNanos == FlowRow.NONE) {
            firstNanos = f.time;
            firstFrame = f.number;
        }
        lastNanos = f.time;
        lastFrame = f.number;
    }

    abstract FlowRow row();
}
