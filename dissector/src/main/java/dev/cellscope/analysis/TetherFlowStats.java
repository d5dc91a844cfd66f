package dev.cellscope.analysis;

/**
 * Immutable snapshot of one direction of one flow: {@code sender} sending to {@code target} on
 * {@code flow}, for the flow table. NACK counts describe slots of this flow that the target
 * asked to have re-sent; grants are those the target gave this sender for this flow.
 *
 * @param packets             frames sent on this flow (LAMP included)
 * @param bytes               their Tether bytes (header + payload blocks)
 * @param blocks              their 64-byte blocks ({@code bytes / 64})
 * @param dataFrames          frames carrying a data slot (flows 1–65535 with payload), retransmissions included
 * @param distinctSlots       distinct slots among them (a lower bound if slot tracking was capped)
 * @param grantsReceived      headers from the target that carried a non-zero grant for this flow
 * @param grantBytesReceived  sum of those grants (saturating)
 * @param bytesSpent          bytes spent from credit (non-LAMP frames)
 * @param creditMin           lowest balance reached, the initial 0 included
 * @param creditFinal         balance now
 * @param overruns            frames sent with too little credit
 * @param lamps               LAMP-flagged frames sent
 * @param nackSlotsSingleton  singleton NACKs ({@code nack_slot}) of this flow received from the target
 * @param nackSlotsBulk       slots listed in bulk Nacks of this flow received from the target
 * @param slotsResent         re-sends: data frames whose slot an earlier NACK asked for (seen by the tap before or not)
 * @param nacksOutstanding    NACKed slots not re-sent yet
 * @param manifest            whether the last Manifest for this flow matched what the tap saw
 * @param delayP50Nanos       median sender-to-tap delay, {@link #NO_VALUE} without send times
 * @param delayP99Nanos       99th percentile sender-to-tap delay, {@link #NO_VALUE} without send times
 * @param firstTimestampNanos capture time of the first frame sent, {@link #NO_VALUE} if none
 * @param lastTimestampNanos  capture time of the last frame sent, {@link #NO_VALUE} if none
 */
public record TetherFlowStats(long sender, long target, int flow, long packets, long bytes, long blocks,
                              long dataFrames, long distinctSlots, long grantsReceived, long grantBytesReceived,
                              long bytesSpent, long creditMin, long creditFinal, long overruns, long lamps,
                              long nackSlotsSingleton, long nackSlotsBulk, long slotsResent, long nacksOutstanding,
                              ManifestMatch manifest, long delayP50Nanos, long delayP99Nanos,
                              long firstTimestampNanos, long lastTimestampNanos) {

    /** Absent delay or timestamp. */
    public static final long NO_VALUE = Long.MIN_VALUE;

    /** Outcome of the last Manifest for a flow. */
    public enum ManifestMatch { YES, NO, NONE }
}
