package dev.cellscope.protocol.utcp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Moved from the endpoint's SeqTest (its assertions kept), with the comparisons the tap uses. */
class UtcpSeqTest {
    @Test
    void unwrapsAcrossTheU32Boundary() {
        long near = 0xFFFF_FFF0L;
        assertEquals(0x1_0000_0005L, UtcpSeq.unwrap(5, near));
        assertEquals(0xFFFF_FFE0L, UtcpSeq.unwrap(0xFFFF_FFE0L, near));
        assertEquals(5, UtcpSeq.wire(0x1_0000_0005L));
    }

    @Test
    void serialNumberComparisonAcrossTheWrap() {
        assertTrue(UtcpSeq.before(0xFFFF_FFFFL, 0));
        assertFalse(UtcpSeq.before(0, 0xFFFF_FFFFL));
        assertEquals(1, UtcpSeq.distance(0xFFFF_FFFFL, 0));
        assertEquals(-1, UtcpSeq.distance(0, 0xFFFF_FFFFL));
        assertEquals(-1, UtcpSeq.compare(0xFFFF_FFF0L, 3));
        assertEquals(1, UtcpSeq.compare(3, 0xFFFF_FFF0L));
        assertEquals(0, UtcpSeq.compare(7, 7));
        assertEquals(-(1L << 31), UtcpSeq.distance(0, 0x8000_0000L));
    }

    @Test
    void unwrapStaysWithinHalfTheSpaceOfItsReference() {
        for (long near : new long[]{0, 1L << 31, 0xFFFF_FFFFL, 5L << 32, (7L << 32) + 0x7FFF_FFFFL}) {
            for (long wire : new long[]{0, 1, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL}) {
                long p = UtcpSeq.unwrap(wire, near);
                assertEquals(wire, UtcpSeq.wire(p));
                assertTrue(p - near >= -(1L << 31) && p - near < (1L << 31));
            }
        }
    }
}
