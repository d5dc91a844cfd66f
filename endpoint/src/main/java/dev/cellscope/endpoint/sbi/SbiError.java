package dev.cellscope.endpoint.sbi;

import dev.cellscope.protocol.sbi.SbiErrorCode;

import java.util.Optional;

/**
 * The NACK error codes (PROTOCOLS.md section 4, values from {@link SbiErrorCode}) and whether
 * this peer closes the connection after sending each. The spec mandates closing for a bad frame size and missing features; the
 * rest is this peer's policy: close when the stream can no longer be trusted (a container that
 * breaks its own schema, a block that would inflate past the bound), keep going when one message
 * was refused but framing and state are intact.
 */
public enum SbiError {
    INVALID_FRAME_SIZE(SbiErrorCode.INVALID_FRAME_SIZE, true),
    MISSING_REQUIRED_FEATURES(SbiErrorCode.MISSING_REQUIRED_FEATURES, true),
    UNKNOWN_SCHEMA(SbiErrorCode.UNKNOWN_SCHEMA, false),
    HASH_MISMATCH(SbiErrorCode.HASH_MISMATCH, false),
    UNKNOWN_OP(SbiErrorCode.UNKNOWN_OP, false),
    UNSUPPORTED_COMPRESSION(SbiErrorCode.UNSUPPORTED_COMPRESSION, false),
    BLOCK_NOT_FOUND(SbiErrorCode.BLOCK_NOT_FOUND, false),
    MALFORMED_CONTAINER(SbiErrorCode.MALFORMED_CONTAINER, true);

    private final SbiErrorCode error;
    private final boolean closes;

    SbiError(SbiErrorCode error, boolean closes) {
        this.error = error;
        this.closes = closes;
    }

    /** The vocabulary's error code. */
    public SbiErrorCode error() {
        return error;
    }

    public int code() {
        return error.code();
    }

    /** The wire name (the NACK's error string), e.g. {@code hash_mismatch}. */
    public String wireName() {
        return error.wireName();
    }

    /** True when this peer closes the connection after sending this NACK. */
    public boolean closes() {
        return closes;
    }

    /** The peer's entry for the vocabulary's {@code error}. */
    public static SbiError of(SbiErrorCode error) {
        for (SbiError e : values()) if (e.error == error) return e;
        throw new IllegalArgumentException("no SbiError for " + error);
    }

    public static Optional<SbiError> ofCode(int code) {
        for (SbiError e : values()) if (e.code() == code) return Optional.of(e);
        return Optional.empty();
    }
}
