package dev.cellscope.endpoint.mesh;

import dev.cellscope.endpoint.sbi.SbiStream;
import dev.cellscope.endpoint.utcp.UtcpConnection;

/**
 * UTCP-SBI over one UTCP connection: the connection's DATA payloads, in seq order, are the SBI
 * byte stream. Sends are queued in the connection's retransmit buffer (back-pressure there);
 * closing sends FIN after everything queued, so a last NACK reaches the peer.
 */
public final class UtcpSbiStream implements SbiStream {
    private final UtcpConnection connection;
    private boolean closed;

    private UtcpSbiStream(UtcpConnection connection) {
        this.connection = connection;
    }

    /** Joins {@code connection} and {@code receiver}: the receiver gets the bytes and the end. */
    public static UtcpSbiStream attach(UtcpConnection connection, Receiver receiver) {
        UtcpSbiStream stream = new UtcpSbiStream(connection);
        connection.onData(receiver::onBytes);
        connection.onEnd(() -> receiver.onClosed("closed by the peer"));
        // A connection that never opened or broke says why (connect timeout, NACK not answered, evicted…).
        connection.onClosed(reason -> receiver.onClosed(reason.error() ? reason.message() : "closed"));
        return stream;
    }

    @Override
    public void send(byte[] bytes) {
        if (!closed) connection.writeAll(bytes, null);
    }

    /** UTCP frees the packets holding those bytes (no NACK flows on a clean path, so only time would). */
    @Override
    public void delivered(long streamBytes) {
        connection.confirmDelivered(streamBytes);
    }

    @Override
    public void peerAnswers() {
        connection.peerAnswers();
    }

    @Override
    public long queuedBytes() {
        return connection.queuedBytes();
    }

    @Override
    public void close(String reason) {
        if (closed) return;
        closed = true;
        connection.close();
    }
}
