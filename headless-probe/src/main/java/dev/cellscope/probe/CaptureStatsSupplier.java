package dev.cellscope.probe;

import dev.cellscope.live.CaptureStats;

/**
 * The seam a live source plugs its drop counters into: the probe asks for them when metrics are
 * scraped and when the status line is printed (from threads other than the capture's, so an
 * implementation must be safe to call from any thread). A file source has none: {@link #NONE}.
 */
@FunctionalInterface
public interface CaptureStatsSupplier {
    CaptureStatsSupplier NONE = () -> CaptureStats.NONE;

    CaptureStats captureStats();
}
