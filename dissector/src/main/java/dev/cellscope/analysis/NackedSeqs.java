package dev.cellscope.analysis;

import java.util.Map;
import java.util.TreeMap;

/**
 * Seqs a NACK asked for that have not been re-sent yet, as ranges (a NACK may name 2^32 seqs
 * in eight bytes, so nothing here is per seq). Each range remembers the NACK's frame and time,
 * to link the retransmission that answers it. Bounded: past {@link #MAX_RANGES} the oldest
 * ranges are dropped (and counted).
 */
final class NackedSeqs {
    static final int MAX_RANGES = 4096;

    /** A requested range [first, end) and the NACK that asked for it. */
    record Request(long first, long end, long frame, long timeNanos) {}

    private final TreeMap<Long, Request> byFirst = new TreeMap<>();
    private long dropped;

    /** Records a NACKed range; overlapping ranges merge and take the newest NACK (it asked again). */
    void add(long first, long count, long frame, long timeNanos) {
        if (count <= 0) return;
        long end = first + count;
        Map.Entry<Long, Request> e = byFirst.floorEntry(first);
        if (e != null && e.getValue().end() > first) {
            first = e.getKey();
            end = Math.max(end, e.getValue().end());
            byFirst.remove(e.getKey());
        }
        while ((e = byFirst.ceilingEntry(first)) != null && e.getKey() < end) {
            end = Math.max(end, e.getValue().end());
            byFirst.remove(e.getKey());
        }
        byFirst.put(first, new Request(first, end, frame, timeNanos));
        while (byFirst.size() > MAX_RANGES) {
            byFirst.pollFirstEntry();
            dropped++;
        }
    }

    /** The request covering {@code seq}, or null. */
    Request find(long seq) {
        Map.Entry<Long, Request> e = byFirst.floorEntry(seq);
        return e != null && e.getValue().end() > seq ? e.getValue() : null;
    }

    /** Removes {@code seq} from its range (it has been answered), splitting the range. */
    void answer(long seq) {
        Map.Entry<Long, Request> e = byFirst.floorEntry(seq);
        if (e == null || e.getValue().end() <= seq) return;
        Request r = byFirst.remove(e.getKey());
        if (r.first() < seq) byFirst.put(r.first(), new Request(r.first(), seq, r.frame(), r.timeNanos()));
        if (seq + 1 < r.end()) byFirst.put(seq + 1, new Request(seq + 1, r.end(), r.frame(), r.timeNanos()));
    }

    /** True when any seq in [first, end) is requested. */
    boolean anyIn(long first, long end) {
        Map.Entry<Long, Request> e = byFirst.floorEntry(first);
        if (e != null && e.getValue().end() > first) return true;
        Long next = byFirst.ceilingKey(first);
        return next != null && next < end;
    }

    int ranges() {
        return byFirst.size();
    }

    long dropped() {
        return dropped;
    }
}
