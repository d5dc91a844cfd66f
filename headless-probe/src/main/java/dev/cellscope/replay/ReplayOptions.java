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

    /**
     * A looped capture up to this size is preloaded without {@code -K}: re-reading it costs about 2 ms a pass (a
     * session opened, the file read), which a reader a few chunks ahead hides only when a pass lasts longer than
     * that; a one-frame capture looped at 1000 pps went out at 820 pps. 64 MiB of frames is memory a replaying
     * host spares; a larger capture's passes are long enough for the reader to stay ahead.
     */
    public static final long LOOP_PRELOAD_BYTES = 64L << 20;

    /** Whether these options loop (more than one pass, or no end) a capture of {@code captureBytes} that is then preloaded on its own. */
    public boolean preloadsOnItsOwn(long captureBytes) {
        return !preload && loops != 1 && captureBytes <= LOOP_PRELOAD_BYTES;
    }

    /** These options, preloading when {@link #preloadsOnItsOwn} says so. */
    public ReplayOptions withLoopPreload(long captureBytes) {
        return preloadsOnItsOwn(captureBytes) ? new ReplayOptions(pacing, loops, duration, limit, true) : this;
    }

    public static ReplayOptions of(Pacing pacing) {
        return new ReplayOptions(pacing, 1, null, Long.MAX_VALUE, false);
    }
}
