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
     * The timebase for an if_tsresol byte: any of them. Units finer than a nanosecond are floored to whole nanoseconds,
     * so a resolution finer than 64 bits of raw count can hold (10^-28 s or 2^-94 s and beyond) puts every frame at the
     * interface's offset; its frames are still read, as tshark reads them (a fuzzed 0x13 or 0xff used to end the file
     * as damage, with none of its frames: the fuzz review).
     */
    static Timebase of(int tsresol, long offsetSeconds) {
        // Wraps rather than throws for absurd offsets: bad input must not escape as an exception.
        return new Timebase(tsresol & 0x7F, (tsresol & 0x80) != 0, offsetSeconds * NANOS_PER_SECOND);
    }

    /** Units per second, Long.MAX_VALUE when more (finer than 10^-18 or 2^-62 seconds). */
    long unitsPerSecond() {
        if (binary) return exponent <= 62 ? 1L << exponent : Long.MAX_VALUE;
        return exponent < POW10.length ? POW10[exponent] : Long.MAX_VALUE;
    }

    long toNanos(long raw) {
        if (!binary) {
            if (exponent <= 9) return raw * POW10[9 - exponent] + offsetNanos;
            // 10^(exponent-9) beyond a long's range exceeds any unsigned 64-bit count: under a nanosecond
            return (exponent - 9 < POW10.length ? Long.divideUnsigned(raw, POW10[exponent - 9]) : 0) + offsetNanos;
        }
        if (exponent == 0) {
            return raw * NANOS_PER_SECOND + offsetNanos;
        }
        if (exponent >= 64) {
            // no whole seconds: raw * 1e9 / 2^exponent, from the high half of the unsigned 128-bit product
            return (exponent < 128 ? Math.unsignedMultiplyHigh(raw, NANOS_PER_SECOND) >>> (exponent - 64) : 0) + offsetNanos;
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
