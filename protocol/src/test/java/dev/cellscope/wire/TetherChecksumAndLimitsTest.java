package dev.cellscope.wire;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.ToLongFunction;

import static org.junit.jupiter.api.Assertions.*;

/** The caller-supplied Tether checksum, and counts that claim more than the frame holds. */
class TetherChecksumAndLimitsTest {

    /** CRC-64/GO-ISO, bitwise, as PROTOCOLS.md defines it; the production one lives in crypto. */
    static final ToLongFunction<MemorySegment> CRC64_GO_ISO = seg -> {
        long crc = -1L;
        for (long i = 0; i < seg.byteSize(); i++) {
            crc ^= seg.get(ValueLayout.JAVA_BYTE, i) & 0xFFL;
            for (int bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? crc >>> 1 ^ 0xD800000000000000L : crc >>> 1;
        }
        return ~crc;
    };

    private static final TetherHeader HEADER = new TetherHeader(0, 1, 0, 0xAC1D00000001L, 0xAC1D00000002L, 0, 0, 128,
            0, 0, 0x4000000065000000L);

    @Test
    void testCrcMatchesTheCheckValue() {
        assertEquals(0xB90956C775A41001L,
                CRC64_GO_ISO.applyAsLong(MemorySegment.ofArray("123456789".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void encodeWithChecksumFillsTheFieldFromTheZeroedFrame() {
        TetherFrame frame = TetherFrame.control(HEADER.withChecksum(0xDEAD), new TetherControl.Hail(1, 0));
        byte[] bytes = frame.encodeWithChecksum(CRC64_GO_ISO);

        byte[] zeroed = bytes.clone();
        java.util.Arrays.fill(zeroed, 48, 56, (byte) 0);
        long expected = CRC64_GO_ISO.applyAsLong(MemorySegment.ofArray(zeroed));
        assertEquals(expected, MemorySegment.ofArray(bytes).get(ValueLayout.JAVA_LONG_UNALIGNED, 48));

        TetherFrame decoded = TetherFrame.decode(bytes).orElseThrow();
        assertEquals(expected, decoded.header().checksum());
        assertTrue(decoded.checksumMatches(CRC64_GO_ISO));
        assertFalse(frame.checksumMatches(CRC64_GO_ISO));
        assertArrayEquals(bytes, frame.withComputedChecksum(CRC64_GO_ISO).encode());
    }

    @Test
    void encodeKeepsTheChecksumAsGiven() {
        byte[] bytes = TetherFrame.control(HEADER.withChecksum(0x0102030405060708L), new TetherControl.Hail(1, 0)).encode();
        assertEquals(0x0102030405060708L, MemorySegment.ofArray(bytes).get(ValueLayout.JAVA_LONG_UNALIGNED, 48));
    }

    @Test
    void bulkNackClaimingFourBillionSlotsIsInvalidWithoutAllocating() {
        byte[] frame = TetherFrame.control(HEADER, new TetherControl.BulkNack(1, new long[] {3})).encode();
        assertEquals(128, frame.length);
        MemorySegment.ofArray(frame).set(ValueLayout.JAVA_INT_UNALIGNED, 64 + 12, 0xFFFF_FFFF);  // count

        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        TetherFrame decoded = TetherFrame.decode(frame).orElseThrow();
        decoded.control();  // warm up
        long before = threads.getCurrentThreadAllocatedBytes();
        Decoded<TetherControl> control = assertTimeout(Duration.ofSeconds(1), () -> decoded.control());  // same thread: allocation is counted
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        var bad = assertInstanceOf(Decoded.Invalid.class, control);
        assertEquals("Nack count 4294967295 needs 34359738360 bytes, the payload has 48", bad.cause());
        assertEquals(64 + 12, bad.offset());
        assertTrue(allocated < 1 << 20, "allocated " + allocated + " bytes");
    }

    @Test
    void sidebandCountOneTooMany() {
        byte[] payload = new TetherControl.Sideband(1, 2, new long[6]).encode();  // 16 + 48 = one full block
        assertEquals(64, payload.length);
        payload[12] = 7;
        assertInstanceOf(Decoded.Invalid.class, TetherControl.decode(payload));
    }

    @Test
    void aDataFlowHasNoControl() {
        TetherFrame data = new TetherFrame(new TetherHeader(5, 0, 0, 1, 2, 0, 9, 0, 0, 0, 0), Bytes.zeros(64));
        assertInstanceOf(Decoded.Invalid.class, data.control());
        assertThrows(IllegalArgumentException.class, () -> TetherFrame.control(data.header(), new TetherControl.Hail(1, 0)));
    }
}
