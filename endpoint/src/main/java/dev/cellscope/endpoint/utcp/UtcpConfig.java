package dev.cellscope.endpoint.utcp;

/**
 * UTCP tuning. {@link #defaults()} suits a LAN test peer; the README explains how the
 * retention, buffer and pacing bound throughput when nothing is lost. Times are nanoseconds.
 *
 * @param mss largest DATA payload; 1400 keeps a UTCP packet inside a 1500-byte Ethernet or UDP/IP frame
 * @param bufferPackets retransmit buffer bound, packets (unsent + sent-but-not-released)
 * @param bufferBytes retransmit buffer bound, payload bytes
 * @param paceBytesPerSecond sender pacing (there is no congestion control without ACKs); 0 = unpaced
 * @param burstBytes how far the pacer may catch up after an idle moment
 * @param reorderWindowNanos a gap waits this long for late packets before it is NACKed
 * @param reorderPackets or until this many later seqs are known; 0 = time only
 * @param maxHeldPackets receiver: seqs accepted ahead of the next expected one (out-of-order hold bound)
 * @param nackRepeatMinNanos first NACK repeat for a still-missing seq: max(this, 2 x RTT), doubling
 * @param nackRepeatMaxNanos cap of the NACK repeat backoff
 * @param nackTimeoutNanos a seq NACKed for this long without arriving closes the connection
 * @param retentionNanos sender frees a DATA packet this long after its last transmission (see README)
 * @param tailKeepPackets the newest packets sent are never freed by time (the FIN exposes tail loss)
 * @param initialRttNanos RTT assumed until the SYN/ACK exchange measures it
 * @param retryNanos first SYN/FIN retransmission delay, doubling up to 2 s
 * @param connectTimeoutNanos SYN not ACKed for this long closes the connection
 * @param finTimeoutNanos FIN not ACKed for this long closes the connection
 * @param idleTimeoutNanos nothing sent or received for this long closes it; 0 = never
 * @param lingerNanos after a clean close, keep answering repeated FINs this long
 * @param maxQueuedBytes bytes written with {@code writeAll} but not yet in the retransmit buffer; above it the
 *                       connection stops delivering the peer's data (back-pressure) until half of it drained
 * @param maxQueuedWrites the same bound counted in queued writes (messages)
 * @param maxConnections endpoint: open and opening connections at once; a new peer beyond it evicts the idlest
 *                       connection not with an address-book peer, or is refused
 * @param maxConnectionsPerSource endpoint: connections at once from one link address (UDP host:port, MAC)
 * @param maxHalfOpen endpoint: connections opened by a peer's SYN that are not open yet
 * @param seed initial seqs come from this seed (reproducible), or from SecureRandom when null
 */
