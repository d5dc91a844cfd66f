package dev.cellscope.io;

/**
 * Turns a pcapng interface's raw 64-bit timestamp into nanoseconds since the epoch,
 * exactly (sub-nanosecond parts are floored, as Wireshark does) and without allocating.
 *
 * @param exponent     the if_tsresol exponent: units are 10^-exponent or 2^-exponent seconds
 * @param binary       true for a power-of-two resolution (if_tsresol top bit set)
 * @param offsetNanos  if_tsoffset, already in nanoseconds
 */
record Timebase(int exponent, boolean binary, long offsetNanos) {

    /** No if_tsresol option: microseconds. */
    static final Timebase DEFAULT = new Timebase(6, false, 0);

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long[] POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    /**
     * The timebase for an if_tsresol byte, or null when the units per second would not fit
     * in a long (finer than 10^-18 or 2^-62 seconds), which no real capture uses.
     */
    static Timebase of(int tsresol, long offsetSeconds) {
        boolean binary = (tsresol & 0x80) != 0;
        int exponent = tsresol & 0x7F;
        if (binary ? exponent > 62 : exponent > 18) {
            return null;
        }
        // Wraps rather than throws for absurd offsets: bad input must not escape as an exception.
        return new Timebase(exponent, binary, offsetSeconds * NANOS_PER_SECOND);
    }

    long unitsPerSecond() {
        return binary ? 1L << exponent : POW10[exponent];
    }

    long toNanos(long raw) {
        if (!binary) {
            return exponent <= 9
                    ? raw * POW10[9 - exponent] + offsetNanos
                    : Long.divideUnsigned(raw, POW10[exponent - 9]) + offsetNanos;
        }
        if (exponent == 0) {
            return raw * NANOS_PER_SECOND + offsetNanos;
        }
        long seconds = raw >>> exponent;
        long fraction = raw & ((1L << exponent) - 1);
        // fraction * 1e9 needs up to 92 bits; shift the 128-bit product right by exponent.
        long high = Math.multiplyHigh(fraction, NANOS_PER_SECOND);
        long low = fraction * NANOS_PER_SECOND;
        long fractionNanos = (high << (64 - exponent)) | (low >>> exponent);
        return seconds * NANOS_PER_SECOND + fractionNanos + offsetNanos;
    }
}
