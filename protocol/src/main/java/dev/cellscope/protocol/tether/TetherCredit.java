package dev.cellscope.protocol.tether;

/**
 * The credit (grant) rule of PROTOCOLS.md section 3, as the tap's ledger and the peer's sender
 * both apply it: a header from B to A with grant G on flow F adds G to A's credit towards B on
 * F; a frame from A to B on F spends its whole Tether length (header plus payload blocks)
 * unless it is LAMP-flagged, which spends nothing.
 */
public final class TetherCredit {
    private TetherCredit() {}

    /** The grant a Lamp normally carries: enough for the Hail that answers it. */
    public static final long LAMP_GRANT = 128;
    /** The grant the Hail answering a Lamp normally carries. */
    public static final long HAIL_REPLY_GRANT = 4096;

    /** Bytes a frame of {@code tetherLength} bytes (header + payload blocks) with {@code flags} spends. */
    public static long cost(int flags, long tetherLength) {
        return TetherFlags.isLamp(flags) ? 0 : tetherLength;
    }

    /** The Tether length of a frame carrying {@code payloadBytes}: the header plus whole, zero-padded blocks. */
    public static long frameLength(long payloadBytes) {
        return TetherLimits.HEADER_SIZE + blocks(payloadBytes) * TetherLimits.BLOCK;
    }

    /** Blocks needed for {@code bytes}. */
    public static long blocks(long bytes) {
        return (bytes + TetherLimits.BLOCK - 1) / TetherLimits.BLOCK;
    }
}
