package dev.cellscope.cli;

import dev.cellscope.analysis.SbiAnalysis;

/** The block check used by the analysis (decompress + BLAKE3). */
final class Verifiers {
    private Verifiers() {}

    static SbiAnalysis.BlockCheck shared() {
        return null; // wired to BlockVerifier when block verification lands
    }
}
