package dev.cellscope.analysis;

import java.util.Set;

/**
 * Choices for conversation analysis.
 *
 * @param knownCellIds the user's address book as 32-hex-digit CellIDs; null when none was given
 *                     (then no "unknown CellID" findings are made)
 * @param verifyBlocks decompress and hash-check every BLOCK_PUT
 * @param parallelVerification verify on worker threads (results are waited for when shown);
 *                     otherwise on the analysing thread
 * @param heldBytesBudget out-of-order bytes held behind holes over the whole capture (each
 *                     direction is also capped at {@link Reassembler#MAX_PENDING_BYTES}); past it
 *                     the oldest hole is given up. {@link #DEFAULT_HELD_BYTES_BUDGET} unless set.
 */
public record AnalysisConfig(Set<String> knownCellIds, boolean verifyBlocks, boolean parallelVerification,
                             long heldBytesBudget) {

    /**
     * 64 MiB: room for 16 directions each held at the per-direction cap of 4 MiB, and a third of
     * the 192 MB heap the launcher gives single-pass {@code read}/{@code stats}/{@code plot}
     * (scripts/env.sh, to keep their anonymous memory under 300 MB), leaving the rest of the
     * analysis its room. A fixed figure, not a share of the heap, so that the same capture gives
     * the same findings on every machine and in one pass or two.
     */
    public static final long DEFAULT_HELD_BYTES_BUDGET = 64L << 20;

    public AnalysisConfig {
        if (heldBytesBudget < 0) throw new IllegalArgumentException("heldBytesBudget " + heldBytesBudget);
    }

    public AnalysisConfig(Set<String> knownCellIds, boolean verifyBlocks, boolean parallelVerification) {
        this(knownCellIds, verifyBlocks, parallelVerification, DEFAULT_HELD_BYTES_BUDGET);
    }

    public AnalysisConfig(Set<String> knownCellIds, boolean verifyBlocks) {
        this(knownCellIds, verifyBlocks, false);
    }

    public static AnalysisConfig defaults() {
        return new AnalysisConfig(null, true, false);
    }

    public AnalysisConfig withKnownCellIds(Set<String> ids) {
        return new AnalysisConfig(ids == null ? null : Set.copyOf(ids), verifyBlocks, parallelVerification, heldBytesBudget);
    }

    public AnalysisConfig withParallelVerification(boolean parallel) {
        return new AnalysisConfig(knownCellIds, verifyBlocks, parallel, heldBytesBudget);
    }

    /** Without block verification (a first pass only finds links), everything else kept. */
    public AnalysisConfig withoutVerification() {
        return new AnalysisConfig(knownCellIds, false, false, heldBytesBudget);
    }

    public AnalysisConfig withHeldBytesBudget(long bytes) {
        return new AnalysisConfig(knownCellIds, verifyBlocks, parallelVerification, bytes);
    }
}
