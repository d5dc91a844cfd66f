package dev.cellscope.dissect;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.cellscope.dissect.TestFrames.*;
import static dev.cellscope.field.TetherFields.CHECKSUM_STATUS_FIELD;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 11 item 3: a Tether frame whose length is not a multiple of 64. PROTOCOLS.md section 3:
 * the CRC-64/GO-ISO runs "over the whole Tether frame (header + payload blocks) with the checksum
 * field taken as zero". The frames here are built by an encoder written from that text alone (a
 * bit-at-a-time CRC, header bytes by offset), not by the project's codecs or CRC: the checksum
 * status says whether the CRC agrees with every byte; the length is a finding of its own.
 */
class TetherPartialBlockChecksumTest {
    static final long A = 0xAC1D11223344L, B = 0xAC1D55667788L;

    /** CRC-64/GO-ISO, one bit at a time: reflected poly 0xD800000000000000, init and xorout all ones. */
    static long crc64GoIso(byte[] data) {
        long crc = -1L;
        for (byte b : data) {
            crc ^= b & 0xFF;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xD800000000000000L : crc >>> 1;
        }
        return ~crc;
    }

    @Test
    void theIndependentCrcHasTheCatalogueCheckValue() {
        assertEquals(0xB90956C775A41001L, crc64GoIso("123456789".getBytes(StandardCharsets.US_ASCII)));
    }

    /** A data frame on flow 1: header, then {@code payloadLen} bytes (any length), CRC over all of it. */
    static byte[] frame(int payloadLen, boolean crcOverEveryByte) {
        ByteBuffer b = ByteBuffer.allocate(64 + payloadLen).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x4F424F4C).putShort(4, (short) 1);
        b.putInt(8, (int) (A >>> 16)).putShort(12, (short) A);
        b.putShort(14, (short) (B >>> 32)).putInt(16, (int) B);
        b.putLong(24, 7); // slot
        for (int i = 64; i < b.capacity(); i++) b.put(i, (byte) (i * 31 + 5));
        byte[] f = b.array(); // checksum field (48..55) still zero
        int hashed = crcOverEveryByte ? f.length : f.length - f.length % 64;
        b.putLong(48, crc64GoIso(java.util.Arrays.copyOf(f, hashed)));
        return f;
    }

    private static String lengthFinding(int len) {
        return "[error/malformed] Tether length " + len + " is not a multiple of 64 (" + len % 64 + " trailing bytes)";
    }

    @ParameterizedTest
    @ValueSource(ints = {64 + 1, 64 + 10, 128 + 63, 3})
    void aCrcOverEveryByteIsGoodAndTheLengthIsItsOwnFinding(int payloadLen) {
        byte[] tether = frame(payloadLen, true);
        ProtoTree t = dissect(eth(B, A, 0x88B5, tether));
        assertEquals("good", value(t, CHECKSUM_STATUS_FIELD));
        assertEquals(List.of(lengthFinding(tether.length)), experts(t).stream().filter(e -> e.contains("error")).toList());
    }

    @ParameterizedTest
    @ValueSource(ints = {64 + 10, 3})
    void aCrcThatDisagreesIsBad(int payloadLen) {
        // The CRC of the whole blocks only: it disagrees with the frame's bytes.
        byte[] tether = frame(payloadLen, false);
        ProtoTree t = dissect(eth(B, A, 0x88B5, tether));
        assertEquals("bad", value(t, CHECKSUM_STATUS_FIELD));
        List<String> errors = experts(t).stream().filter(e -> e.contains("error")).toList();
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.getFirst().startsWith("[error/checksum] Bad CRC-64/GO-ISO") || errors.get(1).startsWith("[error/checksum] Bad CRC-64/GO-ISO"),
                errors.toString());
        assertTrue(errors.contains(lengthFinding(tether.length)), errors.toString());

        // A byte flipped in the trailing partial block of a frame whose CRC covered it: bad too.
        byte[] flipped = frame(payloadLen, true);
        flipped[flipped.length - 1] ^= 0x40;
        assertEquals("bad", value(dissect(eth(B, A, 0x88B5, flipped)), CHECKSUM_STATUS_FIELD));
    }

    @Test
    void wholeBlockFramesAreUnchanged() {
        assertEquals("good", value(dissect(eth(B, A, 0x88B5, frame(128, true))), CHECKSUM_STATUS_FIELD));
        byte[] bad = frame(128, true);
        bad[100] ^= 1;
        assertEquals("bad", value(dissect(eth(B, A, 0x88B5, bad)), CHECKSUM_STATUS_FIELD));
    }
}
