package dev.cellscope.protocol;

import dev.cellscope.protocol.BoundedRangeSet.Merge;
import dev.cellscope.protocol.BoundedRangeSet.Range;
import dev.cellscope.protocol.BoundedRangeSet.WhenFull;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The range set against a {@link TreeSet} of its numbers, for every merge rule and cap rule. */
class BoundedRangeSetProperties {

    /**
     * add [a, a+len) (len > 0), remove a (len == 0), or isolate a (len < 0; under TOUCHING only a
     * membership check, since isolating leaves touching ranges apart on purpose).
     */
    record Op(long a, int len) {}

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(Arbitraries.longs().between(-40, 200), Arbitraries.integers().between(-3, 12))
                .as(Op::new);
        return op.list().ofMaxSize(200);
    }

    @Property
    void unboundedEqualsTheModel(@ForAll("ops") List<Op> ops, @ForAll boolean touching) {
        BoundedRangeSet<Integer> set = new BoundedRangeSet<>(Integer.MAX_VALUE, touching ? Merge.TOUCHING : Merge.OVERLAPPING,
                WhenFull.REFUSE, v -> v);
        TreeSet<Long> model = new TreeSet<>();
        int step = 0;
        for (Op o : ops) {
            step++;
            if (o.len() > 0) {
                assertTrue(set.add(o.a(), o.a() + o.len() - 1, step));
                for (long x = o.a(); x < o.a() + o.len(); x++) model.add(x);
            } else if (o.len() == 0) {
                assertEquals(model.remove(o.a()), set.remove(o.a()));
            } else if (touching) {
                assertEquals(model.contains(o.a()), set.contains(o.a()));
            } else {
                Range<Integer> r = set.isolate(o.a());
                assertEquals(model.contains(o.a()), r != null);
                if (r != null) assertEquals(1, r.count());
            }
            check(set, model, touching);
        }
        assertFalse(set.hitCap());
    }

    @Property
    void refuseKeepsTheCapAndChangesNothingWhenRefused(@ForAll("ops") List<Op> ops, @ForAll boolean touching,
                                                       @ForAll @IntRange(min = 1, max = 6) int cap) {
        BoundedRangeSet<Integer> set = new BoundedRangeSet<>(cap, touching ? Merge.TOUCHING : Merge.OVERLAPPING,
                WhenFull.REFUSE, v -> v);
        TreeSet<Long> model = new TreeSet<>();
        for (Op o : ops) {
            if (o.len() > 0) {
                if (set.add(o.a(), o.a() + o.len() - 1, 0)) {
                    for (long x = o.a(); x < o.a() + o.len(); x++) model.add(x);
                } else {
                    assertTrue(set.hitCap());
                }
            } else if (o.len() == 0) {
                boolean had = model.contains(o.a());
                if (set.remove(o.a())) model.remove(o.a());
                else if (had) assertTrue(set.hitCap());
            } else if (!touching) {
                set.isolate(o.a());
            }
            assertTrue(set.rangeCount() <= cap);
            check(set, model, touching);
        }
        assertEquals(0, set.dropped());
    }

    @Property
    void dropLowestForgetsOnlyTheLowestRanges(@ForAll("ops") List<Op> ops, @ForAll boolean touching,
                                              @ForAll @IntRange(min = 1, max = 6) int cap) {
        BoundedRangeSet<Integer> set = new BoundedRangeSet<>(cap, touching ? Merge.TOUCHING : Merge.OVERLAPPING,
                WhenFull.DROP_LOWEST, v -> v);
        TreeSet<Long> model = new TreeSet<>();
        for (Op o : ops) {
            long droppedBefore = set.dropped();
            if (o.len() > 0) {
                assertTrue(set.add(o.a(), o.a() + o.len() - 1, 0));
                for (long x = o.a(); x < o.a() + o.len(); x++) model.add(x);
            } else if (o.len() == 0) {
                assertEquals(model.remove(o.a()), set.remove(o.a()));
            } else if (!touching && set.isolate(o.a()) == null && model.contains(o.a())) {
                assertTrue(set.hitCap());
            }
            assertTrue(set.rangeCount() <= cap);
            if (set.dropped() > droppedBefore) {
                assertTrue(set.hitCap());
                // What went is exactly what lies below the lowest range kept.
                model.headSet(set.isEmpty() ? Long.MAX_VALUE : set.lowest().first(), false).clear();
            }
            check(set, model, touching);
        }
    }

    @Property
    void ofNumbersAgreesWithTheModelOnPoints(@ForAll("ops") List<Op> ops) {
        BoundedRangeSet<Void> set = BoundedRangeSet.ofNumbers(1 << 20, WhenFull.REFUSE);
        NavigableSet<Long> model = new TreeSet<>();
        for (Op o : ops) {
            assertEquals(model.contains(o.a()), set.contains(o.a()));
            set.add(o.a(), null);
            model.add(o.a());
            assertEquals(model.size(), set.size());
        }
    }

    private static void check(BoundedRangeSet<?> set, TreeSet<Long> model, boolean touching) {
        assertEquals(model.size(), set.size());
        long count = 0, prevLast = Long.MIN_VALUE;
        boolean first = true;
        for (Range<?> r : set.ranges()) {
            if (!first) {
                assertTrue(r.first() > prevLast, "ranges overlap");
                if (touching) assertTrue(r.first() > prevLast + 1, "touching ranges not joined");
            }
            first = false;
            prevLast = r.last();
            count += r.count();
            for (long x = r.first(); x <= r.last(); x++) assertTrue(model.contains(x), "extra " + x);
        }
        assertEquals(model.size(), count);
        for (long x = -45; x <= 215; x++) {
            assertEquals(model.contains(x), set.contains(x), "contains " + x);
            Range<?> r = set.find(x);
            if (r == null) assertNull(r);
            else assertTrue(r.contains(x));
            assertEquals(!model.subSet(x, true, x + 3, true).isEmpty(), set.anyIn(x, x + 3));
        }
    }
}
