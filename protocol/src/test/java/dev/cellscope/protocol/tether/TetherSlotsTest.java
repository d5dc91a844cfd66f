package dev.cellscope.protocol.tether;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The slot rule, unsigned where the wire is (slot ids and totals are u64). */
class TetherSlotsTest {
    @Test
    void countLengthAndPaddedLength() {
        assertEquals(3, TetherSlots.count(3000, 1024));
        assertEquals(1L << 20, TetherSlots.count(1L << 30, 1024));
        assertEquals(0, TetherSlots.count(0, 1024));
        assertEquals(0, TetherSlots.count(1000, 0), "slot size 0 is malformed, not a division by zero");
        assertEquals((1L << 32) + 1, TetherSlots.count(-1L, 0xFFFF_FFFFL), "a total of 2^64-1 is unsigned: (2^32-1)(2^32+1)");
        assertEquals(1L << 54, TetherSlots.count(Long.MIN_VALUE, 512), "a total of 2^63 is not negative");
        assertEquals(1024, TetherSlots.length(1, 1024, 3000));
        assertEquals(952, TetherSlots.length(2, 1024, 3000));
        assertEquals(960, TetherSlots.payloadLength(2, 1024, 3000));
        assertEquals(1024, TetherSlots.payloadLength(0, 1000, 3000), "a slot size that is not whole blocks is padded");
        assertEquals(65_472, TetherSlots.frameLength(65_408));
    }

    @Test
    void slotsAreComparedUnsigned() {
        assertTrue(TetherSlots.within(7, 8));
        assertFalse(TetherSlots.within(8, 8));
        assertFalse(TetherSlots.within(Long.MIN_VALUE, 8), "2^63 is not below 8");
        assertFalse(TetherSlots.within(-1L, 8), "2^64-1 is not below 8");
        assertFalse(TetherSlots.within(0, 0));
    }
}
