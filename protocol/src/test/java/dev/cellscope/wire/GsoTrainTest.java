package dev.cellscope.wire;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Trains built here byte by byte from PROTOCOLS.md (UTCP header: two CellIDs, seq u32, flags u16, payload_len u16,
 * big-endian; Tether: 64-byte little-endian header, CRC-64/GO-ISO computed bit by bit below), not with the codecs.
 */
class GsoTrainTest {
    private static final byte[] A = filled(0xA1, 16), B = filled(0xB2, 16), C = filled(0xC3, 16);
    /** The codec's Tether checksum, as the dissector passes it (the frames' own are computed apart, below). */
    private static final GsoTrain.TetherChecksum CRC = dev.cellscope.crypto.Crc64GoIso::tetherChecksum;

    @ParameterizedTest
    @CsvSource({
            "1400, 46, 1400",   // the endpoint's full train
            "1400, 2, 1",       // two segments, the last one byte of payload
            "1400, 3, 1400",
            "0, 5, 0",          // header-only packets (ACKs, empty NACKs) batch too
            "512, 128, 512"})   // the kernel's segment limit
    void aUtcpTrainIsCutAtTheFirstPacketsLength(int payload, int count, int lastPayload) {
        ByteArrayOutputStream train = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) train.writeBytes(utcp(A, B, 1000 + i, i == count - 1 ? lastPayload : payload));
        byte[] bytes = train.toByteArray();
        assertEquals(40 + payload, GsoTrain.segmentSize(MemorySegment.ofArray(bytes), 0, bytes.length, CRC));
        assertEquals(count, GsoTrain.segments(bytes.length, 40 + payload));
    }

    @Test
    void oneDatagramIsNotATrain() {
        byte[] one = utcp(A, B, 7, 1400);
        assertEquals(-1, GsoTrain.segmentSize(MemorySegment.ofArray(one), 0, one.length, CRC));
        byte[] tether = tether(1, 3, 0);
        assertEquals(-1, GsoTrain.segmentSize(MemorySegment.ofArray(tether), 0, tether.length, CRC));
    }

    @Test
    void bytesThatDoNotCutIntoWholePacketsAreNotATrain() {
        byte[] a = utcp(A, B, 1, 100), b = utcp(A, B, 2, 100);
        assertEquals(-1, size(concat(a, b, new byte[7])), "trailing bytes that are no packet");
        assertEquals(-1, size(concat(a, utcp(A, B, 2, 120))), "a later segment longer than the first");
        assertEquals(-1, size(concat(a, utcp(A, B, 2, 60), utcp(A, B, 3, 60))), "a short segment before the last");
        assertEquals(-1, size(concat(a, utcp(C, C, 2, 100))), "another CellID pair");
        assertEquals(-1, size(concat(a, new byte[30])), "a tail too short for a header");
        byte[] lying = utcp(A, B, 3, 100);
        lying[38] = (byte) 0xFF; // payload_len 65,280: beyond the datagram
        assertEquals(-1, size(lying));
        assertEquals(-1, size(new byte[0]));
        assertEquals(-1, size(new byte[3]));
        assertEquals(40, size(new byte[80]), "two header-only packets of CellIDs 0 cut exactly: a train of 2");
    }

    /**
     * A train with one byte of one packet's source CellID damaged (the endpoint's --corrupt flips a byte of a segment)
     * is still cut at every packet: the damaged one is a packet of its own, shown as such, not 63 kB of padding with
     * the train's other 44 packets counted as tap loss (review of the endpoint).
     */
    @Test
    void aDamagedCellIdInOneSegmentStillCuts() {
        byte[] damaged = utcp(A, B, 3, 1400);
        damaged[5] ^= 0x10;
        assertEquals(1440, size(concat(utcp(A, B, 1, 1400), utcp(A, B, 2, 1400), damaged, utcp(A, B, 4, 1400))));
        byte[] dst = utcp(A, B, 3, 1400);
        dst[16 + 9] ^= 0x01;
        assertEquals(1440, size(concat(utcp(A, B, 1, 1400), dst)));
        assertEquals(1440, size(concat(utcp(A, B, 1, 1400), utcp(A, C, 2, 1400))), "the same sender to another CellID on the socket");
    }

    @Test
    void garbageNeverThrows() {
        Random r = new Random(5);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[r.nextInt(3000)];
            r.nextBytes(junk);
            if (junk.length >= 4 && r.nextBoolean()) { junk[0] = 0x4C; junk[1] = 0x4F; junk[2] = 0x42; junk[3] = 0x4F; }
            int s = size(junk);
            assertTrue(s == -1 || (s > 0 && s < junk.length), "size " + s + " of " + junk.length);
        }
        // Offsets and lengths outside the segment are refused, not read.
        assertEquals(-1, GsoTrain.segmentSize(MemorySegment.ofArray(new byte[100]), 50, 100, CRC));
    }

    @Test
    void aTetherTrainIsCutWhereTheChecksumOfTheFirstFrameHolds() {
        byte[] train = concat(tether(1, 20, 0), tether(2, 20, 1), tether(3, 7, 2));
        assertEquals(64 * 21, size(train));
        assertEquals(3, GsoTrain.segments(train.length, 64 * 21));
    }

    @Test
    void aTetherTrainWithABadFirstChecksumOrALooseTailIsNotATrain() {
        byte[] first = tether(1, 20, 0);
        first[100] ^= 1;
        assertEquals(-1, size(concat(first, tether(2, 20, 1))));
        assertEquals(-1, size(concat(tether(1, 20, 0), tether(2, 20, 1), new byte[10])), "not whole blocks");
        // The magic at a block boundary inside the payload is not a cut: the checksum over the bytes before it fails.
        byte[] inner = tether(1, 20, 0);
        System.arraycopy(new byte[] {0x4C, 0x4F, 0x42, 0x4F}, 0, inner, 64 * 5, 4);
        byte[] fixed = withChecksum(inner);
        assertEquals(64 * 21, size(concat(fixed, tether(2, 20, 1))));
    }

    // ---- an encoder written from PROTOCOLS.md, apart from the codecs

    private static int size(byte[] bytes) {
        return GsoTrain.segmentSize(MemorySegment.ofArray(bytes), 0, bytes.length, CRC);
    }

    static byte[] utcp(byte[] src, byte[] dst, long seq, int payload) {
        ByteBuffer b = ByteBuffer.allocate(40 + payload).order(ByteOrder.BIG_ENDIAN);
        b.put(src).put(dst).putInt((int) seq).putShort((short) 0x0010).putShort((short) payload);
        for (int i = 0; i < payload; i++) b.put((byte) (seq + i));
        return b.array();
    }

    /** A Tether data frame with {@code blocks} payload blocks, little-endian header, checksum set. */
    static byte[] tether(long slot, int blocks, int fill) {
        ByteBuffer b = ByteBuffer.allocate(64 * (1 + blocks)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x4F424F4C).putShort((short) 9).put((byte) 0).put((byte) 0);
        b.putInt(0xAC1D0102).putShort((short) 0x0304).putShort((short) 0xAC1D).putInt(0x05060708);
        b.putInt(0).putLong(slot).putLong(0).putLong(0).putLong(0).putLong((1L << 62) + 1_800_000_000L);
        for (int i = 64; i < b.capacity(); i++) b.put(i, (byte) (fill + i));
        return withChecksum(b.array());
    }

    private static byte[] withChecksum(byte[] frame) {
        byte[] zeroed = frame.clone();
        for (int i = 48; i < 56; i++) zeroed[i] = 0;
        ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).putLong(48, crc64GoIso(zeroed));
        return frame;
    }

    /** CRC-64/GO-ISO bit by bit: reflected polynomial 0xD800000000000000, init and xorout all ones. */
    private static long crc64GoIso(byte[] data) {
        long crc = -1L;
        for (byte x : data) {
            crc ^= x & 0xFF;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xD800000000000000L : crc >>> 1;
        }
        return ~crc;
    }

    @Test
    void theTestsOwnCrcIsTheCatalogues() {
        assertEquals(0xB90956C775A41001L, crc64GoIso("123456789".getBytes()));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    private static byte[] filled(int value, int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }
}
