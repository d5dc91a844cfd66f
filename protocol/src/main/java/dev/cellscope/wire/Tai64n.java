package dev.cellscope.wire;

/**
 * TAI64N labels (Tether's {@code tai64n_sec}, {@code tai64n_nano}) to and from UTC. A TAI64
 * label is 2^62 + TAI seconds since 1970-01-01 TAI; UTC differs from TAI by the leap-second
 * offset in force (37 s since 2017-01-01).
 */
public final class Tai64n {
    private Tai64n() {}

    public static final long LABEL_BASE = 1L << 62;

    /** UTC instants (epoch seconds) from which each TAI−UTC offset holds, newest first. */
    private static final long[] LEAP_UTC = {
            1483228800L, 1435708800L, 1341100800L, 1230768000L, 1136073600L, 915148800L, 867715200L,
            820454400L, 773020800L, 741484800L, 709948800L, 662688000L, 631152000L, 567993600L,
            489024000L, 425865600L, 394329600L, 362793600L, 315532800L, 283996800L, 252460800L,
            220924800L, 189302400L, 157766400L, 126230400L, 94694400L, 78796800L, 63072000L};
    private static final int[] OFFSET = {37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20,
            19, 18, 17, 16, 15, 14, 13, 12, 11, 10};

    /** True for labels that denote a time after 1970 within a sane range (not zero, not garbage). */
    public static boolean plausible(long label) {
        return label >= LABEL_BASE && label - LABEL_BASE < (1L << 40);
    }

    /** TAI−UTC offset in force at a UTC instant (10 s before 1972 as the table starts there). */
    public static int offsetAtUtc(long utcSeconds) {
        for (int i = 0; i < LEAP_UTC.length; i++) if (utcSeconds >= LEAP_UTC[i]) return OFFSET[i];
        return 10;
    }

    /** UTC epoch nanoseconds of a TAI64N label (label must be {@link #plausible}). */
    /**
     * The leap-second table {@link #toUtcNanos} walks, newest first: rows of {UTC seconds from which it
     * applies, TAI-UTC offset}; before the oldest the offset is 10. For decoders written elsewhere (the
     * generated Wireshark plugin), so the table exists once.
     */
    public static long[][] leapTable() {
        long[][] rows = new long[LEAP_UTC.length][];
        for (int i = 0; i < LEAP_UTC.length; i++) rows[i] = new long[] {LEAP_UTC[i], OFFSET[i]};
        return rows;
    }

    public static long toUtcNanos(long label, long nano) {
        long tai = label - LABEL_BASE;
        for (int i = 0; i < LEAP_UTC.length; i++) {
            long utc = tai - OFFSET[i];
            if (utc >= LEAP_UTC[i]) return utc * 1_000_000_000L + nano;
        }
        return (tai - 10) * 1_000_000_000L + nano;
    }

    /** TAI64 label for a UTC instant in epoch nanoseconds. */
    public static long labelOf(long utcNanos) {
        long utcSeconds = Math.floorDiv(utcNanos, 1_000_000_000L);
        return LABEL_BASE + utcSeconds + offsetAtUtc(utcSeconds);
    }

    /** Nanosecond part for a UTC instant in epoch nanoseconds. */
    public static long nanoOf(long utcNanos) {
        return Math.floorMod(utcNanos, 1_000_000_000L);
    }
}
