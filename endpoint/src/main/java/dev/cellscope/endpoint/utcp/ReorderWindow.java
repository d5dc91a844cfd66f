package dev.cellscope.endpoint.utcp;

import dev.cellscope.protocol.BoundedRangeSet;
import dev.cellscope.protocol.BoundedRangeSet.Range;
import dev.cellscope.protocol.utcp.UtcpSeq;
import dev.cellscope.wire.NackRange;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * UTCP's reorder and NACK window, the receiving half of a direction: delivers DATA in seq order, holds what arrives early (up to
 * a bound), and tracks the missing seqs as gaps, each with its reorder-window deadline and NACK
 * backoff. A seq is known missing once a later one is known to exist: a later DATA, the FIN, or
 * the "next unused seq" an ACK or NACK from the peer carries.
 */
final class ReorderWindow {

    enum Outcome { DELIVERED, HELD, DUPLICATE, OUT_OF_WINDOW }

    /** When the seqs of one range of missing seqs were detected, and their NACK schedule. */
    static final class Gap {
        final long detectedAt;
        long dueAt;
        int nacks;
        long firstNackAt = -1;

        Gap(long detectedAt, long dueAt) {
            this.detectedAt = detectedAt;
            this.dueAt = dueAt;
        }

        /** The schedule for the other half of a split range. */
        Gap copy() {
            Gap g = new Gap(detectedAt, dueAt);
            g.nacks = nacks;
            g.firstNackAt = firstNackAt;
            return g;
        }
    }

    private final TreeMap<Long, byte[]> held = new TreeMap<>();
    /**
     * Missing seqs, as ranges detected at the same moment (ranges detected apart stay apart).
     * Bounded by {@code maxHeld} through {@link #announce}; the cap here is never reached.
     */
    private final BoundedRangeSet<Gap> gaps = new BoundedRangeSet<>(Integer.MAX_VALUE,
            BoundedRangeSet.Merge.OVERLAPPING, BoundedRangeSet.WhenFull.REFUSE, Gap::copy);
    private final int maxHeld;
    private final long reorderWindow;
    private final int reorderPackets;
    private long next;
    private long highest;
    /** While paused, in-order DATA is held like early DATA instead of delivered (the application's back-pressure). */
    private boolean paused;
    private long lastRttSample = -1;

    ReorderWindow(long firstDataSeq, int maxHeld, long reorderWindow, int reorderPackets) {
        this.next = firstDataSeq;
        this.highest = firstDataSeq - 1;
        this.maxHeld = maxHeld;
        this.reorderWindow = reorderWindow;
        this.reorderPackets = reorderPackets;
    }

    /** The next seq to deliver (everything below was delivered): the receiver's cumulative point. */
    long next() {
        return next;
    }

    /** The highest seq known to exist. */
    long highest() {
        return highest;
    }

    int heldCount() {
        return held.size();
    }

    boolean hasGaps() {
        return !gaps.isEmpty();
    }

    /** Seqs below {@code upTo} exist; those not seen yet become a gap detected now. */
    void announce(long upTo, long now) {
        upTo = Math.min(upTo, next + maxHeld);
        if (upTo - 1 <= highest) return;
        gaps.add(highest + 1, upTo - 1, new Gap(now, now + reorderWindow));
        highest = upTo - 1;
        if (reorderPackets > 0) promoteByCount(now);
    }

    /** Seq {@code seq} has arrived (DATA or FIN): it is no longer missing. */
    void arrived(long seq, long now) {
        if (seq > highest) {
            announce(seq, now);
            highest = Math.max(highest, seq);
            if (reorderPackets > 0) promoteByCount(now);
        } else {
            sampleRtt(seq, now);
            fill(seq);
        }
    }

