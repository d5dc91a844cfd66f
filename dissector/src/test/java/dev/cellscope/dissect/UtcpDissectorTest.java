package dev.cellscope.dissect;

import dev.cellscope.field.LinkFields;
import org.junit.jupiter.api.Test;

import static dev.cellscope.dissect.TestFrames.*;
import static dev.cellscope.field.UtcpFields.*;
import static org.junit.jupiter.api.Assertions.*;

class UtcpDissectorTest {

    @Test
    void dataPacketFieldsAndSummary() {
        byte[] payload = new byte[1400];
        ProtoTree t = dissect(eth(MAC_B, MAC_A, 0x88B5, utcp(17, 0x0010, payload)));
        assertEquals("101112131415161718191a1b1c1d1e1f", value(t, SRC));
        assertEquals("404142434445464748494a4b4c4d4e4f", value(t, DST));
        assertEquals("17", value(t, SEQ));
        assertEquals("0x0010", value(t, FLAGS));
        assertEquals("1", value(t, FLAGS_DATA));
        assertEquals("0", value(t, FLAGS_SYN));
        assertEquals("1400", value(t, LEN));
        assertEquals("UTCP-SBI", t.protocolColumn());
        assertEquals("SEQ=17 DATA len=1400 invalid frame_len 0", t.infoColumn());
        // 1400 zero bytes: frame_len 0 is out of range for an SBI message start.
        assertTrue(experts(t).stream().anyMatch(e -> e.contains("frame_len 0 out of range")), experts(t).toString());
    }

    @Test
    void shortFrameCarriesEthernetPaddingNotPayload() {
        byte[] frame = padded(eth(MAC_B, MAC_A, 0x88B5, utcp(3, 0x0001, new byte[0])));
        assertEquals(60, frame.length);
        ProtoTree t = dissect(frame);
        assertEquals("0", value(t, LEN));
        assertEquals("SEQ=3 SYN", t.infoColumn());
        assertEquals("000000000000", value(t, LinkFields.ETH_PADDING)); // 60 - 14 - 40 = 6 bytes
        assertTrue(t.find(PAYLOAD).isEmpty());
        assertTrue(t.experts().isEmpty(), experts(t).toString());
    }

    @Test
    void nackRangesAreListed() {
        byte[] frame = eth(MAC_A, MAC_B, 0x88B5, utcp(cellId(0x40), cellId(0x10), 90, 0x0008, 16, nackPayload(10, 3, 20, 1)));
        ProtoTree t = dissect(frame);
        assertEquals(java.util.List.of("10", "20"), values(t, NACK_FIRST));
        assertEquals(java.util.List.of("3", "1"), values(t, NACK_COUNT));
        assertEquals("SEQ=90 NACK len=16 missing=4 [10-12,20]", t.infoColumn());
        assertTrue(t.experts().isEmpty(), experts(t).toString());
    }

    /** A range crossing 2^32 names wire seqs: its last is (first + count - 1) mod 2^32 (PROTOCOLS.md section 2). */
    @Test
    void aNackRangeAcrossTheWrapShowsWireSeqs() {
        byte[] frame = eth(MAC_A, MAC_B, 0x88B5, utcp(cellId(0x40), cellId(0x10), 90, 0x0008, 16, nackPayload(0xFFFF_FFFEL, 3, 0xFFFF_FFFFL, 1)));
        ProtoTree t = dissect(frame);
        assertEquals("SEQ=90 NACK len=16 missing=4 [4294967294-0,4294967295]", t.infoColumn());
        assertEquals(java.util.List.of(": 4294967294–0 (3)", ": 4294967295 (1)"),
                t.find(NACK_ENTRY).stream().map(ProtoNode::appendedText).toList());
    }

    @Test
    void nackLengthNotMultipleOfEightIsMalformed() {
        ProtoTree t = dissect(eth(MAC_A, MAC_B, 0x88B5, utcp(cellId(0x40), cellId(0x10), 1, 0x0008, 12, new byte[12])));
        assertTrue(experts(t).contains("[error/malformed] NACK payload_len 12 is not a multiple of 8"), experts(t).toString());
        assertEquals(1, t.find(NACK_FIRST).size());
    }

    @Test
    void reservedFlagBitsWarn() {
        ProtoTree t = dissect(eth(MAC_B, MAC_A, 0x88B5, utcp(1, 0x0102, new byte[0])));
        assertEquals("1", value(t, FLAGS_RESERVED));
        assertTrue(experts(t).contains("[warn/protocol] Reserved UTCP flag bits set: 0x0100"), experts(t).toString());
    }

    @Test
    void lyingPayloadLengthIsAnErrorAndShowsWhatIsThere() {
        byte[] frame = eth(MAC_B, MAC_A, 0x88B5, utcp(cellId(1), cellId(2), 5, 0x0002, 1400, new byte[20]));
        ProtoTree t = dissect(frame);
        assertTrue(experts(t).contains("[error/malformed] UTCP payload_len 1400 exceeds the 20 bytes present"), experts(t).toString());
        assertEquals(40, value(t, PAYLOAD).length());
    }

    @Test
    void truncatedHeaderIsReportedNotThrown() {
        byte[] frame = java.util.Arrays.copyOf(eth(MAC_B, MAC_A, 0x88B5, utcp(1, 0x10, new byte[0])), 14 + 30);
        ProtoTree t = dissect(frame);
        assertTrue(experts(t).contains("[error/malformed] Unikernel Transport Control Protocol header truncated: 30 of 40 bytes"),
                experts(t).toString());
        assertTrue(t.find(SEQ).isEmpty());
    }

    @Test
    void snaplenCutIsANoteNotALie() {
        byte[] full = eth(MAC_B, MAC_A, 0x88B5, utcp(8, 0x0002, new byte[200]));
        byte[] cut = java.util.Arrays.copyOf(full, 96);
        ProtoTree t = new ProtoTree();
        new Dissector().dissect(new dev.cellscope.io.Packet(1, 0, 0, 1, full.length, java.lang.foreign.MemorySegment.ofArray(cut), null),
                new FrameTiming(0, 0), t);
        assertTrue(experts(t).stream().anyMatch(e -> e.startsWith("[note/malformed] UTCP payload_len 200 reaches past the captured bytes")),
                experts(t).toString());
        assertTrue(experts(t).stream().noneMatch(e -> e.startsWith("[error")), experts(t).toString());
    }
}
