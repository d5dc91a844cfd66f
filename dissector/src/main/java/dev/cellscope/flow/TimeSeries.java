package dev.cellscope.flow;

import java.util.List;

/**
 * What a {@link TimeSeriesSink} collected. Interval {@code i} covers
 * {@code [i * intervalNanos, (i + 1) * intervalNanos)} after the capture's first frame; every
 * per-interval array has {@link #intervals()} entries.
 *
 * @param intervalNanos   interval width (wider than asked if the capture needed more than the cap)
 * @param requestedNanos  the interval asked for (0: automatic)
 * @param durationNanos   time from the first to the last frame
 * @param frames          frames per interval
 * @param bytes           frame bytes (on the wire) per interval
 * @param nackPackets     UTCP NACK packets per interval
 * @param nackSeqs        seqs those NACKs ask for, per interval (sum of the ranges' counts)
 * @param retransmissions UTCP retransmissions ({@code utcp.analysis.retransmission}) per interval
 * @param goodputBytes    DATA payload bytes the tap saw for the first time (no retransmission or
 *                        duplicate of a seq it already saw), per interval
 * @param tether          Tether credit accounts, in order of first appearance
 * @param utcp            UTCP directions, in order of first appearance
 * @param untracked       accounts or directions beyond {@link TimeSeriesOptions#maxKeys()}, not given series
 */
public record TimeSeries(long intervalNanos, long requestedNanos, long durationNanos, long[] frames, long[] bytes,
                         long[] nackPackets, long[] nackSeqs, long[] retransmissions, long[] goodputBytes,
                         List<SeriesTetherFlow> tether, List<SeriesUtcpDirection> utcp, long untracked) {

    public int intervals() {
        return frames.length;
    }

    public double intervalSeconds() {
        return intervalNanos / 1e9;
    }

    /** Start of interval {@code i}, in seconds since the first frame. */
    public double startSeconds(int i) {
        return i * intervalSeconds();
    }

    /** The Tether account with the most bytes granted plus spent, or null when there is none. */
    public SeriesTetherFlow busiestTether() {
        SeriesTetherFlow best = null;
        for (SeriesTetherFlow f : tether) if (best == null || f.traffic() > best.traffic()) best = f;
        return best;
    }
}
