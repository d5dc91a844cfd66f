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
 */
public record AnalysisConfig(Set<String> knownCellIds, boolean verifyBlocks, boolean parallelVerification) {

    public AnalysisConfig(Set<String> knownCellIds, boolean verifyBlocks) {
        this(knownCellIds, verifyBlocks, false);
    }

    public static AnalysisConfig defaults() {
        return new AnalysisConfig(null, true, false);
    }

    public AnalysisConfig withKnownCellIds(Set<String> ids) {
        return new AnalysisConfig(ids == null ? null : Set.copyOf(ids), verifyBlocks, parallelVerification);
    }

    public AnalysisConfig withParallelVerification(boolean parallel) {
        return new AnalysisConfig(knownCellIds, verifyBlocks, parallel);
    }
}
