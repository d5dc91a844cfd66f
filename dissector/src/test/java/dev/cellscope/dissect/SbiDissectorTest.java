package dev.cellscope.dissect;

import dev.cellscope.crypto.SchemaFingerprints;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static dev.cellscope.dissect.TestFrames.*;
import static dev.cellscope.field.SbiFields.*;
import static org.junit.jupiter.api.Assertions.*;

class SbiDissectorTest {

    static byte[] dataFrame(byte[] payload) {
        return eth(MAC_B, MAC_A, 0x88B5, utcp(7, 0x0010, payload));
    }

    static byte[] blockPut(byte[] hash, int algo, byte[] data) {
        byte[] container = le(40 + data.length).put(hash).putInt(3).put((byte) algo).put((byte) 3).putShort((short) 0).put(data).array();
        return sbi(0x11, SchemaFingerprints.forOp(0x11), container);
    }

    static byte[] hash(int fill) {
        byte[] h = new byte[32];
        java.util.Arrays.fill(h, (byte) fill);
        h[0] = 0x3f;
        h[1] = 0x2a;
        return h;
    }

    @Test
    void blockPutAndAckInOnePacket() {
        byte[] ack = sbi(0xF0, SchemaFingerprints.forOp(0xF0), le(8).putInt(4).array());
        ProtoTree t = dissect(dataFrame(concat(blockPut(hash(1), 2, new byte[100]), ack)));
        assertEquals(List.of("164", "32"), values(t, FRAME_LEN)); // 24 + 40 + 100, 24 + 8; payload 5+164 + 5+32 = 206
        assertEquals(List.of("17", "240"), values(t, OP));
        assertEquals(List.of("1", "1"), values(t, SCHEMA_KNOWN));
        assertEquals("3f2a" + "01".repeat(30), value(t, PUT_HASH));
        assertEquals("3", value(t, PUT_CHUNK_INDEX));
        assertEquals("2", value(t, PUT_COMP_ALGO));
        assertEquals("100", value(t, PUT_DATA_LEN));
        assertEquals("4", value(t, ACK_REF_SEQ));
        assertTrue(t.find(PUT_VERIFIED).isEmpty(), "verification is the analysis layer's job");
        assertEquals("UTCP-SBI", t.protocolColumn());
        assertEquals("SEQ=7 DATA len=206 BLOCK_PUT 3f2a0101… zstd 100B, ACK ref=4", t.infoColumn());
        assertTrue(t.experts().isEmpty(), experts(t).toString());
        assertEquals("eth:utcp:sbi:sbi", value(t, dev.cellscope.field.FrameFields.PROTOCOLS));
    }

    @Test
    void handshakeFields() {
        ByteBuffer c = le(52).put(hash(9)).putInt(0b0011).putInt(0b0010).putInt(0b0100).putInt(65536).putShort((short) 1).put((byte) 3);
        ProtoTree t = dissect(dataFrame(sbi(0x01, SchemaFingerprints.forOp(0x01), c.array())));
        assertEquals("0x00000003", value(t, HANDSHAKE_CAPABILITIES));
        assertEquals("1", value(t, HANDSHAKE_CAP_DEFLATE));
        assertEquals("1", value(t, HANDSHAKE_CAP_ZSTD));
        assertEquals("0", value(t, HANDSHAKE_CAP_DEDUP));
        assertEquals("0x00000002", value(t, HANDSHAKE_REQUIRED));
        assertEquals("65536", value(t, HANDSHAKE_BLOCK_SIZE));
        assertEquals("3", value(t, HANDSHAKE_REPLICA_COUNT));
        assertTrue(t.experts().isEmpty(), experts(t).toString());
    }

    @Test
    void oversizeFrameLenIsRejectedBeforeAnythingElse() {
        byte[] attack = ByteBuffer.allocate(16).putInt(0x80000000).put((byte) 0x11).array();
        ProtoTree t = dissect(dataFrame(attack));
        assertEquals("2147483648", value(t, FRAME_LEN));
        assertEquals(List.of("[error/malformed] invalid_frame_size: frame_len 2147483648 out of range [24, 262144]; a receiver NACKs and closes"),
                experts(t));
        assertTrue(t.find(PREAMBLE_MAGIC).isEmpty());
    }

