package dev.cellscope.protocol;

import dev.cellscope.protocol.BoundedRangeSet.Merge;
import dev.cellscope.protocol.BoundedRangeSet.Range;
import dev.cellscope.protocol.BoundedRangeSet.WhenFull;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class BoundedRangeSetTest {

    @Test
    void overlappingRangesJoinAndTakeTheNewValueTouchingOnesStayApart() {
        BoundedRangeSet<String> s = new BoundedRangeSet<>(16, Merge.OVERLAPPING, WhenFull.DROP_LOWEST, v -> v);
        s.add(10, 19, "a");
        s.add(20, 29, "b");
        assertEquals(2, s.rangeCount());
        s.add(15, 22, "c");
        assertEquals(List.of(new Range<>(10, 29, "c")), List.copyOf(s.ranges()));
    }

    @Test
    void aSplitGivesTheUpperHalfACopy() {
        BoundedRangeSet<long[]> s = new BoundedRangeSet<>(16, Merge.OVERLAPPING, WhenFull.REFUSE, long[]::clone);
        long[] v = {1};
        s.add(0, 9, v);
        assertTrue(s.remove(4));
        assertSame(v, s.find(0).value());
        assertNotSame(v, s.find(5).value());
        assertEquals(1, s.find(5).value()[0]);
        assertEquals(9, s.size());
        Range<long[]> own = s.isolate(7);
        assertEquals(7, own.first());
        assertEquals(7, own.last());
        assertEquals(4, s.rangeCount());
    }

    @Test
    void extremesOfTheLongRange() {
        BoundedRangeSet<Void> s = BoundedRangeSet.ofNumbers(4, WhenFull.REFUSE);
        assertTrue(s.add(Long.MAX_VALUE, null));
        assertTrue(s.add(Long.MIN_VALUE, null));
        assertTrue(s.add(Long.MAX_VALUE - 1, null));
        assertTrue(s.add(Long.MIN_VALUE + 1, null));
        assertEquals(2, s.rangeCount());
        assertEquals(4, s.size());
        assertTrue(s.remove(Long.MAX_VALUE));
        assertFalse(s.contains(Long.MAX_VALUE));
        assertTrue(s.anyIn(Long.MIN_VALUE, Long.MIN_VALUE));
    }

    @Test
    void whenFullDropLowestCountsWhatWentAndRefuseChangesNothing() {
        BoundedRangeSet<Void> drop = BoundedRangeSet.ofNumbers(2, WhenFull.DROP_LOWEST);
        drop.add(1, null);
        drop.add(3, null);
        drop.add(5, null);
        assertEquals(1, drop.dropped());
        assertFalse(drop.contains(1));
        assertTrue(drop.hitCap());

        BoundedRangeSet<Void> refuse = BoundedRangeSet.ofNumbers(2, WhenFull.REFUSE);
        refuse.add(1, 3, null);
        refuse.add(5, null);
        assertFalse(refuse.add(7, null));
        assertFalse(refuse.remove(2)); // the split would need a third range
        assertTrue(refuse.contains(2));
        assertTrue(refuse.add(4, null)); // joins: needs no new range
        assertEquals(1, refuse.rangeCount());
        assertTrue(refuse.hitCap());
    }
}
