package dev.cellscope.endpoint.utcp;

/**
 * UTCP seqs are u32 on the wire and wrap; inside the stack they are unwrapped longs that only
 * grow, so comparisons stay plain. A wire value is placed nearest to a reference seq.
 */
final class Seq {
    static final long MASK = 0xFFFF_FFFFL;

    private Seq() {}

    static long wire(long seq) {
        return seq & MASK;
    }

    /** The unwrapped seq whose low 32 bits are {@code wire}, within ±2^31 of {@code near}. */
    static long unwrap(long wire, long near) {
        return near + (int) (wire - (near & MASK));
    }
}
