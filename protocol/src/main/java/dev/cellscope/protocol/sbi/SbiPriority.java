package dev.cellscope.protocol.sbi;

import java.util.Locale;
import java.util.Optional;

/** BLOCK_WANT priority: 0 normal, 1 high, 2 critical; other values are not assigned. */
public enum SbiPriority {
    NORMAL(0), HIGH(1), CRITICAL(2);

    private final int value;

    SbiPriority(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** "normal", "high" or "critical". */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<SbiPriority> of(int value) {
        for (SbiPriority p : values()) if (p.value == value) return Optional.of(p);
        return Optional.empty();
    }
}
