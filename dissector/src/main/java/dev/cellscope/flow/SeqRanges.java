package dev.cellscope.flow;

import dev.cellscope.protocol.BoundedRangeSet;

/**
 * The seqs (positions, see {@link dev.cellscope.protocol.utcp.UtcpSeq}) of a UTCP direction
 * still waiting to be seen: ranges NACKed or skipped by a gap, from which every DATA packet
 * removes its seq. At most {@code maxRanges} disjoint ranges; beyond that the lowest (oldest)
 * range is forgotten, since old holes are the likeliest to have been filled, and the count
 * becomes a lower bound.
 */
final class SeqRanges {
    private final BoundedRangeSet<Void> open;

    SeqRanges(int maxRanges) {
        open = BoundedRangeSet.ofNumbers(maxRanges, BoundedRangeSet.WhenFull.DROP_LOWEST);
    }

    /** Adds {@code [first, first + count)}. */
    void add(long first, long count) {
        if (count <= 0) return;
        open.add(first, first + count - 1, null);
    }

    /** Removes one seq (a DATA packet carrying it was seen). */
    void remove(long seq) {
        open.remove(seq);
    }

    /** Seqs still open. */
    long size() {
        return open.size();
    }

    /** Whether ranges were forgotten (the size is then a lower bound). */
    boolean overflowed() {
        return open.hitCap();
    }

    int rangeCount() {
        return open.rangeCount();
    }
}
