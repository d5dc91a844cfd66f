package dev.cellscope.dissect;

/**
 * Timestamps a frame's relative times are computed from.
 *
 * @param firstNanos    timestamp of the capture's first frame
 * @param previousNanos timestamp of the frame before this one (equal to this frame's for the first)
 */
public record FrameTiming(long firstNanos, long previousNanos) {}