    @Test
    void legacyJsonPeerIsNamed() {
        ProtoTree t = dissect(dataFrame(ascii("{\"op\":\"block_want\",\"cid\":\"abc\"}")));
        assertEquals(1, t.experts().size());
        assertTrue(experts(t).getFirst().contains("legacy JSON peer"), experts(t).toString());
        assertTrue(t.infoColumn().endsWith("legacy JSON peer"), t.infoColumn());
    }

    @Test
    void tooSmallFrameLenIsRejected() {
        byte[] msg = ByteBuffer.allocate(30).putInt(23).put((byte) 0x01).array();
        ProtoTree t = dissect(dataFrame(msg));
        assertTrue(experts(t).getFirst().contains("frame_len 23 out of range"), experts(t).toString());
    }

    @Test
    void unknownSchemaAndForeignSchema() {
        byte[] ack = le(8).putInt(1).array();
        ProtoTree unknown = dissect(dataFrame(sbi(0xF0, new byte[16], ack)));
        assertEquals("0", value(unknown, SCHEMA_KNOWN));
        assertTrue(experts(unknown).getFirst().startsWith("[warn/protocol] unknown_schema: fingerprint 0000"), experts(unknown).toString());
        ProtoTree foreign = dissect(dataFrame(sbi(0xF0, SchemaFingerprints.forOp(0x10), ack)));
        assertEquals(List.of("[warn/protocol] unknown_schema: fingerprint belongs to BLOCK_WANT, not ACK"), experts(foreign));
    }

    /** Fails on the old code (no finding): the peer NACKs malformed_container and closes on a DAG_SYNC depth other than 1. */
    @Test
    void dagSyncDepthOtherThanOneIsMalformed() {
        byte[] dag = le(36 + 32).put(hash(5)).putShort((short) 2).putShort((short) 1).put(hash(6)).array();
        ProtoTree t = dissect(dataFrame(sbi(0x20, SchemaFingerprints.forOp(0x20), dag)));
        assertEquals(List.of("[error/malformed] malformed_container: DAG_SYNC depth 2, only depth 1 is defined; a receiver NACKs and closes"),
                experts(t));
    }

    @Test
    void containerSizeMismatchIsMalformed() {
        ProtoTree t = dissect(dataFrame(sbi(0x01, SchemaFingerprints.forOp(0x01), new byte[50])));
        assertEquals(List.of("[error/malformed] malformed_container: HANDSHAKE container is 50 bytes, needs 52"), experts(t));
        assertEquals(100, value(t, CONTAINER).length());
    }

    @Test
    void unknownOpWarnsButDecodesPreamble() {
        ProtoTree t = dissect(dataFrame(sbi(0x05, new byte[16], new byte[4])));
        assertTrue(experts(t).contains("[warn/protocol] unknown_op: op 0x05 is not assigned (control range)"), experts(t).toString());
        assertEquals("0x5342", value(t, PREAMBLE_MAGIC));
    }

    /**
     * An unassigned op has no schema of its own, so its fingerprint cannot be "another op's" or "unknown" for it: a
     * receiver NACKs unknown_op before it reads the fingerprint (SbiAdmission), and the tap says unknown_op alone
     * (independent encoder: it used to add unknown_schema or schema_other_op).
     */
    @Test
    void anUnassignedOpIsOnlyUnknownOpWhateverItsFingerprint() {
        byte[] random = new byte[16];
        new java.util.Random(7).nextBytes(random);
        for (byte[] fp : List.of(random, SchemaFingerprints.forOp(0x10))) {
            ProtoTree t = dissect(dataFrame(sbi(0x12, fp, new byte[33])));
            assertEquals(List.of("[warn/protocol] unknown_op: op 0x12 is not assigned (data transfer range)"), experts(t));
            assertEquals("0", value(t, SCHEMA_KNOWN));
        }
    }

    @Test
    void reservedAndExperimentalCompression() {
        ProtoTree reserved = dissect(dataFrame(blockPut(hash(2), 5, new byte[8])));
        assertTrue(experts(reserved).contains("[warn/protocol] unsupported_compression: comp_algo 5 (reserved); a receiver rejects it"));
        ProtoTree experimental = dissect(dataFrame(blockPut(hash(2), 15, new byte[8])));
        assertTrue(experts(experimental).contains("[warn/protocol] unsupported_compression: comp_algo 15 (experimental); a receiver rejects it"));
    }

