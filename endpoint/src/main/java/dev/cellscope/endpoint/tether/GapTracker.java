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
 *
 * <p>A re-send that was itself lost is noticed sooner than the retry interval: the sender re-sends
 * NACKed slots lowest first, so when the repair of slot {@code j} arrives, a lower slot NACKed at
 * the same time or earlier and still missing has most likely been lost again; it falls due one
 * reorder window later (as a fresh gap would) instead of waiting out the retry. With 5% loss a
 * 1 MiB window loses about 2.5 re-sends, and each used to stall the flow for the whole 20 ms retry
 * (bench/README.md, goodput, session 29).
 */
final class GapTracker {
    /** When a run of slots went missing, and when it was last NACKed. */
    private static final class Missing {
        final long since;
        boolean nacked;
        long nackedAt;
        /** When a later slot's repair showed this one's re-send lost: due then, before the retry interval. */
        long lostAgainDue = Long.MAX_VALUE;

        Missing(long since) {
            this.since = since;
        }

        Missing copy() {
            Missing m = new Missing(since);
            m.nacked = nacked;
            m.nackedAt = nackedAt;
            m.lostAgainDue = lostAgainDue;
            return m;
        }

        long dueAt(long reorderNanos, long retryNanos) {
            return nacked ? Math.min(nackedAt + retryNanos, lostAgainDue) : since + reorderNanos;
        }

        void nackedNow(long now) {
            nacked = true;
            nackedAt = now;
            lostAgainDue = Long.MAX_VALUE;
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
        Range<Missing> at = missing.find(slot);
        boolean repair = at != null && at.value().nacked;
        long nackedAt = repair ? at.value().nackedAt : 0;
        missing.remove(slot); // a run holding the slot splits in two, each with its own copy of the timing
        if (repair) repaired(slot, nackedAt, now);
    }

    /**
     * The repair of {@code slot}, NACKed at {@code nackedAt}, arrived: lower slots NACKed no later are presumed lost
     * again. Scans the runs below it: at most the runs missing at once, a few dozen in a window.
     */
    private void repaired(long slot, long nackedAt, long now) {
        if (slot == 0) return;
        for (Range<Missing> r : missing.overlapping(0, slot - 1)) {
            Missing m = r.value();
            if (m.nacked && m.nackedAt <= nackedAt && m.lostAgainDue == Long.MAX_VALUE) m.lostAgainDue = now + reorderNanos;
        }
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
        return due(now, Integer.MAX_VALUE);
    }

    /**
     * As {@link #due(long)}, but at most {@code max} slots, lowest first; the rest stay due for a later round. One
     * data frame for the last slot of a 2^20-slot flow made a million slots due at once (review: 1.66 M NACK frames
     * in 5 s); an honest sender cannot have more missing than the frames its credit paid for.
     */
    List<Long> due(long now, int max) {
        long horizon = now + reorderNanos / 2;
        List<Long> out = new ArrayList<>();
        for (Range<Missing> r : List.copyOf(missing.ranges())) {
            if (out.size() >= max) break;
            Missing m = r.value();
            if (m.dueAt(reorderNanos, retryNanos) > horizon) continue;
            long last = r.last(), room = max - out.size();
            if (r.count() > room) { // split: the first part is NACKed now, the rest keeps its timing
                last = r.first() + room - 1;
                Missing rest = m.copy();
                missing.removeRange(r.first());
                missing.add(r.first(), last, m);
                missing.add(last + 1, r.last(), rest);
            }
            for (long s = r.first(); s <= last; s++) out.add(s);
            m.nackedNow(now);
        }
        return out;
    }

    /** Forgets that {@code slot} was NACKed now (it could not be sent), so the next check retries it. */
    void unmark(long slot, long now) {
        Range<Missing> r = missing.isolate(slot);
        if (r == null) return;
        r.value().nackedNow(now - retryNanos + reorderNanos);
    }

    /** When the next NACK falls due, or {@code Long.MAX_VALUE} if nothing is missing. */
    long nextDue() {
        long next = Long.MAX_VALUE;
        for (Range<Missing> r : missing.ranges()) next = Math.min(next, r.value().dueAt(reorderNanos, retryNanos));
        return next;
    }
}
