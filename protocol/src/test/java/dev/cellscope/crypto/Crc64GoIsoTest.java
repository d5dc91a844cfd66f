package dev.cellscope.crypto;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Crc64GoIsoTest {

    /** Bit-at-a-time reference straight from the definition (no tables), to check the slice-by-8 code. */
    static long reference(byte[] b, int off, int len) {
        long crc = -1L;
        for (int i = off; i < off + len; i++) {
            crc ^= b[i] & 0xFFL;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xD800000000000000L : crc >>> 1;
        }
        return ~crc;
    }

    @Test
    void checkValue() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xB90956C775A41001L, Crc64GoIso.compute(check));
        assertEquals(0xB90956C775A41001L, reference(check, 0, check.length));
        assertEquals(Crc64GoIso.CHECK, Crc64GoIso.compute(MemorySegment.ofArray(check), 0, 9));
    }

    @Test
    void emptyInputIsZero() {
        // init all ones, xorout all ones: nothing hashed gives 0
        assertEquals(0L, Crc64GoIso.compute(new byte[0]));
    }

    @Test
    void shiftIsUpdateZerosInLogarithmicTime() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (long count : new long[] {0, 1, 2, 7, 8, 9, 63, 64, 65, 1000, 4096, 65_537, 1 << 20, 3_000_001}) {
            long crc = rnd.nextLong();
            assertEquals(Crc64GoIso.updateZeros(crc, count), Crc64GoIso.shift(crc, count), "count " + count);
        }
        assertEquals(0L, Crc64GoIso.shift(0L, 1L << 40));
        assertThrows(IllegalArgumentException.class, () -> Crc64GoIso.shift(1L, -1));
    }

    /**
     * The use the tap makes of it: a content's CRC put together from its parts' CRCs taken in any order, each part
     * hashed from register 0 and shifted by the bytes after it; checked against the bitwise reference over the whole.
     */
    @Test
    void partsInAnyOrderCombineToTheCrcOfTheWhole() {
        SplittableRandom rnd = new SplittableRandom(0x5107);
        for (int round = 0; round < 50; round++) {
            int part = 1 + rnd.nextInt(1500), parts = 1 + rnd.nextInt(40), last = 1 + rnd.nextInt(part);
            byte[] content = new byte[part * (parts - 1) + last];
            rnd.nextBytes(content);
            int[] order = java.util.stream.IntStream.range(0, parts).toArray();
            for (int i = parts - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1), t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            long acc = 0;
            for (int i : order) {
                int off = i * part, len = Math.min(part, content.length - off);
                acc ^= Crc64GoIso.shift(Crc64GoIso.update(0, content, off, len), content.length - off - len);
            }
            long combined = Crc64GoIso.finish(Crc64GoIso.shift(Crc64GoIso.INIT, content.length) ^ acc);
            assertEquals(reference(content, 0, content.length), combined, "round " + round + ": " + parts + " parts of " + part);
        }
    }

    @Test
    void sliceBy8MatchesBitwiseForEveryLengthAndOffset() {
        SplittableRandom rnd = new SplittableRandom(0xC0FFEE);
        try (Arena arena = Arena.ofConfined()) {
            for (int len = 0; len <= 300; len++) {
                for (int rep = 0; rep < 4; rep++) {
                    int off = rnd.nextInt(17);
                    byte[] buf = new byte[off + len + rnd.nextInt(9)];
                    rnd.nextBytes(buf);
                    long want = reference(buf, off, len);
                    assertEquals(want, Crc64GoIso.finish(Crc64GoIso.update(Crc64GoIso.INIT, buf, off, len)),
                            "byte[] len=" + len + " off=" + off);
                    assertEquals(want, Crc64GoIso.compute(MemorySegment.ofArray(buf), off, len),
                            "heap segment len=" + len + " off=" + off);
                    MemorySegment nat = arena.allocate(buf.length);
                    nat.copyFrom(MemorySegment.ofArray(buf));
                    assertEquals(want, Crc64GoIso.compute(nat, off, len), "native segment len=" + len + " off=" + off);
                }
            }
        }
    }

    @Test
    void updateZerosEqualsHashingZeroBytes() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int n = 0; n <= 200; n++) {
            long start = rnd.nextLong();
            assertEquals(Crc64GoIso.update(start, new byte[n], 0, n), Crc64GoIso.updateZeros(start, n), "n=" + n);
        }
        assertThrows(IllegalArgumentException.class, () -> Crc64GoIso.updateZeros(0, -1));
    }

    @Test
    void tetherChecksumIgnoresTheChecksumField() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int blocks = 1; blocks <= 4; blocks++) {
            byte[] frame = new byte[64 * blocks + 5];
            rnd.nextBytes(frame);
            int off = 5;
            byte[] zeroed = Arrays.copyOfRange(frame, off, frame.length);
            Arrays.fill(zeroed, 48, 56, (byte) 0);
            long want = reference(zeroed, 0, zeroed.length);
            assertEquals(want, Crc64GoIso.tetherChecksum(MemorySegment.ofArray(frame), off, 64L * blocks));
            // whatever the field holds, the checksum is the same
            frame[off + 50] ^= 0x5A;
            assertEquals(want, Crc64GoIso.tetherChecksum(MemorySegment.ofArray(frame), off, 64L * blocks));
        }
    }

    @Test
    void tetherChecksumOfTruncatedFrameDoesNotThrow() {
        byte[] frame = new byte[64];
        Arrays.fill(frame, (byte) 0x33);
        for (int len = 0; len <= 64; len++) {
            byte[] zeroed = Arrays.copyOf(frame, len);
            for (int i = 48; i < Math.min(56, len); i++) zeroed[i] = 0;
            assertEquals(reference(zeroed, 0, len), Crc64GoIso.tetherChecksum(MemorySegment.ofArray(frame), 0, len),
                    "len=" + len);
        }
    }
}
