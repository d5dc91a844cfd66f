package dev.cellscope.flow;

/**
 * How a {@link TimeSeriesSink} bins and caps what it collects.
 *
 * @param intervalNanos width of one interval; 0 picks one (see {@link TimeSeriesSink})
 * @param maxIntervals  most intervals kept; a longer capture widens the interval (merging
 *                      neighbours), so memory never depends on the capture's length
 * @param maxPoints     most points kept per point series (envelope-decimated beyond: {@link SeriesPoints})
 * @param maxKeys       most Tether accounts and most UTCP directions given series; later ones are
 *                      counted in {@link TimeSeries#untracked()}
 */
public record TimeSeriesOptions(long intervalNanos, int maxIntervals, int maxPoints, int maxKeys) {

    /** Intervals kept when the interval is chosen automatically: enough bars for a 1200-pixel plot. */
    public static final int AUTO_INTERVALS = 600;

    public static final TimeSeriesOptions DEFAULT = new TimeSeriesOptions(0, 100_000, 50_000, 4_096);

    public TimeSeriesOptions {
        if (intervalNanos < 0 || maxIntervals < 2 || maxPoints < 8 || maxKeys < 1) {
            throw new IllegalArgumentException("bad time series options: " + this);
        }
    }

    public boolean automatic() {
        return intervalNanos == 0;
    }

    public TimeSeriesOptions withInterval(long nanos) {
        return new TimeSeriesOptions(nanos, maxIntervals, maxPoints, maxKeys);
    }
}
