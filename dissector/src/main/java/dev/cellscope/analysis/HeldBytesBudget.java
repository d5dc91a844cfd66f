package dev.cellscope.analysis;

import java.util.LinkedHashSet;

/**
 * The capture-wide bound on out-of-order bytes held behind holes
 * ({@link AnalysisConfig#heldBytesBudget()}): the sum over every direction's {@link Reassembler},
 * and the directions waiting for a hole, oldest wait first, so that the oldest hole is the one
 * given up when the sum exceeds the budget. A direction's wait starts when its first hole opens,
 * and again for its next hole when one is given up (as its patience does).
 */
final class HeldBytesBudget {
    private final long budget;
    private long held;
    private final LinkedHashSet<UtcpAnalysis.Direction> waiting = new LinkedHashSet<>();

    HeldBytesBudget(long budget) {
        this.budget = budget;
    }

    long budget() {
        return budget;
    }

    /** Bytes held over all directions (with the per-segment overhead). */
    long held() {
        return held;
    }

    /** Takes in what {@code dir}'s reassembler holds now; a new wait goes to the back of the queue. */
    void update(UtcpAnalysis.Direction dir) {
        Reassembler r = dir.reassembler;
        held += r.pendingBytes() - dir.heldCounted;
        dir.heldCounted = r.pendingBytes();
        if (!r.hasHole()) {
            waiting.remove(dir);
        } else if (r.holeSerial() != dir.holeCounted) {
            dir.holeCounted = r.holeSerial();
            waiting.remove(dir);
            waiting.add(dir);
        }
    }

    /** A forgotten direction (its conversation was evicted): its bytes are no longer held. */
    void forget(UtcpAnalysis.Direction dir) {
        held -= dir.heldCounted;
        dir.heldCounted = 0;
        waiting.remove(dir);
    }

    /** The direction with the oldest hole while the budget is exceeded, else null. */
    UtcpAnalysis.Direction overBudget() {
        return held > budget && !waiting.isEmpty() ? waiting.getFirst() : null;
    }
}
