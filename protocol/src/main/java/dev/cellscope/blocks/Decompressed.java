package dev.cellscope.blocks;

import java.lang.foreign.MemorySegment;

/**
 * Result of {@link BlockCodec#decompress}: either the uncompressed bytes or why there are
 * none.
 *
 * <p>On success {@code data} views the verifier's reused output buffer (for comp_algo 0, the
 * caller's own input): it is valid only until the next call on the same verifier, so copy it
 * to keep it. On failure {@code data} is null and {@code failure} says why, with the same
 * outcome ({@link Verification.Outcome#UNSUPPORTED_COMPRESSION},
 * {@link Verification.Outcome#TOO_LARGE} or {@link Verification.Outcome#CORRUPT}) and detail
 * sentence that {@link BlockCodec#verify} would report.
 *
 * @param data    the uncompressed bytes, or null on failure
 * @param failure null on success
 */
public record Decompressed(MemorySegment data, Verification failure) {

    public Decompressed {
        if ((data == null) == (failure == null)) {
            throw new IllegalArgumentException("exactly one of data and failure must be set");
        }
    }

    /** True when {@link #data()} holds the uncompressed bytes. */
    public boolean ok() {
        return failure == null;
    }

    /** Uncompressed size on success, else what {@link Verification#uncompressedSize()} says. */
    public long uncompressedSize() {
        return data != null ? data.byteSize() : failure.uncompressedSize();
    }
}
