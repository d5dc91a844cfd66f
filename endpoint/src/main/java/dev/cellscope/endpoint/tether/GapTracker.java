package dev.cellscope.endpoint.tether;

import dev.cellscope.protocol.BoundedRangeSet;
import dev.cellscope.protocol.BoundedRangeSet.Range;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * Which slots of a flow are missing and when to NACK them. A slot is missing once a later slot
 * (or the Manifest, which stands for "everything was sent") has arrived; it is NACKed when it has
 * been missing for the reorder window, and again every NACK-retry interval while still missing.
 * Memory is proportional to the runs of slots missing at once, not to the flow: slots that went
 * missing together share one range and its timing.
 */
final class GapTracker {
    /** When a run of slots went missing, and when it was last NACKed. */
    private static final class Missing {
        final long since;
        boolean nacked;
        long nackedAt;

        Missing(long since) {
            this.since = since;
        }

        Missing copy() {
            Missing m = new Missing(since);
            m.nacked = nacked;
            m.nackedAt = nackedAt;
            return m;
        }

        long dueAt(long reorderNanos, long retryNanos) {
            return nacked ? nackedAt + retryNanos : since + reorderNanos;
        }
    }

    private final long reorderNanos, retryNanos;
    // Unbounded: a flow's slots are bounded by its Define, and runs never outnumber its slots.
    private final BoundedRangeSet<Missing> missing = new BoundedRangeSet<>(Integer.MAX_VALUE,
            BoundedRangeSet.Merge.OVERLAPPING, BoundedRangeSet.WhenFull.REFUSE, Missing::copy);
    private long highest = -1;

    GapTracker(long reorderNanos, long retryNanos) {
        this.reorderNanos = reorderNanos;
        this.retryNanos = retryNanos;
    }

    /** Slot {@code slot} arrived; {@code have} tells whether an earlier slot is already held. */
    void arrived(long slot, long now, LongPredicate have) {
        seenUpTo(slot - 1, now, have);
        highest = Math.max(highest, slot);
        missing.remove(slot);
    }

    /** Every slot up to {@code last} was sent (a later slot or the Manifest says so). */
    void seenUpTo(long last, long now, LongPredicate have) {
        long runStart = -1;
        for (long s = highest + 1; s <= last; s++) {
            if (!have.test(s)) {
                if (runStart < 0) runStart = s;
            } else if (runStart >= 0) {
                missing.add(runStart, s - 1, new Missing(now));
                runStart = -1;
            }
        }
        if (runStart >= 0) missing.add(runStart, last, new Missing(now));
        highest = Math.max(highest, last);
    }

    int missing() {
        return (int) missing.size();
    }

    /**
     * Slots due for a NACK at {@code now}, marked as NACKed now. Slots falling due within the next
     * half reorder window come along, so gaps noticed close together share one bulk Nack rather
     * than trickling out one singleton each.
     */
    List<Long> due(long now) {
        long horizon = now + reorderNanos / 2;
        List<Long> out = new ArrayList<>();
        for (Range<Missing> r : missing.ranges()) {
            Missing m = r.value();
            if (m.dueAt(reorderNanos, retryNanos) > horizon) continue;
            for (long s = r.first(); s <= r.last(); s++) out.add(s);
            m.nacked = true;
            m.nackedAt = now;
        }
        return out;
    }

    /** Forgets that {@code slot} was NACKed now (it could not be sent), so the next check retries it. */
    void unmark(long slot, long now) {
        Range<Missing> r = missing.isolate(slot);
        if (r == null) return;
        r.value().nacked = true;
        r.value().nackedAt = now - retryNanos + reorderNanos;
    }

    /** When the next NACK falls due, or {@code Long.MAX_VALUE} if nothing is missing. */
    long nextDue() {
        long next = Long.MAX_VALUE;
        for (Range<Missing> r : missing.ranges()) next = Math.min(next, r.value().dueAt(reorderNanos, retryNanos));
        return next;
    }
}
