package dev.cellscope.flow;

/**
 * A finished row of the flow table. Absent numbers (no sample, zero duration) are
 * {@link #NONE}; the CSV writes them as empty cells.
 */
public sealed interface FlowRow permits UtcpFlowRow, TetherFlowRow, SbiFlowRow {
    /** An absent value. */
    long NONE = Long.MIN_VALUE;

    FlowKind kind();

    /** Capture time (epoch ns) of the first frame counted in the row. */
    long firstNanos();

    /** Capture time (epoch ns) of the last frame counted in the row. */
    long lastNanos();

    /** Number of the first frame counted in the row. */
    long firstFrame();

    /** Number of the last frame counted in the row. */
    long lastFrame();
}
