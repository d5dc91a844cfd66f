package dev.cellscope.blocks;

import java.util.Objects;

/**
 * What {@link BlockCodec} found for one BLOCK_PUT's DATA (PROTOCOLS.md section 4).
 *
 * @param outcome          the verdict
 * @param compressedSize   length of DATA as carried on the wire
 * @param uncompressedSize bytes the data decompressed to; for {@link Outcome#TOO_LARGE} the
 *                         size declared or reached before decompression stopped (e.g. the
 *                         limit + 1), and -1 when nothing is known (unsupported or corrupt data)
 * @param detail           one human sentence for the expert finding, e.g. "BLAKE3 of the 65536
 *                         uncompressed bytes is 3f2a…, block_hash says 9bc1…"; never null
 */
public record Verification(Outcome outcome, long compressedSize, long uncompressedSize, String detail) {

    /** The verdict on a block. */
    public enum Outcome {
        /** BLAKE3 of the uncompressed bytes equals block_hash. */
        VERIFIED,
        /** The data decompressed fine but its BLAKE3 differs from block_hash. */
        HASH_MISMATCH,
        /** comp_algo is reserved (3–14), experimental (15) or not a known value: rejected. */
        UNSUPPORTED_COMPRESSION,
        /** The block inflates (or declares that it inflates) beyond the limit: rejected, not allocated. */
        TOO_LARGE,
        /** The compressed data is not a valid stream of its comp_algo. */
        CORRUPT
    }

    public Verification {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(detail, "detail");
    }

    /** True only for {@link Outcome#VERIFIED}. */
    public boolean verified() {
        return outcome == Outcome.VERIFIED;
    }
}
