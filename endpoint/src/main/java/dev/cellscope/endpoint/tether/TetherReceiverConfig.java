package dev.cellscope.endpoint.tether;

import dev.cellscope.protocol.tether.TetherCredit;

/**
 * How a {@link TetherReceiver} behaves. Times are nanoseconds of the scheduler's clock.
 *
 * @param localId        this endpoint's 48-bit identity
 * @param window         receive window in Tether bytes: credit outstanding plus slots held out of order never exceed it,
 *                       counting only the held slots beyond three windows of them (loss: the sender goes on while a hole
 *                       is repaired); it opens from 256 KiB (or less, if smaller) as data arrives ({@link CreditWindow})
 * @param hailGrant      flow-0 credit the Hail answering a Lamp grants (4096 by PROTOCOLS.md)
 * @param reorderNanos   a gap must persist this long before its slots are NACKed
 * @param nackRetryNanos a NACKed slot still missing after this is NACKed again
 * @param stallNanos     no data for this long while the sender should hold credit: the credit is presumed lost and re-granted
 *                       (once per silence: a sender that stays silent gets no more)
 * @param maxBytes       largest total_bytes a Define may announce, and the most one source address may have announced in open flows
 * @param maxTotalBytes  the most all open flows together may have announced; a Define beyond it is refused
 * @param maxFlows       open flows at once; a Define beyond it is refused
 * @param maxSlots       most slots a Define may announce (total_bytes / slot_size): bounds the per-flow slot bookkeeping
 * @param idleNanos      a flow that hears nothing from its sender for this long is abandoned (its reservation freed)
 * @param maxBulkSlots   slots per bulk Nack frame
 * @param maxFrame       the largest frame the transport carries (UDP: 65507, Ethernet: the MTU): a Define whose full slot
 *                       frame is larger describes frames that cannot arrive, and is refused
 */
public record TetherReceiverConfig(long localId, long window, long hailGrant, long reorderNanos, long nackRetryNanos,
                                   long stallNanos, long maxBytes, long maxTotalBytes, int maxFlows, long maxSlots,
                                   long idleNanos, int maxBulkSlots, long maxFrame) {
    /** 1 GiB: the largest file tether-send sends; a flow's content is held in memory. */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    /**
     * 4 GiB: four sources' worth, so one peer holding its 1 GiB share does not shut others out. What is
     * held in memory is what arrived, at most this.
     */
    public static final long DEFAULT_MAX_TOTAL_BYTES = 4L << 30;
    public static final int DEFAULT_MAX_FLOWS = 64;
    /** 2^20: a 1 GiB flow in tether-send's default 1024-byte slots. */
    public static final long DEFAULT_MAX_SLOTS = 1L << 20;
    /**
     * 1 MiB: at 5% loss a 256 KiB window stalled on a NACK round trip several times per window (issue 12 item 8); a
     * 4 MiB one recovered faster still but let a 1 GB transfer without faults overflow the receiver's socket during
     * its GC pauses (106,642 re-sends, 18 s against 11 s): bench/README.md, goodput, session 25.
     */
    public static final long DEFAULT_WINDOW = 1L << 20;
    public static final long DEFAULT_IDLE_NANOS = 30_000_000_000L;
    /**
     * 65507: the largest UDP payload over IPv4, the largest frame any transport here carries. Before, a Define with a
     * slot size up to 2^32−1 was admitted, and its stall re-grant was one such frame: 8.59 GB (review of tether-recv).
     */
    public static final long DEFAULT_MAX_FRAME = 65_507;

    public TetherReceiverConfig {
        if (window < 2 * TetherPort.HEADER || hailGrant < 0 || reorderNanos < 0 || nackRetryNanos <= 0 || stallNanos <= 0
                || maxBytes < 0 || maxBytes > Integer.MAX_VALUE - 8 - FlowContent.PAGE || maxTotalBytes < 0 || maxFlows < 1
                || maxSlots < 1 || idleNanos <= 0 || maxBulkSlots < 2 || maxFrame < 2 * TetherPort.HEADER) {
            throw new IllegalArgumentException("bad receiver config: " + this);
        }
    }

    /**
     * 1 MiB window (opening from 256 KiB), Hail grant 4096, 2 ms reorder window, 20 ms NACK retry, 40 ms stall; flows up to 1 GiB (and per source),
     * 4 GiB announced in all, 64 open flows, 2^20 slots each, abandoned after 30 s of silence; 256 slots per Nack.
     */
    public static TetherReceiverConfig of(long localId) {
        return new TetherReceiverConfig(localId, DEFAULT_WINDOW, TetherCredit.HAIL_REPLY_GRANT, 2_000_000L, 20_000_000L, 40_000_000L,
                DEFAULT_MAX_BYTES, DEFAULT_MAX_TOTAL_BYTES, DEFAULT_MAX_FLOWS, DEFAULT_MAX_SLOTS, DEFAULT_IDLE_NANOS, 256, DEFAULT_MAX_FRAME);
    }

    public TetherReceiverConfig withWindow(long w) {
        return new TetherReceiverConfig(localId, w, hailGrant, reorderNanos, nackRetryNanos, stallNanos, maxBytes, maxTotalBytes,
                maxFlows, maxSlots, idleNanos, maxBulkSlots, maxFrame);
    }

    public TetherReceiverConfig withTiming(long reorder, long nackRetry, long stall) {
        return new TetherReceiverConfig(localId, window, hailGrant, reorder, nackRetry, stall, maxBytes, maxTotalBytes,
                maxFlows, maxSlots, idleNanos, maxBulkSlots, maxFrame);
    }

    /** The admission limits: largest flow (and per source), total announced, open flows. */
    public TetherReceiverConfig withLimits(long maxFlowBytes, long maxTotal, int flows) {
        return new TetherReceiverConfig(localId, window, hailGrant, reorderNanos, nackRetryNanos, stallNanos, maxFlowBytes, maxTotal,
                flows, maxSlots, idleNanos, maxBulkSlots, maxFrame);
    }

    public TetherReceiverConfig withIdle(long idle) {
        return new TetherReceiverConfig(localId, window, hailGrant, reorderNanos, nackRetryNanos, stallNanos, maxBytes, maxTotalBytes,
                maxFlows, maxSlots, idle, maxBulkSlots, maxFrame);
    }

    /** The largest frame the transport carries: {@code Transport.maxPayload()}. */
    public TetherReceiverConfig withMaxFrame(long bytes) {
        return new TetherReceiverConfig(localId, window, hailGrant, reorderNanos, nackRetryNanos, stallNanos, maxBytes, maxTotalBytes,
                maxFlows, maxSlots, idleNanos, maxBulkSlots, bytes);
    }
}
