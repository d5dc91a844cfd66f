package dev.cellscope.endpoint.sbi;

/**
 * What one {@link SbiPeer} keeps for its remote, so a hostile or broken peer cannot grow it
 * without bound, and how long it waits for a silent one.
 *
 * @param maxPendingOffers     objects offered to us (DAG_SYNC) whose chunks have not all arrived; a
 *                             newer offer beyond it forgets the oldest (its blocks are still stored and
 *                             ACKed, but it is not reported complete and its manifest is not written)
 * @param maxPendingOfferNodes the same bound counted in the offers' node lists (32 bytes each)
 * @param silenceTimeoutNanos  while our requests await answers (a put's blocks, a get's DAG_SYNC or
 *                             blocks, the remote's HANDSHAKE), hearing nothing from the peer for this
 *                             long closes the connection: the peer is gone. 0 = wait forever
 */
public record SbiPeerLimits(int maxPendingOffers, int maxPendingOfferNodes, long silenceTimeoutNanos) {
    public static final int DEFAULT_MAX_PENDING_OFFERS = 16;
    /** Two full-size objects' node lists (8190 nodes each). */
    public static final int DEFAULT_MAX_PENDING_OFFER_NODES = 16_384;
    public static final long DEFAULT_SILENCE_TIMEOUT_NANOS = 60_000_000_000L; // above the 10 s send stalls of long transfers (issue 12 item 8, open)

    public SbiPeerLimits {
        if (maxPendingOffers < 1 || maxPendingOfferNodes < 1) throw new IllegalArgumentException("offer bounds must be positive");
        if (silenceTimeoutNanos < 0) throw new IllegalArgumentException("silence timeout " + silenceTimeoutNanos);
    }

    public static SbiPeerLimits defaults() {
        return new SbiPeerLimits(DEFAULT_MAX_PENDING_OFFERS, DEFAULT_MAX_PENDING_OFFER_NODES, DEFAULT_SILENCE_TIMEOUT_NANOS);
    }

    public SbiPeerLimits withMaxPendingOffers(int value) {
        return new SbiPeerLimits(value, maxPendingOfferNodes, silenceTimeoutNanos);
    }

    public SbiPeerLimits withMaxPendingOfferNodes(int value) {
        return new SbiPeerLimits(maxPendingOffers, value, silenceTimeoutNanos);
    }

    public SbiPeerLimits withSilenceTimeoutNanos(long value) {
        return new SbiPeerLimits(maxPendingOffers, maxPendingOfferNodes, value);
    }
}
