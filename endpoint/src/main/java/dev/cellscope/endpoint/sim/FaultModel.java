package dev.cellscope.endpoint.sim;

/**
 * What a {@link MemoryWire} does to each frame it carries. Probabilities are per frame and drawn
 * independently; times are nanoseconds.
 *
 * @param loss             probability a frame is dropped
 * @param reorder          probability a frame is held back by {@code reorderDelayNanos}, so later frames pass it
 * @param duplicate        probability a frame is delivered twice (the copy {@code duplicateGapNanos} later)
 * @param corrupt          probability one byte of a frame is flipped (UTCP has no checksum: see the README)
 * @param rateBytesPerSecond link rate for serialization delay; 0 = infinitely fast
 * @param delayNanos       one-way propagation delay
 * @param jitterNanos      extra delay drawn uniformly from [0, jitter]; non-zero jitter reorders frames too
 * @param reorderDelayNanos how long a reordered frame is held back
 * @param duplicateGapNanos how long after the original the duplicate arrives
 */
public record FaultModel(double loss, double reorder, double duplicate, double corrupt, long rateBytesPerSecond,
                         long delayNanos, long jitterNanos, long reorderDelayNanos, long duplicateGapNanos) {

    public FaultModel {
        for (double p : new double[] {loss, reorder, duplicate, corrupt}) {
            if (p < 0 || p > 1) throw new IllegalArgumentException("probability out of [0,1]: " + p);
        }
        if (rateBytesPerSecond < 0 || delayNanos < 0 || jitterNanos < 0 || reorderDelayNanos < 0 || duplicateGapNanos < 0) {
            throw new IllegalArgumentException("negative rate or time in " + this);
        }
    }

    /** A perfect wire: no faults, 1 Gbit/s, 50 µs one way. */
    public static FaultModel clean() {
        return new FaultModel(0, 0, 0, 0, 125_000_000L, 50_000, 0, 200_000, 1_000);
    }

    public FaultModel withLoss(double p) {
        return new FaultModel(p, reorder, duplicate, corrupt, rateBytesPerSecond, delayNanos, jitterNanos, reorderDelayNanos, duplicateGapNanos);
    }

    public FaultModel withReorder(double p) {
        return new FaultModel(loss, p, duplicate, corrupt, rateBytesPerSecond, delayNanos, jitterNanos, reorderDelayNanos, duplicateGapNanos);
    }

    public FaultModel withDuplicate(double p) {
        return new FaultModel(loss, reorder, p, corrupt, rateBytesPerSecond, delayNanos, jitterNanos, reorderDelayNanos, duplicateGapNanos);
    }

    public FaultModel withCorrupt(double p) {
        return new FaultModel(loss, reorder, duplicate, p, rateBytesPerSecond, delayNanos, jitterNanos, reorderDelayNanos, duplicateGapNanos);
    }

    public FaultModel withRate(long bytesPerSecond) {
        return new FaultModel(loss, reorder, duplicate, corrupt, bytesPerSecond, delayNanos, jitterNanos, reorderDelayNanos, duplicateGapNanos);
    }

    public FaultModel withDelay(long nanos, long jitter) {
        return new FaultModel(loss, reorder, duplicate, corrupt, rateBytesPerSecond, nanos, jitter, reorderDelayNanos, duplicateGapNanos);
    }

    public FaultModel withReorderDelay(long nanos) {
        return new FaultModel(loss, reorder, duplicate, corrupt, rateBytesPerSecond, delayNanos, jitterNanos, nanos, duplicateGapNanos);
    }
}
