package dev.cellscope.protocol.sbi;

import java.util.List;
import java.util.Optional;

/**
 * BLOCK_PUT comp_algo values: 0 none, 1 deflate (zlib-wrapped RFC 1950 stream), 2 zstd (frame
 * format); 3–14 are reserved and 15 is experimental, and a receiver rejects 3–15. A sender
 * prefers zstd, then deflate, then none ({@link #PREFERENCE}), at the level it names here.
 */
public enum SbiCompression {
    NONE(0, "none", 0, 0),
    DEFLATE(1, "deflate", SbiCapability.HAS_DEFLATE.mask(), 6),
    ZSTD(2, "zstd", SbiCapability.HAS_ZSTD.mask(), 3),
    /** Named so it can be shown; never supported. */
    EXPERIMENTAL(15, "experimental", 0, 0);


    /** What a sender picks from the common capabilities, best first. */
    public static final List<SbiCompression> PREFERENCE = List.of(ZSTD, DEFLATE, NONE);

    private final int id;
    private final String wireName;
    private final long capability;
    private final int senderLevel;

    SbiCompression(int id, String wireName, long capability, int senderLevel) {
        this.id = id;
        this.wireName = wireName;
        this.capability = capability;
        this.senderLevel = senderLevel;
    }

    /** The comp_algo value. */
    public int id() {
        return id;
    }

    /** "none", "deflate", "zstd" or "experimental". */
    public String wireName() {
        return wireName;
    }

    /** The HANDSHAKE capability bit that announces it; 0 for none (always allowed) and experimental. */
    public long capability() {
        return capability;
    }

    /** The level this project's sender compresses at (zstd 3, deflate 6; 0 where there is none). */
    public int senderLevel() {
        return senderLevel;
    }

    /** True for none, deflate and zstd: the algorithms a receiver decompresses. */
    public boolean supported() {
        return this != EXPERIMENTAL;
    }

    /** The named algorithm with this comp_algo; empty for the reserved and unknown values. */
    public static Optional<SbiCompression> of(int id) {
        for (SbiCompression c : values()) if (c.id == id) return Optional.of(c);
        return Optional.empty();
    }

    /** True for comp_algo 3–14. */
    public static boolean reserved(int id) {
        return id >= 3 && id <= 14;
    }

    /** The algorithm a sender picks for {@code commonCapabilities}: zstd, then deflate, then none. */
    public static SbiCompression choose(long commonCapabilities) {
        for (SbiCompression c : PREFERENCE) {
            if (c.capability == 0 || (commonCapabilities & c.capability) != 0) return c;
        }
        return NONE;
    }

    /**
     * Whether capability bits {@code capabilities} allow comp_algo {@code id}: none always, deflate
     * and zstd when their bit is set, nothing else.
     */
    public static boolean allowedBy(long capabilities, int id) {
        return of(id).filter(SbiCompression::supported)
                .map(c -> c.capability == 0 || (capabilities & c.capability) != 0).orElse(false);
    }
}
