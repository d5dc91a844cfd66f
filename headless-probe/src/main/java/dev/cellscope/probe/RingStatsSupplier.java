package dev.cellscope.probe;

import dev.cellscope.live.ring.RingStats;

/**
 * The seam a capture-file writer plugs its counters into (it is also one of the probe's
 * {@link dev.cellscope.session.FrameConsumer}s); called from any thread.
 */
@FunctionalInterface
public interface RingStatsSupplier {
    RingStatsSupplier NONE = () -> RingStats.NONE;

    RingStats ringStats();
}
