package dev.cellscope.replay;

/**
 * The deadline of every frame, in nanoseconds after the replay started, from the pacing alone:
 * each deadline is computed from the start (frame count, byte count or captured time), never
 * by adding a gap to the previous one, so rounding and lateness never accumulate into drift.
 *
 * <p>Loops: a new pass starts at the deadline of the previous pass's last frame, so its first
 * frame follows at once (the capture's own timeline restarts; packet and bit rates simply go on).
 * Captured times that go backwards (frames merged from two interfaces) are held at the latest.
 */
public final class Schedule {
    private final Pacing pacing;
    private long frames;          // frames scheduled so far, all passes
    private long bytes;           // their bytes
    private long passBase;        // the deadline where the current pass began
    private long firstTimestamp;  // captured time of the pass's first frame
    private boolean passStarted;
    private long last;            // the latest deadline given

    public Schedule(Pacing pacing) {
        this.pacing = pacing;
    }

    public Pacing pacing() {
        return pacing;
    }

    /** True when frames have deadlines to keep (all but top speed). */
    public boolean timed() {
        return !(pacing instanceof Pacing.TopSpeed);
    }

    /** Starts another pass over the capture (the first pass needs no call). */
    public void newPass() {
        passBase = last;
        passStarted = false;
    }

    /** The deadline of the next frame, captured at {@code timestampNanos} with {@code length} bytes. */
    public long next(long timestampNanos, int length) {
        long deadline = switch (pacing) {
            case Pacing.TopSpeed t -> 0;
            case Pacing.PacketRate r -> (long) (frames * 1e9 / r.perSecond());
            // bits before this frame over the rate: bytes * 8 / (Mbps * 1e6) s = bytes * 8000 / Mbps ns
            case Pacing.BitRate r -> (long) (bytes * 8000.0 / r.megabitsPerSecond());
            case Pacing.AsCaptured c -> {
                if (!passStarted) {
                    passStarted = true;
                    firstTimestamp = timestampNanos;
                }
                yield passBase + (long) (Math.max(0, timestampNanos - firstTimestamp) / c.multiplier());
            }
        };
        frames++;
        bytes += length;
        last = Math.max(last, deadline);
        return last;
    }
}
