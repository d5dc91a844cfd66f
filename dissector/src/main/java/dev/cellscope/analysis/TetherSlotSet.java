package dev.cellscope.analysis;

import java.util.Arrays;

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
    private final int maxRanges;
    private long[] starts = new long[4], ends = new long[4]; // inclusive, flipped
    private int ranges;
    private long distinct;
    private boolean saturated;

    TetherSlotSet(int maxRanges) {
        if (maxRanges < 1) throw new IllegalArgumentException("maxRanges " + maxRanges);
        this.maxRanges = maxRanges;
    }

    boolean contains(long slot) {
        long x = slot ^ Long.MIN_VALUE;
        int i = floor(x);
        return i >= 0 && x <= ends[i];
    }

    /** Records {@code slot}; false when it was already present or could not be stored (cap). */
    boolean add(long slot) {
        long x = slot ^ Long.MIN_VALUE;
        int i = floor(x);
        if (i >= 0 && x <= ends[i]) return false;
        // x - 1 and x + 1 cannot wrap here: a range left of x ends below x, one right of x starts above it.
        boolean joinLeft = i >= 0 && ends[i] == x - 1;
        boolean joinRight = i + 1 < ranges && starts[i + 1] == x + 1;
        if (joinLeft && joinRight) {
            ends[i] = ends[i + 1];
            remove(i + 1);
        } else if (joinLeft) {
            ends[i] = x;
        } else if (joinRight) {
            starts[i + 1] = x;
        } else {
            if (ranges == maxRanges) {
                saturated = true;
                return false;
            }
            insert(i + 1, x);
        }
        if (distinct != Long.MAX_VALUE) distinct++;
        return true;
    }

    /** Distinct slots recorded (a lower bound once {@link #saturated()}). */
    long distinct() {
        return distinct;
    }

    boolean saturated() {
        return saturated;
    }

    int ranges() {
        return ranges;
    }

    /** Index of the last range starting at or below {@code x}, or -1. */
    private int floor(long x) {
        int lo = 0, hi = ranges - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] <= x) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    private void insert(int at, long x) {
        if (ranges == starts.length) {
            int grown = Math.min(maxRanges, starts.length * 2);
            starts = Arrays.copyOf(starts, grown);
            ends = Arrays.copyOf(ends, grown);
        }
        System.arraycopy(starts, at, starts, at + 1, ranges - at);
        System.arraycopy(ends, at, ends, at + 1, ranges - at);
        starts[at] = x;
        ends[at] = x;
        ranges++;
    }

    private void remove(int at) {
        System.arraycopy(starts, at + 1, starts, at, ranges - at - 1);
        System.arraycopy(ends, at + 1, ends, at, ranges - at - 1);
        ranges--;
    }
}
