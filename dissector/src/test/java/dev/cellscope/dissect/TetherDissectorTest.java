package dev.cellscope.dissect;

import dev.cellscope.field.FieldFormat;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static dev.cellscope.dissect.TestFrames.*;
import static dev.cellscope.field.TetherFields.*;
import static org.junit.jupiter.api.Assertions.*;

class TetherDissectorTest {

    static final long A = 0xAC1D11223344L, B = 0xAC1D55667788L;

    static byte[] hail() {
        return control(1, le(8).putInt(1).putInt(0x3).array());
    }

    @Test
    void lampHailWithGrant() {
        byte[] frame = eth(B, A, 0x88B5, tether(0, 0x01, A, B, 0, 128, 0, hail()));
        ProtoTree t = dissect(frame);
        assertEquals("0x4f424f4c", value(t, MAGIC));
        assertEquals("ac:1d:11:22:33:44", value(t, SENDER));
        assertEquals("ac:1d:55:66:77:88", value(t, TARGET));
        assertEquals("128", value(t, GRANT));
        assertEquals("1", value(t, FLAGS_LAMP));
        assertEquals("0", value(t, FLAGS_SYNC));
        assertEquals("good", value(t, CHECKSUM_STATUS_FIELD));
        assertEquals("1", value(t, CTRL_TAG));
        assertEquals("1", value(t, HAIL_VERSION));
        assertEquals("0x00000003", value(t, HAIL_CAPABILITIES));
        assertEquals("2", value(t, BLOCKS));
        assertEquals("GRANT=128 LAMP Hail v1", t.infoColumn());
        assertEquals("Tether", t.protocolColumn());
        // TAI64 label 2^62 + UTC + 37 s of the builder → 2025-11-28T20:22:17.123456789Z
        assertEquals("1764361337.123456789", value(t, TAI64N));
        assertTrue(t.experts().isEmpty(), experts(t).toString());
    }

    @Test
    void corruptedByteMakesChecksumBad() {
        byte[] frame = eth(B, A, 0x88B5, tether(0, 0x01, A, B, 0, 128, 0, hail()));
        frame[14 + 70] ^= 0x01;
        ProtoTree t = dissect(frame);
        assertEquals("bad", value(t, CHECKSUM_STATUS_FIELD));
        assertTrue(experts(t).stream().anyMatch(e -> e.startsWith("[error/checksum] Bad CRC-64/GO-ISO")), experts(t).toString());
    }

    @Test
    void checksumVerificationCanBeOff() {
        byte[] frame = eth(B, A, 0x88B5, tether(0, 0, A, B, 0, 0, 0, new byte[0]));
        frame[14 + 30] ^= 1;
        ProtoTree t = dissect(new Dissector(new DissectorConfig(java.util.Set.of(34997), false)), frame);
        assertEquals("unverified", value(t, CHECKSUM_STATUS_FIELD));
        assertTrue(t.experts().isEmpty(), experts(t).toString());
    }

    @Test
    void macDifferingFromIdentityIsNoted() {
        byte[] frame = eth(0x020000000009L, A, 0x88B5, tether(0, 0, A, B, 0, 4096, 0, new byte[0]));
        ProtoTree t = dissect(frame);
        assertEquals(List.of("[note/protocol] Ethernet destination 02:00:00:00:00:09 differs from Tether target ac:1d:55:66:77:88"), experts(t));
    }

    @Test
    void lengthNotAMultipleOf64() {
        byte[] tether = tether(3, 0, A, B, 9, 0, 0, new byte[64]);
        byte[] frame = eth(B, A, 0x88B5, concat(tether, new byte[10]));
        ProtoTree t = dissect(frame);
        assertTrue(experts(t).contains("[error/malformed] Tether length 138 is not a multiple of 64 (10 trailing bytes)"), experts(t).toString());
        assertEquals("FLOW=3 SLOT=9 len=64", t.infoColumn());
    }

