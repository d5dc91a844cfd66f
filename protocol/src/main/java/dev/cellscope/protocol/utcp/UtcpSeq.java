package dev.cellscope.protocol.utcp;

/**
 * UTCP seq arithmetic, the same for the tap and the peer. Seqs are u32 on the wire and wrap at
 * 2^32 (serial-number arithmetic, RFC 1982); code that orders or subtracts them works on
 * <em>positions</em>: unwrapped 64-bit values that only grow, whose low 32 bits are the wire
 * seq. A wire seq is placed at the position nearest to a reference position ({@link #unwrap}).
 */
public final class UtcpSeq {
    private UtcpSeq() {}

    /** The low 32 bits: a wire seq. */
    public static final long MASK = 0xFFFF_FFFFL;
    /** Seqs per wrap. */
    public static final long MODULUS = 1L << 32;

    /** The wire seq (u32) of a position. */
    public static long wire(long position) {
        return position & MASK;
    }

    /** The position whose low 32 bits are {@code wire}, within [-2^31, 2^31) of position {@code near}. */
    public static long unwrap(long wire, long near) {
        return near + (int) (wire - (near & MASK));
    }

    /** Signed distance from wire seq {@code from} to wire seq {@code to}, in [-2^31, 2^31). */
    public static long distance(long from, long to) {
        return (int) (to - from);
    }

    /** Serial-number comparison of two wire seqs: negative when {@code a} comes before {@code b}. */
    public static int compare(long a, long b) {
        return Long.signum(distance(b, a));
    }

    /** True when wire seq {@code a} comes before wire seq {@code b}. */
    public static boolean before(long a, long b) {
        return distance(a, b) > 0;
    }
}
