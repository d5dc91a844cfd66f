package dev.cellscope.flow;

import java.util.Map;
import java.util.TreeMap;

/**
 * The seqs of a UTCP direction still waiting to be seen: ranges NACKed or skipped by a gap, from
 * which every DATA packet removes its seq. Held as disjoint half-open ranges, at most
 * {@code maxRanges} of them; beyond that the lowest (oldest) range is forgotten, since old holes
 * are the likeliest to have been filled, and the count becomes a lower bound.
 */
final class SeqRanges {
    private final TreeMap<Long, Long> ranges = new TreeMap<>(); // first → end (exclusive)
    private final int maxRanges;
    private long total;
    private boolean overflowed;

    SeqRanges(int maxRanges) {
        this.maxRanges = maxRanges;
    }

    /** Adds {@code [first, first + count)}. */
    void add(long first, long count) {
        if (count <= 0) return;
        long a = first, b = first + count;
        Map.Entry<Long, Long> below = ranges.floorEntry(a);
        if (below != null && below.getValue() >= a) {
            a = below.getKey();
            b = Math.max(b, below.getValue());
            remove(below);
        }
        for (Map.Entry<Long, Long> e = ranges.ceilingEntry(a); e != null && e.getKey() <= b; e = ranges.ceilingEntry(a)) {
            b = Math.max(b, e.getValue());
            remove(e);
        }
        put(a, b);
        trim();
    }

    /** Removes one seq (a DATA packet carrying it was seen). */
    void remove(long seq) {
        Map.Entry<Long, Long> e = ranges.floorEntry(seq);
        if (e == null || e.getValue() <= seq) return;
        long a = e.getKey(), b = e.getValue();
        remove(e);
        if (a < seq) put(a, seq);
        if (seq + 1 < b) put(seq + 1, b);
        trim(); // a split adds a range
    }

    private void trim() {
        while (ranges.size() > maxRanges) {
            remove(ranges.firstEntry());
            overflowed = true;
        }
    }

    private void put(long a, long b) {
        ranges.put(a, b);
        total += b - a;
    }

    private void remove(Map.Entry<Long, Long> e) {
        ranges.remove(e.getKey());
        total -= e.getValue() - e.getKey();
    }

    /** Seqs still open. */
    long size() {
        return total;
    }

    /** Whether ranges were forgotten (the size is then a lower bound). */
    boolean overflowed() {
        return overflowed;
    }

    int rangeCount() {
        return ranges.size();
    }
}