    @Test
    void dagSyncNodes() {
        ByteBuffer c = le(36 + 64).put(hash(4)).putShort((short) 1).putShort((short) 2).put(hash(5)).put(hash(6));
        ProtoTree t = dissect(dataFrame(sbi(0x20, SchemaFingerprints.forOp(0x20), c.array())));
        assertEquals(2, values(t, DAG_NODE).size());
        assertEquals("2", value(t, DAG_NODE_COUNT));
        ByteBuffer lie = le(36 + 32).put(hash(4)).putShort((short) 1).putShort((short) 900).put(hash(5));
        ProtoTree bad = dissect(dataFrame(sbi(0x20, SchemaFingerprints.forOp(0x20), lie.array())));
        assertTrue(experts(bad).getFirst().startsWith("[error/malformed] malformed_container: node_count 900 needs 28800 bytes"), experts(bad).toString());
        assertEquals(1, values(bad, DAG_NODE).size());
    }

    @Test
    void nackWithErrorString() {
        byte[] err = ascii("hash_mismatch");
        byte[] c = le(8 + err.length).putInt(2).putShort((short) 4).putShort((short) err.length).put(err).array();
        ProtoTree t = dissect(dataFrame(sbi(0xF1, SchemaFingerprints.forOp(0xF1), c)));
        assertEquals("hash_mismatch", value(t, NACK_ERROR));
        assertEquals("4", value(t, NACK_ERROR_CODE));
        assertTrue(t.infoColumn().endsWith("NACK ref=2 hash_mismatch"), t.infoColumn());
        assertTrue(t.experts().isEmpty(), experts(t).toString());
    }

    /**
     * The sender's text reaches -T fields, the tree, the summary and the terminal: its control characters are
     * escaped, as Wireshark shows strings. Found by fuzzing: a NACK saying "invalid\nfake line\t\e[31mRED" started
     * a new row and a new column of `read -T fields -e sbi.nack.error` and coloured the terminal.
     */
    @Test
    void nackErrorStringControlCharactersAreEscaped() {
        byte[] err = ascii("hash\nfake\trow\u001b[31m\r\u007f");
        byte[] c = le(8 + err.length).putInt(2).putShort((short) 4).putShort((short) err.length).put(err).array();
        ProtoTree t = dissect(dataFrame(sbi(0xF1, SchemaFingerprints.forOp(0xF1), c)));
        String shown = "hash\\nfake\\trow\\x1b[31m\\r\\x7f";
        assertEquals(shown, value(t, NACK_ERROR));
        assertTrue(experts(t).stream().anyMatch(e -> e.contains("NACK error string \"" + shown + "\" differs")), experts(t).toString());
        assertTrue(experts(t).stream().noneMatch(e -> e.chars().anyMatch(Character::isISOControl)), experts(t).toString());
        assertEquals("a \\u0085 b", dev.cellscope.field.FieldFormat.printable("a \u0085 b"));
        String plain = "hash_mismatch – ✓";
        assertSame(plain, dev.cellscope.field.FieldFormat.printable(plain));
    }

    /** The one intended behaviour change of the re-cut: the codec, and so the peer, rejects this NACK; the tap now says so. */
    @Test
    void nackWhoseErrorStringIsNotUtf8IsMalformed() {
        byte[] err = {'h', 'a', 's', 'h', (byte) 0xC3, (byte) 0x28}; // 0xC3 0x28: a lead byte without its continuation
        byte[] c = le(8 + err.length).putInt(2).putShort((short) 4).putShort((short) err.length).put(err).array();
        ProtoTree t = dissect(dataFrame(sbi(0xF1, SchemaFingerprints.forOp(0xF1), c)));
        assertTrue(experts(t).contains("[error/malformed] malformed_container: NACK error string is not valid UTF-8"), experts(t).toString());
        assertEquals("4", value(t, NACK_ERROR_CODE));
        assertTrue(t.infoColumn().endsWith("NACK ref=2 hash_mismatch"), t.infoColumn());
        assertInstanceOf(dev.cellscope.wire.Decoded.Invalid.class, dev.cellscope.wire.SbiNack.decode(c), "the codec rejects it too");
    }

    @Test
    void messageLargerThanThePacketIsASegment() {
        byte[] put = blockPut(hash(3), 0, new byte[2000]);
        ProtoTree t = dissect(dataFrame(java.util.Arrays.copyOf(put, 1000)));
        assertEquals("2064", value(t, FRAME_LEN));
        assertTrue(experts(t).contains("[note/protocol] SBI message continues past this packet: 1000 of 2069 bytes here"), experts(t).toString());
    }
}
