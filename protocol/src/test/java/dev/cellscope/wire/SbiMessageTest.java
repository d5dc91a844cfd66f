package dev.cellscope.wire;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** The order and wording of SbiMessage's checks: range, presence, container_len, layout. */
class SbiMessageTest {
    private static final Bytes SCHEMA = Bytes.fromHex("000102030405060708090a0b0c0d0e0f");

    private static Decoded.Invalid<?> invalid(byte[] bytes) {
        return assertInstanceOf(Decoded.Invalid.class, SbiMessage.decode(bytes));
    }

    @Test
    void frameLenAboveTheCapIsRejectedBeforeAnythingElse() {
        byte[] bytes = Bytes.fromHex("80000000 f0").toArray();  // nothing follows: range still comes first
        var bad = invalid(bytes);
        assertEquals("frame_len 2147483648 out of range [24, 262144]", bad.cause());
        assertEquals(0, bad.offset());
    }

    @Test
    void frameLenBelowThePreambleIsRejected() {
        assertEquals("frame_len 23 out of range [24, 262144]", invalid(Bytes.fromHex("00000017 f0").toArray()).cause());
        assertFalse(dev.cellscope.protocol.sbi.SbiLimits.frameLenInRange(23));
        assertTrue(dev.cellscope.protocol.sbi.SbiLimits.frameLenInRange(24));
        assertTrue(dev.cellscope.protocol.sbi.SbiLimits.frameLenInRange(262_144));
        assertFalse(dev.cellscope.protocol.sbi.SbiLimits.frameLenInRange(262_145));
    }

    @Test
    void legacyJsonPeerIsNamed() {
        byte[] json = "{\"op\":\"want\",\"hash\":\"abc\"}".getBytes(StandardCharsets.US_ASCII);
        var bad = invalid(json);
        assertTrue(bad.cause().startsWith("frame_len " + 0x7B226F70L + " out of range"), bad.cause());
        assertTrue(bad.cause().contains("legacy JSON peer"), bad.cause());
    }

    @Test
    void aPartialMessageIsIncompleteNotInvalid() {
        byte[] full = SbiMessage.of(new SbiAck(1, 0), SCHEMA).encode();
        var inc = assertInstanceOf(Decoded.Incomplete.class, SbiMessage.decode(Arrays.copyOf(full, 20)));
        assertEquals(37, inc.needed());
        assertEquals("incomplete: need 37 bytes, have 20", inc.cause());
        assertInstanceOf(Decoded.Incomplete.class, SbiMessage.decode(new byte[3]));
    }

    @Test
    void badPreambleMagic() {
        byte[] bytes = SbiMessage.of(new SbiAck(1, 0), SCHEMA).encode();
        bytes[5] = 'X';
        var bad = invalid(bytes);
        assertTrue(bad.cause().startsWith("bad preamble magic"), bad.cause());
        assertEquals(5, bad.offset());
    }

    @Test
    void containerLenMustBeFrameLenMinus24() {
        byte[] bytes = SbiMessage.of(new SbiAck(1, 0), SCHEMA).encode();
        bytes[9] = 9;
        var bad = invalid(bytes);
        assertEquals("malformed: container_len 9, frame_len 32 needs 8", bad.cause());
        assertEquals(9, bad.offset());
    }

    @Test
    void fixedContainerOfTheWrongSize() {
        // a HANDSHAKE envelope around a 50-byte container
        byte[] bytes = new byte[5 + 24 + 50];
        MemorySegment seg = MemorySegment.ofArray(bytes);
        new SbiEnvelope(74, SbiLayouts.OP_HANDSHAKE).encodeTo(seg, 0);
        SbiPreamble.of(50, SCHEMA).encodeTo(seg, 5);
        var bad = invalid(bytes);
        assertEquals("malformed: HANDSHAKE container is 50 bytes, needs 52", bad.cause());
        assertEquals(29, bad.offset());
    }

    @Test
    void variableContainerShorterThanItsSpine() {
        byte[] bytes = new byte[5 + 24 + 30];
        MemorySegment seg = MemorySegment.ofArray(bytes);
        new SbiEnvelope(54, SbiLayouts.OP_BLOCK_PUT).encodeTo(seg, 0);
        SbiPreamble.of(30, SCHEMA).encodeTo(seg, 5);
        assertEquals("malformed: BLOCK_PUT container is 30 bytes, needs at least 40", invalid(bytes).cause());
    }

    @Test
    void dagNodeCountMustMatchExactly() {
        byte[] container = new SbiDagSync(Bytes.zeros(32), 1, java.util.List.of(Bytes.zeros(32))).encode();
        container[34] = 2;
        var bad = assertInstanceOf(Decoded.Invalid.class, SbiDagSync.decode(container));
        assertEquals("malformed: DAG_SYNC node_count 2 needs 64 bytes after the spine, container has 32", bad.cause());
        container[34] = (byte) 0xFF;
        container[35] = (byte) 0xFF;
        assertInstanceOf(Decoded.Invalid.class, SbiDagSync.decode(container));
    }

    @Test
    void nackErrorLenMustFitAndBeUtf8() {
        byte[] container = new SbiNack(1, 8, "malformed_container").encode();
        container[6] = (byte) 0xFF;
        container[7] = (byte) 0xFF;
        assertTrue(((Decoded.Invalid<?>) SbiNack.decode(container)).cause().contains("error_len 65535"));

        byte[] bad = Bytes.fromHex("01000000 0800 0300 41 c3 28").toArray();  // 'A', then a broken 2-byte sequence
        var invalid = assertInstanceOf(Decoded.Invalid.class, SbiNack.decode(bad));
        assertEquals("malformed: NACK error string is not valid UTF-8", invalid.cause());
        assertEquals(9, invalid.offset());

        var ok = SbiNack.decode(new SbiNack(1, 3, "schéma ✓ 😀").encode()).orElseThrow();
        assertEquals("schéma ✓ 😀", ok.error());
        assertThrows(IllegalArgumentException.class, () -> new SbiNack(1, 1, "\uD800"));
    }

    @Test
    void unknownOpIsKeptNotRejected() {
        byte[] bytes = new byte[5 + 24 + 3];
        MemorySegment seg = MemorySegment.ofArray(bytes);
        new SbiEnvelope(27, 0x42).encodeTo(seg, 0);
        SbiPreamble.of(3, SCHEMA).encodeTo(seg, 5);
        bytes[29] = 1;
        SbiMessage msg = SbiMessage.decode(bytes).orElseThrow();
        assertEquals(new SbiUnknown(0x42, Bytes.fromHex("010000")), msg.container());
        assertArrayEquals(bytes, msg.encode());
    }

    @Test
    void encodingRejectsMisuse() {
        assertThrows(IllegalArgumentException.class, () -> new SbiBlockWant(Bytes.zeros(31), 0));
        assertThrows(IllegalArgumentException.class, () -> new SbiMessage(0xF0, SbiPreamble.of(9, SCHEMA), new SbiAck(1, 0)));
        assertThrows(IllegalArgumentException.class,
                () -> SbiMessage.of(new SbiBlockPut(Bytes.zeros(32), 0, 0, 0, Bytes.zeros(262_144 - 24 - 40 + 1)), SCHEMA));
        SbiMessage largest = SbiMessage.of(new SbiBlockPut(Bytes.zeros(32), 0, 0, 0, Bytes.zeros(262_144 - 24 - 40)), SCHEMA);
        assertEquals(262_144, largest.frameLen());
        assertEquals(Decoded.ok(largest, 262_149), SbiMessage.decode(largest.encode()));
    }
}
