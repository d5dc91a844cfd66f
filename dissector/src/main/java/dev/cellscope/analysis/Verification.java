package dev.cellscope.analysis;

/** TEMPORARY until the block-verification branch lands (same shape as agreed). */
public record Verification(Outcome outcome, long compressedSize, long uncompressedSize, String detail) {
    public enum Outcome { VERIFIED, HASH_MISMATCH, UNSUPPORTED_COMPRESSION, TOO_LARGE, CORRUPT }

    public boolean verified() {
        return outcome == Outcome.VERIFIED;
    }
}
