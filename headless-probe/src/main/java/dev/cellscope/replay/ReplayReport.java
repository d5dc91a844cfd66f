package dev.cellscope.replay;

import java.util.Locale;

/**
 * What a replay did: frames and bytes sent, over how long, and how closely the schedule was kept.
 *
 * @param frames          frames sent
 * @param bytes           their bytes (as captured, no FCS)
 * @param failed          frames the interface refused (e.g. larger than its MTU); {@code firstFailure} says why
 * @param notEthernet     selected frames of another link type, not sent
 * @param notCell         selected frames without UTCP or Tether, not sent (through a UDP socket only)
 * @param passes          passes over the capture that sent a frame
 * @param elapsedNanos    from the first frame's send to the last's; at top speed to when the last send returned, as tcpreplay
 *                        ends its time (a capture sent in one batch took the time of that batch, not zero)
 * @param scheduledNanos  from the first frame's deadline to the last's: what {@code elapsedNanos} should be (0 at top speed)
 * @param intervalError   |actual gap - scheduled gap| between consecutive frames sent (empty at top speed)
 * @param lateness        actual send time - deadline, per frame (empty at top speed)
 * @param firstFailure    the first refused frame's message, or null
 */
public record ReplayReport(long frames, long bytes, long failed, long notEthernet, long notCell, long passes, long elapsedNanos,
                           long scheduledNanos, ErrorHistogram intervalError, ErrorHistogram lateness, String firstFailure) {

    /** Frames per second over the gaps between the first and the last send: N frames span N - 1 gaps. */
    public double packetsPerSecond() {
        return elapsedNanos <= 0 || frames < 2 ? 0 : (frames - 1) * 1e9 / elapsedNanos;
    }

    /** A rate short of the asked one by more than this fraction is warned about: tcpreplay holds a rate within 0.05%. */
    static final double SHORTFALL_WARNED = 0.01;

    /**
     * How far the rate achieved fell short of the schedule's, as a fraction (0.18: 18% slower), 0 when it kept up or at
     * top speed. The schedule's rate over the same frames is (N − 1) / scheduled, the achieved (N − 1) / elapsed.
     */
    public double shortfall() {
        if (scheduledNanos <= 0 || elapsedNanos <= scheduledNanos || frames < 2) return 0;
        return 1 - (double) scheduledNanos / elapsedNanos;
    }

    /** The report as printed at the end of {@code cellscope replay}, tcpreplay's first lines and ours. */
    public String format() {
        StringBuilder b = new StringBuilder();
        double seconds = elapsedNanos / 1e9;
        b.append(String.format(Locale.ROOT, "Actual: %d packets (%d bytes) sent in %.6f seconds%n", frames, bytes, seconds));
        if (frames > 1 && elapsedNanos > 0) {
            double bps = bytes * 1e9 / elapsedNanos;
            b.append(String.format(Locale.ROOT, "Rated: %.1f Bps, %.3f Mbps, %.2f pps%n", bps, bps * 8 / 1e6, packetsPerSecond()));
        }
        if (intervalError.count() > 0) {
            b.append(String.format(Locale.ROOT, "Timing: inter-frame error p50 %s, p99 %s, max %s over %d gaps; late p50 %s, p99 %s, max %s%n",
                    micros(intervalError.percentile(0.5)), micros(intervalError.percentile(0.99)), micros(intervalError.max()),
                    intervalError.count(), micros(lateness.percentile(0.5)), micros(lateness.percentile(0.99)), micros(lateness.max())));
        }
        if (passes > 1) b.append("Passes: ").append(passes).append('\n');
        if (shortfall() > SHORTFALL_WARNED) {
            b.append(String.format(Locale.ROOT, "Warning: the rate achieved is %.1f%% short of the rate asked (the schedule spans %.6f seconds,"
                    + " sending took %.6f): the sender could not keep up%n", shortfall() * 100, scheduledNanos / 1e9, seconds));
        }
        if (failed > 0) b.append("Failed packets: ").append(failed).append(" (first: ").append(firstFailure).append(")\n");
        if (notEthernet > 0) b.append("Not sent: ").append(notEthernet).append(" selected frames are not Ethernet\n");
        if (notCell > 0) b.append("Skipped: ").append(notCell).append(" selected frames carry no UTCP or Tether (nothing to send over UDP)\n");
        return b.toString();
    }

    private static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
    }
}