public record UtcpConfig(int mss,
                         int bufferPackets,
                         long bufferBytes,
                         long paceBytesPerSecond,
                         int burstBytes,
                         long reorderWindowNanos,
                         int reorderPackets,
                         int maxHeldPackets,
                         long nackRepeatMinNanos,
                         long nackRepeatMaxNanos,
                         long nackTimeoutNanos,
                         long retentionNanos,
                         int tailKeepPackets,
                         long initialRttNanos,
                         long retryNanos,
                         long connectTimeoutNanos,
                         long finTimeoutNanos,
                         long idleTimeoutNanos,
                         long lingerNanos,
                         long maxQueuedBytes,
                         int maxQueuedWrites,
                         int maxConnections,
                         int maxConnectionsPerSource,
                         int maxHalfOpen,
                         Long seed) {

    /** 4 MiB of replies queued per connection: 64 blocks of 64 KiB. */
    public static final long DEFAULT_MAX_QUEUED_BYTES = 4L << 20;
    public static final int DEFAULT_MAX_QUEUED_WRITES = 1024;
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_SOURCE = 32;
    public static final int DEFAULT_MAX_HALF_OPEN = 64;

    public UtcpConfig {
        if (mss < 1 || mss > 0xFFFF - 40) throw new IllegalArgumentException("mss " + mss);
        if (bufferPackets < 1 || bufferBytes < mss) throw new IllegalArgumentException("buffer too small");
        if (maxQueuedBytes < 1 || maxQueuedWrites < 1) throw new IllegalArgumentException("queue bounds must be positive");
        if (maxConnections < 1 || maxConnectionsPerSource < 1 || maxHalfOpen < 1) throw new IllegalArgumentException("connection caps must be positive");
        if (maxHeldPackets < 1) throw new IllegalArgumentException("maxHeldPackets " + maxHeldPackets);
        if (retentionNanos <= reorderWindowNanos) {
            throw new IllegalArgumentException("retention must exceed the reorder window, or NACKed data is already gone");
        }
    }

    public static UtcpConfig defaults() {
        return new UtcpConfig(1400, 4096, 8L << 20, 250_000_000L, 64 * 1024, 3_000_000L, 0, 8192, 2_000_000L, 250_000_000L, 5_000_000_000L, 250_000_000L, 32, 10_000_000L, 100_000_000L, 5_000_000_000L, 10_000_000_000L, 300_000_000_000L, 2_000_000_000L,
                DEFAULT_MAX_QUEUED_BYTES, DEFAULT_MAX_QUEUED_WRITES, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_SOURCE, DEFAULT_MAX_HALF_OPEN, null);
    }

    public UtcpConfig withMss(int value) {
        return new UtcpConfig(value, bufferPackets, bufferBytes, paceBytesPerSecond, burstBytes, reorderWindowNanos, reorderPackets, maxHeldPackets, nackRepeatMinNanos, nackRepeatMaxNanos, nackTimeoutNanos, retentionNanos, tailKeepPackets, initialRttNanos, retryNanos, connectTimeoutNanos, finTimeoutNanos, idleTimeoutNanos, lingerNanos, maxQueuedBytes, maxQueuedWrites, maxConnections, maxConnectionsPerSource, maxHalfOpen, seed);
    }

    public UtcpConfig withBufferPackets(int value) {
        return new UtcpConfig(mss, value, bufferBytes, paceBytesPerSecond, burstBytes, reorderWindowNanos, reorderPackets, maxHeldPackets, nackRepeatMinNanos, nackRepeatMaxNanos, nackTimeoutNanos, retentionNanos, tailKeepPackets, initialRttNanos, retryNanos, connectTimeoutNanos, finTimeoutNanos, idleTimeoutNanos, lingerNanos, maxQueuedBytes, maxQueuedWrites, maxConnections, maxConnectionsPerSource, maxHalfOpen, seed);
    }

    public UtcpConfig withBufferBytes(long value) {
        return new UtcpConfig(mss, bufferPackets, value, paceBytesPerSecond, burstBytes, reorderWindowNanos, reorderPackets, maxHeldPackets, nackRepeatMinNanos, nackRepeatMaxNanos, nackTimeoutNanos, retentionNanos, tailKeepPackets, initialRttNanos, retryNanos, connectTimeoutNanos, finTimeoutNanos, idleTimeoutNanos, lingerNanos, maxQueuedBytes, maxQueuedWrites, maxConnections, maxConnectionsPerSource, maxHalfOpen, seed);
    }

    public UtcpConfig withPaceBytesPerSecond(long value) {
        return new UtcpConfig(mss, bufferPackets, bufferBytes, value, burstBytes, reorderWindowNanos, reorderPackets, maxHeldPackets, nackRepeatMinNanos, nackRepeatMaxNanos, nackTimeoutNanos, retentionNanos, tailKeepPackets, initialRttNanos, retryNanos, connectTimeoutNanos, finTimeoutNanos, idleTimeoutNanos, lingerNanos, maxQueuedBytes, maxQueuedWrites, maxConnections, maxConnectionsPerSource, maxHalfOpen, seed);
    }

    public UtcpConfig withBurstBytes(int value) {
        return new UtcpConfig(mss, bufferPackets, bufferBytes, paceBytesPerSecond, value, reorderWindowNanos, reorderPackets, maxHeldPackets, nackRepeatMinNanos, nackRepeatMaxNanos, nackTimeoutNanos, retentionNanos, tailKeepPackets, initialRttNanos, retryNanos, connectTimeoutNanos, finTimeoutNanos, idleTimeoutNanos, lingerNanos, maxQueuedBytes, maxQueuedWrites, maxConnections, maxConnectionsPerSource, maxHalfOpen, seed);
    }

    public UtcpConfig withReorderWindowNanos(long value) {
        return new UtcpConfig(mss, bufferPackets, bufferBytes, paceBytesPerSecond, burstBytes, value, reorderPackets, maxHeldPackets, nackRepeatMinNanos, nackRepeatMaxNanos, nackTimeoutNanos, retentionNanos, tailKeepPackets, initialRttNanos, retryNanos, connectTimeoutNanos, finTimeoutNanos, idleTimeoutNanos, lingerNanos, maxQueuedBytes, maxQueuedWrites, maxConnections, maxConnectionsPerSource, maxHalfOpen, seed);
    }

    public UtcpConfig withReorderPackets(int value) {
        return new UtcpConfig(mss, bufferPackets, bufferBytes, paceBytesPerSecond, burstBytes, reorderWindowNanos, value, maxHeldPackets, nackRepeatMinNanos, nackRepeatMaxNanos, nackTimeoutNanos, retentionNanos, tailKeepPackets, initialRttNanos, retryNanos, connectTimeoutNanos, finTimeoutNanos, idleTimeoutNanos, lingerNanos, maxQueuedBytes, maxQueuedWrites, maxConnections, maxConnectionsPerSource, maxHalfOpen, seed);
    }

    public UtcpConfig withMaxHeldPackets(int value) {
        return new UtcpConfig(mss, bufferPackets, bufferBytes, paceBytesPerSecond, burstBytes, reorderWindowNanos, reorderPackets, value, nackRepeatMinNanos, nackRepeatMaxNanos, nackTimeoutNanos, retentionNanos, tailKeepPackets, initialRttNanos, retryNanos, connectTimeoutNanos, finTimeoutNanos, idleTimeoutNanos, lingerNanos, maxQueuedBytes, maxQueuedWrites, maxConnections, maxConnectionsPerSource, maxHalfOpen, seed);
    }

    public UtcpConfig withNackRepeatMinNanos(long value) {
        return new UtcpConfig(mss, bufferPackets, bufferBytes, paceBytesPerSecond, burstBytes, reorderWindowNanos, reorderPackets, maxHeldPackets, value, nackRepeatMaxNanos, nackTimeoutNanos, retentionNanos, tailKeepPackets, initialRttNanos, retryNanos, connectTimeoutNanos, finTimeoutNanos, idleTimeoutNanos, lingerNanos, maxQueuedBytes, maxQueuedWrites, maxConnections, maxConnectionsPerSource, maxHalfOpen, seed);
    }

    public UtcpConfig withNackRepeatMaxNanos(long value) {
        return new UtcpConfig(mss, bufferPackets, bufferBytes, paceBytesPerSecond, burstBytes, reorderWindowNanos, reorderPackets, maxHeldPackets, nackRepeatMinNanos, value, nackTimeoutNanos, retentionNanos, tailKeepPackets, initialRttNanos, retryNanos, connectTimeoutNanos, finTimeoutNanos, idleTimeoutNanos, lingerNanos, maxQueuedBytes, maxQueuedWrites, maxConnections, maxConnectionsPerSource, maxHalfOpen, seed);
    }

    public UtcpConfig withNackTimeoutNanos(long value) {
        return new UtcpConfig(mss, bufferPackets, bufferBytes, paceBytesPerSecond, burstBytes, reorderWindowNanos, reorderPackets, maxHeldPackets, nackRepeatMinNanos, nackRepeatMaxNanos, value, retentionNanos, tailKeepPackets, initialRttNanos, retryNanos, connectTimeoutNanos, finTimeoutNanos, idleTimeoutNanos, lingerNanos, maxQueuedBytes, maxQueuedWrites, maxConnections, maxConnectionsPerSource, maxHalfOpen, seed);
    }

    public UtcpConfig withRetentionNanos(long value) {
        return new UtcpConfig(mss, bufferPackets, bufferBytes, paceBytesPerSecond, burstBytes, reorderWindowNanos, reorderPackets, maxHeldPackets, nackRepeatMinNanos, nackRepeatMaxNanos, nackTimeoutNanos, value, tailKeepPackets, initialRttNanos, retryNanos, connectTimeoutNanos, finTimeoutNanos, idleTimeoutNanos, lingerNanos, maxQueuedBytes, maxQueuedWrites, maxConnections, maxConnectionsPerSource, maxHalfOpen, seed);
    }

    public UtcpConfig withTailKeepPackets(int value) {
        return new UtcpConfig(mss, bufferPackets, bufferBytes, paceBytesPerSecond, burstBytes, reorderWindowNanos, reorderPackets, maxHeldPackets, nackRepeatMinNanos, nackRepeatMaxNanos, nackTimeoutNanos, retentionNanos, value, initialRttNanos, retryNanos, connectTimeoutNanos, finTimeoutNanos, idleTimeoutNanos, lingerNanos, maxQueuedBytes, maxQueuedWrites, maxConnections, maxConnectionsPerSource, maxHalfOpen, seed);
    }

    public UtcpConfig withInitialRttNanos(long value) {
        return new UtcpConfig(mss, bufferPackets, bufferBytes, paceBytesPerSecond, burstBytes, reorderWindowNanos, reorderPackets, maxHeldPackets, nackRepeatMinNanos, nackRepeatMaxNanos, nackTimeoutNanos, retentionNanos, tailKeepPackets, value, retryNanos, connectTimeoutNanos, finTimeoutNanos, idleTimeoutNanos, lingerNanos, maxQueuedBytes, maxQueuedWrites, maxConnections, maxConnectionsPerSource, maxHalfOpen, seed);
    }

    public UtcpConfig withRetryNanos(long value) {
        return new UtcpConfig(mss, bufferPackets, bufferBytes, paceBytesPerSecond, burstBytes, reorderWindowNanos, reorderPackets, maxHeldPackets, nackRepeatMinNanos, nackRepeatMaxNanos, nackTimeoutNanos, retentionNanos, tailKeepPackets, initialRttNanos, value, connectTimeoutNanos, finTimeoutNanos, idleTimeoutNanos, lingerNanos, maxQueuedBytes, maxQueuedWrites, maxConnections, maxConnectionsPerSource, maxHalfOpen, seed);
    }

    public UtcpConfig withConnectTimeoutNanos(long value) {
        return new UtcpConfig(mss, bufferPackets, bufferBytes, paceBytesPerSecond, burstBytes, reorderWindowNanos, reorderPackets, maxHeldPackets, nackRepeatMinNanos, nackRepeatMaxNanos, nackTimeoutNanos, retentionNanos, tailKeepPackets, initialRttNanos, retryNanos, value, finTimeoutNanos, idleTimeoutNanos, lingerNanos, maxQueuedBytes, maxQueuedWrites, maxConnections, maxConnectionsPerSource, maxHalfOpen, seed);
    }

    public UtcpConfig withFinTimeoutNanos(long value) {
        return new UtcpConfig(mss, bufferPackets, bufferBytes, paceBytesPerSecond, burstBytes, reorderWindowNanos, reorderPackets, maxHeldPackets, nackRepeatMinNanos, nackRepeatMaxNanos, nackTimeoutNanos, retentionNanos, tailKeepPackets, initialRttNanos, retryNanos, connectTimeoutNanos, value, idleTimeoutNanos, lingerNanos, maxQueuedBytes, maxQueuedWrites, maxConnections, maxConnectionsPerSource, maxHalfOpen, seed);
    }

    public UtcpConfig withIdleTimeoutNanos(long value) {
        return new UtcpConfig(mss, bufferPackets, bufferBytes, paceBytesPerSecond, burstBytes, reorderWindowNanos, reorderPackets, maxHeldPackets, nackRepeatMinNanos, nackRepeatMaxNanos, nackTimeoutNanos, retentionNanos, tailKeepPackets, initialRttNanos, retryNanos, connectTimeoutNanos, finTimeoutNanos, value, lingerNanos, maxQueuedBytes, maxQueuedWrites, maxConnections, maxConnectionsPerSource, maxHalfOpen, seed);
    }

    public UtcpConfig withLingerNanos(long value) {
        return new UtcpConfig(mss, bufferPackets, bufferBytes, paceBytesPerSecond, burstBytes, reorderWindowNanos, reorderPackets, maxHeldPackets, nackRepeatMinNanos, nackRepeatMaxNanos, nackTimeoutNanos, retentionNanos, tailKeepPackets, initialRttNanos, retryNanos, connectTimeoutNanos, finTimeoutNanos, idleTimeoutNanos, value, maxQueuedBytes, maxQueuedWrites, maxConnections, maxConnectionsPerSource, maxHalfOpen, seed);
    }

    public UtcpConfig withMaxQueuedBytes(long value) {
        return new UtcpConfig(mss, bufferPackets, bufferBytes, paceBytesPerSecond, burstBytes, reorderWindowNanos, reorderPackets, maxHeldPackets, nackRepeatMinNanos, nackRepeatMaxNanos, nackTimeoutNanos, retentionNanos, tailKeepPackets, initialRttNanos, retryNanos, connectTimeoutNanos, finTimeoutNanos, idleTimeoutNanos, lingerNanos, value, maxQueuedWrites, maxConnections, maxConnectionsPerSource, maxHalfOpen, seed);
    }

    public UtcpConfig withMaxQueuedWrites(int value) {
        return new UtcpConfig(mss, bufferPackets, bufferBytes, paceBytesPerSecond, burstBytes, reorderWindowNanos, reorderPackets, maxHeldPackets, nackRepeatMinNanos, nackRepeatMaxNanos, nackTimeoutNanos, retentionNanos, tailKeepPackets, initialRttNanos, retryNanos, connectTimeoutNanos, finTimeoutNanos, idleTimeoutNanos, lingerNanos, maxQueuedBytes, value, maxConnections, maxConnectionsPerSource, maxHalfOpen, seed);
    }

    public UtcpConfig withMaxConnections(int value) {
        return new UtcpConfig(mss, bufferPackets, bufferBytes, paceBytesPerSecond, burstBytes, reorderWindowNanos, reorderPackets, maxHeldPackets, nackRepeatMinNanos, nackRepeatMaxNanos, nackTimeoutNanos, retentionNanos, tailKeepPackets, initialRttNanos, retryNanos, connectTimeoutNanos, finTimeoutNanos, idleTimeoutNanos, lingerNanos, maxQueuedBytes, maxQueuedWrites, value, maxConnectionsPerSource, maxHalfOpen, seed);
    }

    public UtcpConfig withMaxConnectionsPerSource(int value) {
        return new UtcpConfig(mss, bufferPackets, bufferBytes, paceBytesPerSecond, burstBytes, reorderWindowNanos, reorderPackets, maxHeldPackets, nackRepeatMinNanos, nackRepeatMaxNanos, nackTimeoutNanos, retentionNanos, tailKeepPackets, initialRttNanos, retryNanos, connectTimeoutNanos, finTimeoutNanos, idleTimeoutNanos, lingerNanos, maxQueuedBytes, maxQueuedWrites, maxConnections, value, maxHalfOpen, seed);
    }

    public UtcpConfig withMaxHalfOpen(int value) {
        return new UtcpConfig(mss, bufferPackets, bufferBytes, paceBytesPerSecond, burstBytes, reorderWindowNanos, reorderPackets, maxHeldPackets, nackRepeatMinNanos, nackRepeatMaxNanos, nackTimeoutNanos, retentionNanos, tailKeepPackets, initialRttNanos, retryNanos, connectTimeoutNanos, finTimeoutNanos, idleTimeoutNanos, lingerNanos, maxQueuedBytes, maxQueuedWrites, maxConnections, maxConnectionsPerSource, value, seed);
    }

    public UtcpConfig withSeed(Long value) {
        return new UtcpConfig(mss, bufferPackets, bufferBytes, paceBytesPerSecond, burstBytes, reorderWindowNanos, reorderPackets, maxHeldPackets, nackRepeatMinNanos, nackRepeatMaxNanos, nackTimeoutNanos, retentionNanos, tailKeepPackets, initialRttNanos, retryNanos, connectTimeoutNanos, finTimeoutNanos, idleTimeoutNanos, lingerNanos, maxQueuedBytes, maxQueuedWrites, maxConnections, maxConnectionsPerSource, maxHalfOpen, value);
    }
}
