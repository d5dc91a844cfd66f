package dev.cellscope.protocol.sbi;

import java.util.ArrayList;
import java.util.List;

/** HANDSHAKE capability bits: 0 HAS_DEFLATE, 1 HAS_ZSTD, 2 HAS_DEDUP, 3 HAS_RECOMPRESS; 4–31 reserved (must be 0). */
public enum SbiCapability {
    HAS_DEFLATE(0), HAS_ZSTD(1), HAS_DEDUP(2), HAS_RECOMPRESS(3);

    /** Bits 4–31. */
    public static final long RESERVED = 0xFFFF_FFF0L;

    private final int bit;

    SbiCapability(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    public long mask() {
        return 1L << bit;
    }

    /** The wire name, e.g. "HAS_ZSTD". */
    public String label() {
        return name();
    }

    /** True when {@code bits} has this capability. */
    public boolean in(long bits) {
        return (bits & mask()) != 0;
    }

    /** The capability of bit {@code bit}, or null for a reserved bit. */
    public static SbiCapability ofBit(int bit) {
        for (SbiCapability c : values()) if (c.bit == bit) return c;
        return null;
    }

    /** The named capabilities set in {@code bits}, in bit order (reserved bits are not named). */
    public static List<SbiCapability> setIn(long bits) {
        List<SbiCapability> out = new ArrayList<>(4);
        for (SbiCapability c : values()) if (c.in(bits)) out.add(c);
        return out;
    }
}
