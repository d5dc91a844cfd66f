package dev.cellscope.analysis;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class TetherSlotSetTest {

    @Test
    void sequentialSlotsStayOneRange() {
        TetherSlotSet s = new TetherSlotSet(4);
        for (long i = 0; i < 100_000; i++) assertTrue(s.add(i));
        assertEquals(1, s.ranges());
        assertEquals(100_000, s.distinct());
        assertFalse(s.add(5));
        assertTrue(s.contains(99_999));
        assertFalse(s.contains(100_000));
    }

    @Test
    void unsignedOrderAndExtremes() {
        TetherSlotSet s = new TetherSlotSet(8);
        assertTrue(s.add(-1L));              // u64 max
        assertTrue(s.add(Long.MAX_VALUE));   // 2^63 - 1
        assertTrue(s.add(Long.MIN_VALUE));   // 2^63: joins 2^63 - 1 in unsigned order
        assertTrue(s.add(0));
        assertEquals(3, s.ranges());
        assertTrue(s.contains(Long.MIN_VALUE));
        assertFalse(s.contains(-2L));
        assertTrue(s.add(-2L));              // joins u64 max
        assertEquals(3, s.ranges());
    }

    @Test
    void agreesWithAHashSetUnderRandomInsertions() {
        SplittableRandom rnd = new SplittableRandom(42);
        TetherSlotSet s = new TetherSlotSet(1 << 20);
        Set<Long> model = new HashSet<>();
        for (int i = 0; i < 50_000; i++) {
            long slot = rnd.nextLong(20_000);
            assertEquals(model.add(slot), s.add(slot));
            long probe = rnd.nextLong(20_000);
            assertEquals(model.contains(probe), s.contains(probe));
        }
        assertEquals(model.size(), s.distinct());
        assertFalse(s.saturated());
    }

    @Test
    void capRefusesNewRangesButStillJoins() {
        TetherSlotSet s = new TetherSlotSet(2);
        assertTrue(s.add(10));
        assertTrue(s.add(20));
        assertFalse(s.add(30));
        assertTrue(s.saturated());
        assertTrue(s.add(11));
        assertTrue(s.add(19));
        assertEquals(4, s.distinct());
        assertFalse(s.contains(30));
    }
}
