package dev.cellscope.analysis;

import dev.cellscope.protocol.BoundedRangeSet;

/**
 * The distinct slots seen on one data flow, as sorted disjoint ranges. A sender normally sends
 * slots in order, so the set stays a handful of ranges however long the flow is; gaps only
 * persist for slots lost before the tap or sent far out of order. The number of ranges is
 * capped: once full, a slot that would open a new range is not recorded and the set reports
 * itself {@link #saturated()} (its count is then a lower bound).
 *
 * <p>Slots are unsigned 64-bit; they are stored with the sign bit flipped so that signed
 * comparison gives unsigned order.
 */
final class TetherSlotSet {
    private final BoundedRangeSet<Void> slots;

    TetherSlotSet(int maxRanges) {
        if (maxRanges < 1) throw new IllegalArgumentException("maxRanges " + maxRanges);
        slots = BoundedRangeSet.ofNumbers(maxRanges, BoundedRangeSet.WhenFull.REFUSE);
    }

    boolean contains(long slot) {
        return slots.contains(slot ^ Long.MIN_VALUE);
    }

    /** Records {@code slot}; false when it was already present or could not be stored (cap). */
    boolean add(long slot) {
        long x = slot ^ Long.MIN_VALUE;
        return !slots.contains(x) && slots.add(x, null);
    }

    /** Distinct slots recorded (a lower bound once {@link #saturated()}). */
    long distinct() {
        return slots.size();
    }

    boolean saturated() {
        return slots.hitCap();
    }

    int ranges() {
        return slots.rangeCount();
    }
}
