package dev.cellscope.endpoint.sim;

/**
 * Sees every frame on a {@link MemoryWire} as a mirror port at the receiver would, plus the
 * frames the wire lost. Delivered copies are reported at their arrival time with the bytes the
 * receiver gets (corrupted ones included); a dropped frame is reported when it was sent.
 */
@FunctionalInterface
public interface WireTap {
    void onFrame(long timeNanos, String from, String to, byte[] payload, Fate fate);
}
