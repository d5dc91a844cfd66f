package dev.cellscope.analysis;

import dev.cellscope.protocol.BoundedRangeSet;

/**
 * Seqs (positions, see {@link dev.cellscope.protocol.utcp.UtcpSeq}) a NACK asked for that have
 * not been re-sent yet, as ranges (a NACK may name 2^32 seqs in eight bytes, so nothing here is
 * per seq). Each range remembers the NACK's frame and time, to link the retransmission that
 * answers it. Overlapping requests merge and take the newest NACK (it asked again); requests that
 * only touch stay apart, each with its own NACK. Bounded: past {@link #MAX_RANGES} the oldest
 * ranges are dropped (and counted).
 *
 * <p>Seqs an SBI answer proved delivered ({@link #provenBelow}) are owed no re-send: the peer
 * ignores a NACK for them ({@link dev.cellscope.protocol.sbi.SbiDeliveryProof}). They stay here, so
 * a re-send that comes anyway is still told a retransmission, but {@link #unanswered} leaves them out.
 */
final class NackedSeqs {
    static final int MAX_RANGES = 4096;

    /** A requested range [first, end) and the NACK that asked for it. */
    record Request(long first, long end, long frame, long timeNanos) {}

    /** The NACK behind a range. */
    private record Asked(long frame, long timeNanos) {}

    /** Seqs below this one were proven delivered by an SBI answer (-1: none yet). */
    private long owedFrom = -1;

    private final BoundedRangeSet<Asked> requested = new BoundedRangeSet<>(MAX_RANGES,
            BoundedRangeSet.Merge.OVERLAPPING, BoundedRangeSet.WhenFull.DROP_LOWEST, a -> a);

    /** Records a NACKed range; overlapping ranges merge and take the newest NACK (it asked again). */
    void add(long first, long count, long frame, long timeNanos) {
        if (count <= 0) return;
        requested.add(first, first + count - 1, new Asked(frame, timeNanos));
    }

    /** The request covering {@code seq}, or null. */
    Request find(long seq) {
        BoundedRangeSet.Range<Asked> r = requested.find(seq);
        return r == null ? null : new Request(r.first(), r.last() + 1, r.value().frame(), r.value().timeNanos());
    }

    /** Removes {@code seq} from its range (it has been answered), splitting the range. */
    void answer(long seq) {
        requested.remove(seq);
    }

    /** True when any seq in [first, end) is requested. */
    boolean anyIn(long first, long end) {
        return end > first && requested.anyIn(first, end - 1);
    }

    int ranges() {
        return requested.rangeCount();
    }

    /** The receiver has every seq below {@code seqEnd} (an SBI answer proved it): NACKs for them are owed nothing. */
    void provenBelow(long seqEnd) {
        owedFrom = Math.max(owedFrom, seqEnd);
    }

    /** Ranges still owed a re-send: those with a seq at or above the proven point (a range across it counts). */
    int unanswered() {
        if (owedFrom < 0) return requested.rangeCount();
        int below = 0;
        for (BoundedRangeSet.Range<Asked> r : requested.ranges()) {
            if (r.last() >= owedFrom) break;
            below++;
        }
        return requested.rangeCount() - below;
    }

    long dropped() {
        return requested.dropped();
    }
}