    /**
     * A missing seq NACKed exactly once has come: NACK to re-sent copy is a round trip (plus the sender's turn
     * around). Karn's rule: after a repeated NACK the copy may answer either, so no sample. -1 when none.
     */
    private void sampleRtt(long seq, long now) {
        Range<Gap> r = gaps.find(seq);
        if (r != null && r.value().nacks == 1 && r.value().firstNackAt >= 0) lastRttSample = Math.max(1, now - r.value().firstNackAt);
    }

    /** The round trip measured by the latest {@link #arrived} (see {@link #sampleRtt}), then forgotten; -1 if none. */
    long takeRttSample() {
        long s = lastRttSample;
        lastRttSample = -1;
        return s;
    }

    Outcome accept(long seq, byte[] payload, long now, Consumer<byte[]> deliver) {
        if (seq < next || held.containsKey(seq)) return Outcome.DUPLICATE;
        if (seq >= next + maxHeld) return Outcome.OUT_OF_WINDOW;
        arrived(seq, now);
        if (seq != next || paused) {
            held.put(seq, payload);
            return Outcome.HELD;
        }
        deliver.accept(payload);
        next++;
        deliverHeld(deliver);
        return Outcome.DELIVERED;
    }

    /** Delivers the held run starting at {@link #next()}, until it ends or {@code deliver} pauses us. */
    private void deliverHeld(Consumer<byte[]> deliver) {
        byte[] p;
        while (!paused && (p = held.remove(next)) != null) {
            deliver.accept(p);
            next++;
        }
    }

    boolean paused() {
        return paused;
    }

    /** Stops delivery: what arrives is held (at most {@code maxHeld} seqs ahead of next; beyond is dropped, later NACKed). */
    void pause() {
        paused = true;
    }

    /** Resumes delivery with what was held in order. */
    void resume(Consumer<byte[]> deliver) {
        paused = false;
        deliverHeld(deliver);
    }

    private void fill(long seq) {
        gaps.remove(seq);
    }

    /** Gaps with {@code reorderPackets} later seqs known are due now, window or not. */
    private void promoteByCount(long now) {
        for (Range<Gap> r : gaps.ranges()) {
            Gap g = r.value();
            if (g.nacks == 0 && g.dueAt > now && highest - r.last() >= reorderPackets) g.dueAt = now;
        }
    }

    /** When the next NACK is due, or {@link Long#MAX_VALUE}. */
    long nextDue() {
        long due = Long.MAX_VALUE;
        for (Range<Gap> r : gaps.ranges()) due = Math.min(due, r.value().dueAt);
        return due;
    }

    /** When the longest-unanswered NACKed seq was first NACKed, or -1. */
    long oldestNackAt() {
        long t = -1;
        for (Range<Gap> r : gaps.ranges()) {
            Gap g = r.value();
            if (g.firstNackAt >= 0 && (t < 0 || g.firstNackAt < t)) t = g.firstNackAt;
        }
        return t;
    }

    long lowestMissing() {
        return gaps.isEmpty() ? -1 : gaps.lowest().first();
    }

    /**
     * The ranges of the NACK to send now, or an empty list when none is due. The lowest gap is
     * always first, so the first range starts at {@link #next()}: the sender frees what is below.
     */
    List<NackRange> collectNack(long now, int maxRanges, long repeatBase, long repeatMax) {
        List<NackRange> ranges = new ArrayList<>();
        boolean anyDue = false;
        for (Range<Gap> r : gaps.ranges()) {
            if (r.value().dueAt <= now) {
                anyDue = true;
                break;
            }
        }
        if (!anyDue) return ranges;
        boolean first = true;
        for (Range<Gap> r : gaps.ranges()) {
            Gap g = r.value();
            if (ranges.size() == maxRanges) break;
            if (!first && g.dueAt > now) continue;
            first = false;
            ranges.add(new NackRange(UtcpSeq.wire(r.first()), r.count()));
            g.nacks++;
            if (g.firstNackAt < 0) g.firstNackAt = now;
            int shift = Math.min(g.nacks - 1, 20);
            g.dueAt = now + Math.min(repeatMax, repeatBase << shift);
        }
        return ranges;
    }
}
