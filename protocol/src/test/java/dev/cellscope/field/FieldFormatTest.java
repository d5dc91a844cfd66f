package dev.cellscope.field;

import dev.cellscope.wire.Tai64n;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class FieldFormatTest {

    @Test
    void plainFormsFollowTheFieldsOutputRules() {
        assertEquals("0x0011", FieldFormat.plain(UtcpFields.FLAGS, 0x11));
        assertEquals("4294967295", FieldFormat.plain(UtcpFields.SEQ, 0xFFFF_FFFFL));
        assertEquals("18446744073709551615", FieldFormat.plain(TetherFields.GRANT, -1L));
        assertEquals("1", FieldFormat.plain(UtcpFields.FLAGS_SYN, 1));
        assertEquals("0", FieldFormat.plain(UtcpFields.FLAGS_SYN, 0));
        assertEquals("ac:1d:00:00:00:00", FieldFormat.plain(TetherFields.SENDER, 0xAC1D00000000L));
        assertEquals("cc:cc:cc:cc:cc:cc", FieldFormat.plain(TetherFields.TARGET, 0xCCCCCCCCCCCCL));
        assertEquals("192.168.1.254", FieldFormat.plain(LinkFields.IP_SRC, 0xC0A801FEL));
        assertEquals("17", FieldFormat.plain(SbiFields.OP, 0x11));
        assertEquals("warn", FieldFormat.plain(ExpertFields.SEVERITY, 2));
        assertEquals("1700000000.000000042", FieldFormat.plain(FrameFields.TIME, 1_700_000_000_000_000_042L));
        assertEquals("-0.500000000", FieldFormat.plain(FrameFields.TIME_DELTA, -500_000_000L));
    }

    @Test
    void readableFormsForTheTree() {
        assertEquals("BLOCK_PUT (17)", FieldFormat.readable(SbiFields.OP, 0x11));
        assertEquals("Unknown (5)", FieldFormat.readable(SbiFields.OP, 5));
        assertEquals("True", FieldFormat.readable(UtcpFields.FLAGS_DATA, 1));
        assertEquals("2023-11-14T22:13:20Z", FieldFormat.readable(FrameFields.TIME, 1_700_000_000_000_000_000L));
    }

    @Test
    void tai64nUsesTheLeapSecondOffsetInForce() {
        // 2^62 + 37 + UTC seconds since 2017 (TAI−UTC = 37 s)
        assertEquals(1_700_000_000_000_000_005L, Tai64n.toUtcNanos((1L << 62) + 1_700_000_037L, 5));
        // 2010: TAI−UTC was 34 s
        assertEquals(1_262_304_000_000_000_000L, Tai64n.toUtcNanos((1L << 62) + 1_262_304_034L, 0));
        // round trip at a leap boundary
        long t = 1_483_228_800_000_000_000L;
        assertEquals(t, Tai64n.toUtcNanos(Tai64n.labelOf(t), Tai64n.nanoOf(t)));
        assertFalse(Tai64n.plausible(0));
        assertTrue(Tai64n.plausible((1L << 62) + 1));
    }
}
