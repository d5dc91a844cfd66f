package dev.cellscope.flow;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Exact decimal arithmetic for derived columns, so the CSV never shows binary-float noise. */
final class Rates {
    private Rates() {}

    /** {@code amount} per second over {@code nanos}, to 3 decimals; null when the time is zero or absent. */
    static BigDecimal perSecond(long amount, long nanos) {
        if (nanos <= 0) return null;
        return BigDecimal.valueOf(amount).multiply(BigDecimal.valueOf(1_000_000_000L))
                .divide(BigDecimal.valueOf(nanos), 3, RoundingMode.HALF_EVEN);
    }

    /** {@code a / b} to 6 decimals; null when {@code b} is zero. */
    static BigDecimal ratio(long a, long b) {
        if (b == 0) return null;
        return BigDecimal.valueOf(a).divide(BigDecimal.valueOf(b), 6, RoundingMode.HALF_EVEN);
    }
}
