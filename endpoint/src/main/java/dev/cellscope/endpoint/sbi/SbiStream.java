package dev.cellscope.endpoint.sbi;

/**
 * The reliable, ordered byte stream UTCP-SBI runs over (one UTCP connection's DATA payloads in
 * seq order). Everything happens on one {@link dev.cellscope.endpoint.core.Scheduler} thread:
 * the peer calls {@link #send}/{@link #close} there, and the stream calls its {@link Receiver}
 * there.
 */
public interface SbiStream {

    /**
     * Queues bytes for the other side, in order. Never blocks: flow control is the transport's
     * job, so the stream buffers what it cannot send yet. The array is not reused by the caller.
     */
    void send(byte[] bytes);

    /**
     * Closes the stream after every byte already passed to {@link #send} has been delivered
     * (a NACK sent just before a close must reach the peer). Idempotent.
     */
    void close(String reason);

    /**
     * The peer answered a message that ends {@code streamBytes} bytes into what we sent, so it has
     * all of those bytes: a transport that keeps sent data for retransmission may free it now. The
     * default ignores it (a stream without retransmission, or one that frees by its own rules).
     */
    default void delivered(long streamBytes) {
    }

    /**
     * The peer has answered one of our requests, so its answers will clock what we send: a transport
     * should keep sent data until answers or NACKs free it rather than free it by time (a cold peer's
     * first NACK can come half a second late). The default ignores it.
     */
    default void peerAnswers() {
    }

    /** Bytes passed to {@link #send} that the transport has not taken in yet (its backlog); 0 if it takes all at once. */
    default long queuedBytes() {
        return 0;
    }

    /** What the stream delivers to (implemented by {@link SbiPeer}). */
    interface Receiver {
        /** The next bytes of the stream, any size: a message may span chunks, a chunk hold many messages. */
        void onBytes(byte[] chunk);

        /** The other side closed the stream, or it broke ({@code reason} says which); no more bytes will come. */
        void onClosed(String reason);
    }
}
