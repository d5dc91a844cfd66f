package dev.cellscope.protocol;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * A set of {@code long} numbers (unwrapped UTCP seq positions, Tether slots) kept as disjoint
 * inclusive ranges in signed order, each range carrying a value (what asked for it, when it went
 * missing; {@code null} for a plain set). Memory is bounded by the number of ranges, not of
 * numbers: a NACK may name 2^32 seqs in eight bytes.
 *
 * <p>The callers differ in two ways, so both are parameters:
 * <ul>
 * <li>{@link Merge}: whether a new range joins only ranges it overlaps (each keeps the request
 *     that named it) or also those it touches end to end (a plain set of numbers). A joined
 *     range takes the new value.</li>
 * <li>{@link WhenFull}: at {@code maxRanges} ranges, either the lowest ranges are dropped (old
 *     holes are the likeliest to have been filled) or a change that needs a new range is refused.
 *     Either way {@link #hitCap()} turns true and {@link #size()} becomes a lower bound.</li>
 * </ul>
 * A removal or {@link #isolate} that splits a range follows the same rule: under DROP_LOWEST the
 * lowest range goes, under REFUSE nothing changes. Sizes assume fewer than 2^63 numbers.
 * Numbers above {@code Long.MAX_VALUE} (u64 slots) are stored with the sign bit flipped by the
 * caller, so that signed order is unsigned order.
 *
 * @param <V> the value of a range; mutable values are copied with the given function on a split
 */
public final class BoundedRangeSet<V> {

    /** Which existing ranges a new range joins. */
    public enum Merge { OVERLAPPING, TOUCHING }

    /** What happens when a change would need more than {@code maxRanges} ranges. */
    public enum WhenFull { DROP_LOWEST, REFUSE }

    /** The numbers {@code first..last} (inclusive) and their value. */
    public record Range<V>(long first, long last, V value) {
        public Range {
            if (last < first) throw new IllegalArgumentException("range " + first + ".." + last);
        }

        public long count() {
            return last - first + 1;
        }

        public boolean contains(long x) {
            return x >= first && x <= last;
        }
    }

    private final TreeMap<Long, Range<V>> byFirst = new TreeMap<>();
    private final int maxRanges;
    private final Merge merge;
    private final WhenFull whenFull;
    private final UnaryOperator<V> copyOnSplit;
    private long size;
    private long dropped;
    private boolean hitCap;

    /**
     * @param copyOnSplit gives the upper half of a split range its own value (identity for immutable values)
     */
    public BoundedRangeSet(int maxRanges, Merge merge, WhenFull whenFull, UnaryOperator<V> copyOnSplit) {
        if (maxRanges < 1) throw new IllegalArgumentException("maxRanges " + maxRanges);
        this.maxRanges = maxRanges;
        this.merge = Objects.requireNonNull(merge, "merge");
        this.whenFull = Objects.requireNonNull(whenFull, "whenFull");
        this.copyOnSplit = Objects.requireNonNull(copyOnSplit, "copyOnSplit");
    }

    /** A set of numbers without values: touching ranges join. */
    public static BoundedRangeSet<Void> ofNumbers(int maxRanges, WhenFull whenFull) {
        return new BoundedRangeSet<>(maxRanges, Merge.TOUCHING, whenFull, v -> v);
    }

    /**
     * Adds {@code first..last} with {@code value}, joining the ranges it overlaps (or touches,
     * under TOUCHING). Returns false when it was refused because the set is full.
     */
    public boolean add(long first, long last, V value) {
        if (last < first) throw new IllegalArgumentException("range " + first + ".." + last);
        long a = first, b = last;
        List<Range<V>> joined = new ArrayList<>(2);
        Map.Entry<Long, Range<V>> below = byFirst.floorEntry(first);
        if (below != null && joins(below.getValue().last(), first)) {
            joined.add(below.getValue());
            a = below.getKey();
            b = Math.max(b, below.getValue().last());
        }
        for (Map.Entry<Long, Range<V>> e = byFirst.higherEntry(first); e != null && joins(b, e.getKey());
             e = byFirst.higherEntry(e.getKey())) {
            joined.add(e.getValue());
            b = Math.max(b, e.getValue().last());
        }
        if (joined.isEmpty() && byFirst.size() >= maxRanges && whenFull == WhenFull.REFUSE) {
            hitCap = true;
            return false;
        }
        for (Range<V> r : joined) unlink(r);
        link(new Range<>(a, b, value));
        trim();
        return true;
    }

    /** Adds the single number {@code x}; see {@link #add(long, long, Object)}. */
    public boolean add(long x, V value) {
        return add(x, x, value);
    }

    /**
     * Removes {@code x}, splitting its range (the upper half gets a copy of the value). Returns
     * false when {@code x} was absent, or when the split was refused because the set is full.
     */
    public boolean remove(long x) {
        Range<V> r = find(x);
        if (r == null) return false;
        int pieces = (r.first() < x ? 1 : 0) + (x < r.last() ? 1 : 0);
        if (!roomFor(pieces - 1)) return false;
        unlink(r);
        if (r.first() < x) link(new Range<>(r.first(), x - 1, r.value()));
        if (x < r.last()) link(new Range<>(x + 1, r.last(), r.first() < x ? copyOnSplit.apply(r.value()) : r.value()));
        trim();
        return true;
    }

    /**
     * Splits the range holding {@code x} so that {@code x} is a range of its own (with a copy
     * of the value, to change on its own) and returns it; null when {@code x} is absent or the
     * split would exceed the cap (then nothing changes, whatever {@link WhenFull} says).
     */
    public Range<V> isolate(long x) {
        Range<V> r = find(x);
        if (r == null) return null;
        if (r.count() == 1) return r;
        int extra = (r.first() < x ? 1 : 0) + (x < r.last() ? 1 : 0);
        if (byFirst.size() + extra > maxRanges) {
            hitCap = true;
            return null;
        }
        unlink(r);
        if (r.first() < x) link(new Range<>(r.first(), x - 1, r.value()));
        Range<V> own = new Range<>(x, x, copyOnSplit.apply(r.value()));
        link(own);
        if (x < r.last()) link(new Range<>(x + 1, r.last(), copyOnSplit.apply(r.value())));
        return own;
    }

    /** Removes the whole range starting at {@code first} (no cap counting: it is not dropped). */
    public Range<V> removeRange(long first) {
        Range<V> r = byFirst.get(first);
        if (r != null) unlink(r);
        return r;
    }

    /** The range holding {@code x}, or null. */
    public Range<V> find(long x) {
        Map.Entry<Long, Range<V>> e = byFirst.floorEntry(x);
        return e != null && e.getValue().last() >= x ? e.getValue() : null;
    }

    public boolean contains(long x) {
        return find(x) != null;
    }

    /** True when any number of {@code first..last} is in the set. */
    public boolean anyIn(long first, long last) {
        if (contains(first)) return true;
        Long next = byFirst.higherKey(first);
        return next != null && next <= last;
    }

    /** The lowest range, or null. */
    public Range<V> lowest() {
        Map.Entry<Long, Range<V>> e = byFirst.firstEntry();
        return e == null ? null : e.getValue();
    }

    /** The ranges in ascending order (a live, unmodifiable view). */
    public Collection<Range<V>> ranges() {
        return Collections.unmodifiableCollection(byFirst.values());
    }

    /** The ranges holding numbers in {@code first..last}, ascending (a copy). */
    public List<Range<V>> overlapping(long first, long last) {
        List<Range<V>> out = new ArrayList<>();
        Range<V> at = find(first);
        if (at != null) out.add(at);
        if (first == Long.MAX_VALUE) return out;
        out.addAll(byFirst.subMap(first, false, last, true).values());
        return out;
    }

    public boolean isEmpty() {
        return byFirst.isEmpty();
    }

    /** Numbers in the set (a lower bound once {@link #hitCap()}). */
    public long size() {
        return size;
    }

    public int rangeCount() {
        return byFirst.size();
    }

    public int maxRanges() {
        return maxRanges;
    }

    /** Ranges dropped by DROP_LOWEST. */
    public long dropped() {
        return dropped;
    }

    /** Whether the cap was ever reached (ranges dropped or a change refused). */
    public boolean hitCap() {
        return hitCap;
    }

    /** Whether a range ending at {@code lowerLast} joins one starting at {@code upperFirst}. */
    private boolean joins(long lowerLast, long upperFirst) {
        if (lowerLast >= upperFirst) return true;
        return merge == Merge.TOUCHING && lowerLast == upperFirst - 1;
    }

    private boolean roomFor(int extra) {
        if (extra <= 0 || byFirst.size() + extra <= maxRanges || whenFull == WhenFull.DROP_LOWEST) return true;
        hitCap = true;
        return false;
    }

    private void trim() {
        while (byFirst.size() > maxRanges) {
            unlink(byFirst.firstEntry().getValue());
            dropped++;
            hitCap = true;
        }
    }

    private void link(Range<V> r) {
        byFirst.put(r.first(), r);
        size += r.count();
    }

    private void unlink(Range<V> r) {
        byFirst.remove(r.first());
        size -= r.count();
    }
}
