package dev.cellscope.endpoint.sbi;

import dev.cellscope.field.SbiFields;

import java.util.Optional;

/**
 * The NACK error codes (PROTOCOLS.md section 4) and whether this peer closes the connection
 * after sending each. The spec mandates closing for a bad frame size and missing features; the
 * rest is this peer's policy: close when the stream can no longer be trusted (a container that
 * breaks its own schema, a block that would inflate past the bound), keep going when one message
 * was refused but framing and state are intact.
 */
public enum SbiError {
    INVALID_FRAME_SIZE(1, true),
    MISSING_REQUIRED_FEATURES(2, true),
    UNKNOWN_SCHEMA(3, false),
    HASH_MISMATCH(4, false),
    UNKNOWN_OP(5, false),
    UNSUPPORTED_COMPRESSION(6, false),
    BLOCK_NOT_FOUND(7, false),
    MALFORMED_CONTAINER(8, true);

    private final int code;
    private final boolean closes;

    SbiError(int code, boolean closes) {
        this.code = code;
        this.closes = closes;
    }

    public int code() {
        return code;
    }

    /** The wire name (the NACK's error string), e.g. {@code hash_mismatch}. */
    public String wireName() {
        return SbiFields.ERROR_NAMES.get((long) code);
    }

    /** True when this peer closes the connection after sending this NACK. */
    public boolean closes() {
        return closes;
    }

    public static Optional<SbiError> ofCode(int code) {
        for (SbiError e : values()) if (e.code == code) return Optional.of(e);
        return Optional.empty();
    }
}
