package dev.cellscope.flow;

import dev.cellscope.field.SbiFields;

import java.math.BigDecimal;
import java.util.List;

/**
 * The UTCP-SBI messages between two peers, both directions together ({@code cellA} is the lower
 * CellID). Counts come from messages as conversation analysis delivers them (on the frame that
 * completes each). See docs/CSV.md.
 *
 * @param messagesByOp       messages per op, in the order of {@link #OPS}, then all other ops
 * @param handshake          {@code ok}, {@code missing_required_features} or {@code none} (no HANDSHAKE pair)
 * @param compression        algorithm chosen by the HANDSHAKE pair, or "" without one
 * @param putDataBytes       {@code sbi.put.data_len} of every BLOCK_PUT (as sent, compressed)
 * @param verifiedCompressedBytes   {@code data_len} of the verified BLOCK_PUTs
 * @param verifiedUncompressedBytes {@code sbi.put.uncompressed_len} of the verified BLOCK_PUTs
 * @param latencyP50Nanos    median {@code sbi.put.latency} (BLOCK_WANT → BLOCK_PUT), or {@link #NONE}
 * @param nacksByError       NACK messages per error code, in the order of {@link #ERRORS}, then unknown codes
 */
public record SbiFlowRow(String cellA, String cellB, long firstNanos, long lastNanos, long firstFrame, long lastFrame,
                         long messages, List<Long> messagesByOp, String handshake, String compression, long blocksWanted,
                         long blocksPut, long blocksVerified, long blocksFailed, long putDataBytes,
                         long verifiedCompressedBytes, long verifiedUncompressedBytes, long latencyP50Nanos,
                         long latencyP99Nanos, List<Long> nacksByError) implements FlowRow {

    /** Ops with a column of their own, in column order. */
    public static final List<Integer> OPS = List.of(0x01, 0x10, 0x11, 0x20, 0xF0, 0xF1);
    /** NACK error codes with a column of their own, in column order (1–8). */
    public static final List<Integer> ERRORS = List.of(1, 2, 3, 4, 5, 6, 7, 8);

    public SbiFlowRow {
        messagesByOp = List.copyOf(messagesByOp);
        nacksByError = List.copyOf(nacksByError);
        if (messagesByOp.size() != OPS.size() + 1 || nacksByError.size() != ERRORS.size() + 1) {
            throw new IllegalArgumentException("one count per op and per error code, plus other");
        }
    }

    @Override
    public FlowKind kind() {
        return FlowKind.SBI;
    }

    public long durationNanos() {
        return lastNanos - firstNanos;
    }

    /** Uncompressed over compressed bytes of the verified blocks, or null without any. */
    public BigDecimal compressionRatio() {
        return Rates.ratio(verifiedUncompressedBytes, verifiedCompressedBytes);
    }

    /** Lowercase op name for column names: {@code block_want}. */
    static String opName(int op) {
        return SbiFields.OP_NAMES.get((long) op).toLowerCase(java.util.Locale.ROOT);
    }

    static String errorName(int code) {
        return SbiFields.ERROR_NAMES.get((long) code);
    }
}
