package dev.cellscope.analysis;

import java.util.Set;

/**
 * Choices for conversation analysis.
 *
 * @param knownCellIds the user's address book as 32-hex-digit CellIDs; null when none was given
 *                     (then no "unknown CellID" findings are made)
 * @param verifyBlocks decompress and hash-check every BLOCK_PUT
 */
public record AnalysisConfig(Set<String> knownCellIds, boolean verifyBlocks) {

    public static AnalysisConfig defaults() {
        return new AnalysisConfig(null, true);
    }

    public AnalysisConfig withKnownCellIds(Set<String> ids) {
        return new AnalysisConfig(ids == null ? null : Set.copyOf(ids), verifyBlocks);
    }
}
