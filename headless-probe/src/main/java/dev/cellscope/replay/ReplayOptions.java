package dev.cellscope.replay;

import java.time.Duration;

/**
 * How a replay runs.
 *
 * @param pacing   when frames go out
 * @param loops    passes over the capture; 0 for no end (stopped by {@code duration}, {@code limit} or a signal)
 * @param duration stop once this much time has passed since the first frame, or null
 * @param limit    stop after this many frames sent (all passes), or Long.MAX_VALUE
 * @param preload  read every selected frame into memory before the first is sent (the capture is read
 *                 once, whatever the loops; nothing but the schedule runs while sending)
 */
public record ReplayOptions(Pacing pacing, long loops, Duration duration, long limit, boolean preload) {
    public ReplayOptions {
        if (pacing == null) throw new IllegalArgumentException("pacing missing");
        if (loops < 0) throw new IllegalArgumentException("loops < 0");
        if (limit < 1) throw new IllegalArgumentException("limit < 1");
        if (duration != null && (duration.isNegative() || duration.isZero())) throw new IllegalArgumentException("duration must be positive");
    }

    public static ReplayOptions of(Pacing pacing) {
        return new ReplayOptions(pacing, 1, null, Long.MAX_VALUE, false);
    }
}
