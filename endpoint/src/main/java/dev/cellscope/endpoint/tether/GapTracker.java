package dev.cellscope.endpoint.tether;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which slots of a flow are missing and when to NACK them. A slot is missing once a later slot
 * (or the Manifest, which stands for "everything was sent") has arrived; it is NACKed when it has
 * been missing for the reorder window, and again every NACK-retry interval while still missing.
 * Memory is proportional to the slots missing at once, not to the flow.
 */
final class GapTracker {
    private final long reorderNanos, retryNanos;
    private final TreeMap<Long, Long> missingSince = new TreeMap<>();
    private final Map<Long, Long> nackedAt = new HashMap<>();
    private long highest = -1;

    GapTracker(long reorderNanos, long retryNanos) {
        this.reorderNanos = reorderNanos;
        this.retryNanos = retryNanos;
    }

    /** Slot {@code slot} arrived; {@code have} tells whether an earlier slot is already held. */
    void arrived(long slot, long now, java.util.function.LongPredicate have) {
        seenUpTo(slot - 1, now, have);
        highest = Math.max(highest, slot);
        missingSince.remove(slot);
        nackedAt.remove(slot);
    }

    /** Every slot up to {@code last} was sent (a later slot or the Manifest says so). */
    void seenUpTo(long last, long now, java.util.function.LongPredicate have) {
        for (long s = highest + 1; s <= last; s++) if (!have.test(s)) missingSince.put(s, now);
        highest = Math.max(highest, last);
    }

    int missing() {
        return missingSince.size();
    }

    /**
     * Slots due for a NACK at {@code now}, marked as NACKed now. Slots falling due within the next
     * half reorder window come along, so gaps noticed close together share one bulk Nack rather
     * than trickling out one singleton each.
     */
    List<Long> due(long now) {
        long horizon = now + reorderNanos / 2;
        List<Long> out = new ArrayList<>();
        for (Map.Entry<Long, Long> e : missingSince.entrySet()) {
            Long last = nackedAt.get(e.getKey());
            if (last == null ? e.getValue() + reorderNanos <= horizon : last + retryNanos <= horizon) out.add(e.getKey());
        }
        for (long s : out) nackedAt.put(s, now);
        return out;
    }

    /** Forgets that {@code slot} was NACKed now (it could not be sent), so the next check retries it. */
    void unmark(long slot, long now) {
        nackedAt.put(slot, now - retryNanos + reorderNanos);
    }

    /** When the next NACK falls due, or {@code Long.MAX_VALUE} if nothing is missing. */
    long nextDue() {
        long next = Long.MAX_VALUE;
        for (Map.Entry<Long, Long> e : missingSince.entrySet()) {
            Long last = nackedAt.get(e.getKey());
            next = Math.min(next, last == null ? e.getValue() + reorderNanos : last + retryNanos);
        }
        return next;
    }
}
