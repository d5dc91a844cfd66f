package dev.cellscope.flow;

/**
 * One direction of one Tether flow: {@code sender} sending to {@code target} on {@code flow}.
 * Grants and NACKs are those the target sent back for this flow. See docs/CSV.md.
 *
 * @param sender             Tether identity, {@code ac:1d:…}
 * @param target             Tether identity
 * @param flow               flow id (0 = control plane)
 * @param packets            frames sender → target on the flow (LAMP included)
 * @param bytes              their {@code frame.len}
 * @param blocks             their 64-byte Tether blocks (header included)
 * @param dataFrames         frames on flows 1–65535 with payload blocks (data slots, copies included)
 * @param grantsReceived     frames target → sender on this flow with a non-zero grant
 * @param grantBytesReceived sum of those grants
 * @param bytesSpent         sum of {@code tether.analysis.spent}
 * @param creditMin          lowest {@code tether.analysis.credit_after}, or {@link #NONE} if nothing was accounted
 * @param creditFinal        balance at the end: the last {@code credit_after} plus grants received since
 * @param nackSlotsSingleton singleton NACKs ({@code nack_slot}) of this flow from the target
 * @param nackSlotsBulk      slots listed in bulk Nacks for this flow from the target
 * @param slotsResent        frames flagged {@code tether.analysis.resent} (re-sends a NACK asked for)
 * @param manifest           {@code yes}, {@code no} (the last Manifest for the flow) or {@code none}
 * @param delayP50Nanos      median sender-to-tap delay, or {@link #NONE}
 * @param delayP99Nanos      99th percentile, or {@link #NONE}
 */
public record TetherFlowRow(String sender, String target, int flow, long firstNanos, long lastNanos, long firstFrame,
                            long lastFrame, long packets, long bytes, long blocks, long dataFrames, long grantsReceived,
                            long grantBytesReceived, long bytesSpent, long creditMin, long creditFinal, long overruns,
                            long lamps, long nackSlotsSingleton, long nackSlotsBulk, long slotsResent, String manifest,
                            long delayP50Nanos, long delayP99Nanos) implements FlowRow {

    @Override
    public FlowKind kind() {
        return FlowKind.TETHER;
    }

    public long durationNanos() {
        return firstNanos == NONE ? NONE : lastNanos - firstNanos;
    }
}
