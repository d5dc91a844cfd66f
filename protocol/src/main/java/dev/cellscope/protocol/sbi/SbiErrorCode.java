package dev.cellscope.protocol.sbi;

import java.util.Locale;
import java.util.Optional;

/** NACK error codes; a NACK's error string is the code's name ({@link #wireName()}). */
public enum SbiErrorCode {
    INVALID_FRAME_SIZE(1),
    MISSING_REQUIRED_FEATURES(2),
    UNKNOWN_SCHEMA(3),
    HASH_MISMATCH(4),
    UNKNOWN_OP(5),
    UNSUPPORTED_COMPRESSION(6),
    BLOCK_NOT_FOUND(7),
    MALFORMED_CONTAINER(8);

    private final int code;
    private final String wireName;

    SbiErrorCode(int code) {
        this.code = code;
        this.wireName = name().toLowerCase(Locale.ROOT);
    }

    /** The error_code value. */
    public int code() {
        return code;
    }

    /** The error string, e.g. {@code hash_mismatch}. */
    public String wireName() {
        return wireName;
    }

    public static Optional<SbiErrorCode> of(int code) {
        for (SbiErrorCode e : values()) if (e.code == code) return Optional.of(e);
        return Optional.empty();
    }
}
