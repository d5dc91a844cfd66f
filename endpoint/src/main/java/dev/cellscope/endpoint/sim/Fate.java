package dev.cellscope.endpoint.sim;

/**
 * What the wire did to a frame, as the tap reports it. A frame hit by several faults reports
 * the strongest: DROPPED, then CORRUPTED, then DELAYED; the second copy of a duplicated frame is
 * reported as DUPLICATED.
 */
public enum Fate {
    DELIVERED, DROPPED, DUPLICATED, CORRUPTED, DELAYED
}
