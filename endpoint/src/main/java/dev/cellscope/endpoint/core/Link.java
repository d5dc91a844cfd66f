package dev.cellscope.endpoint.core;

import java.util.function.BiConsumer;

/**
 * Moves cell payloads — the bytes that follow EtherType 0x88B5 (a UTCP packet or a Tether frame) —
 * between this node and its neighbours: raw Ethernet (AF_PACKET), UDP port 34997, or a simulated
 * wire. Received payloads are handed over on the {@link Scheduler}'s thread.
 *
 * @param <A> how a neighbour is addressed (a MAC, a socket address, a simulated port)
 */
public interface Link<A> extends AutoCloseable {

    /** Sends one payload to {@code to}; a full or broken link drops it (the protocols recover or report). */
    void send(A to, byte[] payload);

    /** Sets who receives payloads: (from, payload). Replaces any earlier receiver. */
    void onReceive(BiConsumer<A, byte[]> receiver);

    @Override
    void close();
}
