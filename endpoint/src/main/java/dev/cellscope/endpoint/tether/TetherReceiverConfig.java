package dev.cellscope.endpoint.tether;

import dev.cellscope.protocol.tether.TetherCredit;

/**
 * How a {@link TetherReceiver} behaves. Times are nanoseconds of the scheduler's clock.
 *
 * @param localId        this endpoint's 48-bit identity
 * @param window         receive window in Tether bytes: credit outstanding plus slots held out of order never exceed it
 * @param hailGrant      flow-0 credit the Hail answering a Lamp grants (4096 by PROTOCOLS.md)
 * @param reorderNanos   a gap must persist this long before its slots are NACKed
 * @param nackRetryNanos a NACKed slot still missing after this is NACKed again
 * @param stallNanos     no data for this long while the sender should hold credit: the credit is presumed lost and re-granted
 * @param maxBytes       largest total_bytes a Define may announce (the content is held in memory)
 * @param maxBulkSlots   slots per bulk Nack frame
 */
public record TetherReceiverConfig(long localId, long window, long hailGrant, long reorderNanos, long nackRetryNanos,
                                   long stallNanos, long maxBytes, int maxBulkSlots) {
    public TetherReceiverConfig {
        if (window < 2 * TetherPort.HEADER || hailGrant < 0 || reorderNanos < 0 || nackRetryNanos <= 0 || stallNanos <= 0
                || maxBytes < 0 || maxBulkSlots < 2) {
            throw new IllegalArgumentException("bad receiver config: " + this);
        }
    }

    /** 256 KiB window, Hail grant 4096, 2 ms reorder window, 20 ms NACK retry, 40 ms stall, 1 GiB max, 256 slots per Nack. */
    public static TetherReceiverConfig of(long localId) {
        return new TetherReceiverConfig(localId, 256 * 1024, TetherCredit.HAIL_REPLY_GRANT, 2_000_000L, 20_000_000L, 40_000_000L, 1L << 30, 256);
    }

    public TetherReceiverConfig withWindow(long w) {
        return new TetherReceiverConfig(localId, w, hailGrant, reorderNanos, nackRetryNanos, stallNanos, maxBytes, maxBulkSlots);
    }

    public TetherReceiverConfig withTiming(long reorder, long nackRetry, long stall) {
        return new TetherReceiverConfig(localId, window, hailGrant, reorder, nackRetry, stall, maxBytes, maxBulkSlots);
    }
}
