package dev.cellscope.endpoint.utcp;

/**
 * A snapshot of one connection's counters. Packets and bytes count whole UTCP packets (header
 * included); "data" counts DATA payload. {@code readPauses} counts the times the connection stopped
 * delivering the peer's data because its own queued output was over the bound
 * ({@link UtcpConfig#maxQueuedBytes}); {@code queuedBytesPeak} is the most ever queued. {@code releasedByAnswer}
 * counts packets freed because the layer above proved the peer had them ({@link UtcpConnection#confirmDelivered}).
 */
public record UtcpCounters(long packetsSent, long bytesSent, long packetsReceived, long bytesReceived,
                           long dataPacketsSent, long dataBytesSent, long retransmissions,
                           long dataPacketsReceived, long bytesDelivered, long duplicatesDropped,
                           long outOfWindowDropped, long nacksSent, long nackedSeqs, long nacksReceived,
                           long staleNacksIgnored, long acksSent, long acksReceived,
                           long releasedByNack, long releasedByTime, long releasedByFin, long releasedByAnswer,
                           long readPauses, long queuedBytesPeak) {

    /** The live, mutable tally behind the snapshots (scheduler thread only). */
    static final class Tally {
        long packetsSent, bytesSent, packetsReceived, bytesReceived, dataPacketsSent, dataBytesSent,
                retransmissions, dataPacketsReceived, bytesDelivered, duplicatesDropped, outOfWindowDropped,
                nacksSent, nackedSeqs, nacksReceived, staleNacksIgnored, acksSent, acksReceived,
                releasedByNack, releasedByTime, releasedByFin, releasedByAnswer, readPauses, queuedBytesPeak;

        UtcpCounters snapshot() {
            return new UtcpCounters(packetsSent, bytesSent, packetsReceived, bytesReceived, dataPacketsSent,
                    dataBytesSent, retransmissions, dataPacketsReceived, bytesDelivered, duplicatesDropped,
                    outOfWindowDropped, nacksSent, nackedSeqs, nacksReceived, staleNacksIgnored, acksSent,
                    acksReceived, releasedByNack, releasedByTime, releasedByFin, releasedByAnswer, readPauses, queuedBytesPeak);
        }
    }
}
