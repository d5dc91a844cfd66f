package dev.cellscope.flow;

/**
 * One direction of a UTCP conversation ({@code src} sending to {@code dst}). Times and sizes count
 * the direction's own frames; NACK figures count the NACKs travelling back (dst → src) that ask
 * this direction for seqs. See docs/CSV.md for every column.
 *
 * @param src                    sender CellID, 32 lowercase hex digits
 * @param dst                    receiver CellID
 * @param stream                 {@code utcp.stream} of the conversation, {@link #NONE} if never reported
 * @param packets                frames src → dst
 * @param bytes                  their {@code frame.len}
 * @param payloadBytes           their {@code utcp.len}
 * @param dataPackets            DATA-flagged frames among them (copies included)
 * @param uniquePayloadBytes     {@code utcp.len} of DATA frames carrying a seq the tap had not seen before
 * @param nackPackets            NACK frames dst → src
 * @param nackedSeqs             sum of their ranges' counts
 * @param unrecoveredSeqs        seqs still open at the end: NACKed and not seen in a DATA frame after
 *                               the NACK, or skipped by a gap and never seen (a lower bound if
 *                               {@code unrecoveredOverflow})
 * @param retransmissionDelayP50Nanos median of {@code utcp.analysis.retransmission_delay}, or {@link #NONE}
 * @param retransmissionDelayP99Nanos 99th percentile, or {@link #NONE}
 */
public record UtcpFlowRow(String src, String dst, long stream, long firstNanos, long lastNanos, long firstFrame,
                          long lastFrame, long packets, long bytes, long payloadBytes, long dataPackets,
                          long uniquePayloadBytes, long nackPackets, long nackedSeqs, long retransmissions,
                          long outOfOrder, long duplicates, long gaps, long gapSeqs, long unrecoveredSeqs,
                          boolean unrecoveredOverflow, long retransmissionDelayP50Nanos,
                          long retransmissionDelayP99Nanos) implements FlowRow {

    @Override
    public FlowKind kind() {
        return FlowKind.UTCP;
    }

    /** Last minus first own frame, or {@link #NONE} when the direction sent nothing. */
    public long durationNanos() {
        return firstNanos == NONE ? NONE : lastNanos - firstNanos;
    }

    /** Unique DATA payload bits per second of duration, or null when the duration is zero. */
    public java.math.BigDecimal goodputBitsPerSecond() {
        return Rates.perSecond(uniquePayloadBytes * 8, durationNanos());
    }
}