    @Test
    void bigEndianHeaderIsDecodedWithANote() {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0, 0x4F424F4C).putShort(4, (short) 2).putLong(32, 4096);
        byte[] frame = eth(B, A, 0x88B5, withChecksumBigEndian(b.array()));
        ProtoTree t = dissect(frame);
        assertEquals("4f424f4c", dev.cellscope.field.FieldFormat.hex(java.lang.foreign.MemorySegment.ofArray(frame), 14, 4));
        assertEquals("4096", value(t, GRANT));
        assertEquals("2", value(t, FLOW));
        assertTrue(experts(t).stream().anyMatch(e -> e.startsWith("[note/protocol] Big-endian Tether header")), experts(t).toString());
    }

    private static byte[] withChecksumBigEndian(byte[] f) {
        long crc = dev.cellscope.crypto.Crc64GoIso.tetherChecksum(java.lang.foreign.MemorySegment.ofArray(f), 0, f.length);
        ByteBuffer.wrap(f).order(ByteOrder.BIG_ENDIAN).putLong(48, crc);
        return f;
    }

    @Test
    void defineBody() {
        byte[] body = le(16).putShort((short) 1).putShort((short) 0).putInt(1024).putLong(1_048_576).array();
        ProtoTree t = dissect(eth(B, A, 0x88B5, tether(0, 0, A, B, 0, 0, 0, control(2, body))));
        assertEquals("1", value(t, DEFINE_FLOW));
        assertEquals("1024", value(t, DEFINE_SLOT_SIZE));
        assertEquals("1048576", value(t, DEFINE_TOTAL_BYTES));
        assertEquals("Define flow=1 slot_size=1024 total=1048576", t.infoColumn());
    }

    @Test
    void manifestBodyUsesNaturalAlignment() {
        // target_flow u16 @0, reserved u16 @2, checksum_lo u32 @4, checksum_hi u32 @8, pad @12, total_slots u64 @16, total_frames u64 @24
        ByteBuffer body = le(32);
        body.putShort(0, (short) 7).putInt(4, 0xDDCCBBAA).putInt(8, 0x11223344).putLong(16, 1024).putLong(24, 1030);
        ProtoTree t = dissect(eth(B, A, 0x88B5, tether(0, 0, A, B, 0, 0, 0, control(3, body.array()))));
        assertEquals("7", value(t, MANIFEST_FLOW));
        assertEquals("0x11223344ddccbbaa", value(t, MANIFEST_CHECKSUM));
        assertEquals("1024", value(t, MANIFEST_TOTAL_SLOTS));
        assertEquals("1030", value(t, MANIFEST_TOTAL_FRAMES));
    }

    @Test
    void bulkNackSpansSeveralBlocks() {
        ByteBuffer body = le(8 + 12 * 8);
        body.putShort((short) 1).putShort((short) 0).putInt(12);
        for (int i = 0; i < 12; i++) body.putLong(100 + i);
        byte[] ctrl = control(4, body.array());
        assertEquals(128, ctrl.length); // 8 + 8 + 96 = 112 bytes → two blocks
        ProtoTree t = dissect(eth(B, A, 0x88B5, tether(0, 0, A, B, 0, 0, 0, ctrl)));
        assertEquals("12", value(t, NACK_COUNT));
        List<String> slots = values(t, NACK_SLOT_LIST);
        assertEquals(12, slots.size());
        assertEquals("100", slots.getFirst());
        assertEquals("111", slots.getLast());
        assertTrue(t.experts().isEmpty(), experts(t).toString());
    }

    @Test
    void bulkNackLyingCountIsMalformedAndShowsWhatFits() {
        byte[] body = le(16).putShort((short) 1).putShort((short) 0).putInt(-1).putLong(5).array();
        ProtoTree t = dissect(eth(B, A, 0x88B5, tether(0, 0, A, B, 0, 0, 0, control(4, body))));
        assertTrue(experts(t).stream().anyMatch(e -> e.startsWith("[error/malformed] Nack count 4294967295 needs")), experts(t).toString());
        assertEquals(6, values(t, NACK_SLOT_LIST).size()); // 64 - 16 = 48 bytes of room
    }

    @Test
    void sidebandBody() {
        byte[] body = le(24).putShort((short) 2).putShort((short) 0x8001).putInt(2).putLong(7).putLong(8).array();
        ProtoTree t = dissect(eth(B, A, 0x88B5, tether(0, 0, A, B, 0, 0, 0, control(5, body))));
        assertEquals("0x8001", value(t, SIDEBAND_ATTENTION));
        assertEquals(List.of("7", "8"), values(t, SIDEBAND_TRANCHE));
    }

    @Test
    void unknownTagWarnsAndShowsRaw() {
        ProtoTree t = dissect(eth(B, A, 0x88B5, tether(0, 0, A, B, 0, 0, 0, control(9, new byte[4]))));
        assertTrue(experts(t).contains("[warn/protocol] Unknown control tag 9"), experts(t).toString());
        assertEquals(1, t.find(PAYLOAD).size());
        ProtoTree zero = dissect(eth(B, A, 0x88B5, tether(0, 0, A, B, 0, 0, 0, control(0, new byte[4]))));
        assertTrue(experts(zero).contains("[warn/protocol] Unknown control tag 0"), experts(zero).toString());
    }

    @Test
    void singletonNackSlotAndDataFlow() {
        ProtoTree t = dissect(eth(B, A, 0x88B5, tether(1, 0, A, B, 5, 0, 3, new byte[128])));
        assertEquals("3", value(t, NACK_SLOT));
        assertEquals("FLOW=1 SLOT=5 NACKSLOT=3 len=128", t.infoColumn());
        assertEquals(256, value(t, PAYLOAD).length());
    }

    @Test
    void reservedByteAndUndefinedFlags() {
        byte[] tether = tether(0, 0x84, A, B, 0, 0, 0, new byte[0]);
        tether[7] = 5;
        ProtoTree t = dissect(eth(B, A, 0x88B5, withChecksum(tether)));
        assertTrue(experts(t).contains("[warn/protocol] Undefined Tether flag bits set: 0x84"), experts(t).toString());
        assertTrue(experts(t).contains("[warn/protocol] Reserved byte is 5, must be 0"), experts(t).toString());
    }
}
