package dev.cellscope.endpoint.sim;

import java.util.Set;

/**
 * Sees every frame on a {@link MemoryWire} where it enters the wire, as a capture at the senders'
 * NICs would: at its send time, with the bytes sent (before any fault), lost ones included. Unlike
 * a {@link WireTap} it sees a frame once, and learns everything the wire is about to do to it.
 */
@FunctionalInterface
public interface SendTap {
    /**
     * @param faults what the wire does to the frame: {@link Fate#DROPPED} alone, or any of
     *               {@link Fate#CORRUPTED}, {@link Fate#DELAYED} (held back, so later frames pass it)
     *               and {@link Fate#DUPLICATED}; empty when it is delivered as sent
     */
    void onSend(long timeNanos, String from, String to, byte[] payload, Set<Fate> faults);
}
