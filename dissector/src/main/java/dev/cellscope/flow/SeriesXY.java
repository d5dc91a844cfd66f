package dev.cellscope.flow;

/**
 * A point series: time (nanoseconds since the capture's first frame) and value pairs, in
 * capture order.
 *
 * @param timesNanos time of each point kept
 * @param values     value of each point kept (a seq, a credit balance)
 * @param seen       points offered, kept or not
 * @param decimated  true when points were thinned to stay within the cap ({@link SeriesPoints})
 */
public record SeriesXY(long[] timesNanos, long[] values, long seen, boolean decimated) {

    public static final SeriesXY EMPTY = new SeriesXY(new long[0], new long[0], 0, false);

    public SeriesXY {
        if (timesNanos.length != values.length) throw new IllegalArgumentException("times and values differ in length");
    }

    public int size() {
        return timesNanos.length;
    }
}
