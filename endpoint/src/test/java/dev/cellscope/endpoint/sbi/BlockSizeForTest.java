package dev.cellscope.endpoint.sbi;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * An object is one DAG_SYNC's node list (depth 1): at most 8190 chunks. A file too large for 64 KiB blocks gets the
 * smallest multiple of 4 KiB that keeps it within them. The limits are worked out here from PROTOCOLS.md's numbers
 * (262,144-byte container, 24-byte preamble, 36-byte DAG_SYNC spine, 40-byte BLOCK_PUT spine, 32-byte hashes), not
 * read from the code.
 */
class BlockSizeForTest {
    static final int MAX_CHUNKS = (262_144 - 24 - 36) / 32;   // 8190
    static final int MAX_BLOCK = 262_144 - 24 - 40;           // 262,080

    @Test
    void theLimitsAreWhatTheLayoutsGive() {
        assertEquals(8190, MAX_CHUNKS);
        assertEquals(MAX_CHUNKS, SbiConfig.MAX_CHUNKS);
        assertEquals(MAX_BLOCK, SbiConfig.MAX_BLOCK_SIZE);
        assertEquals(8190L * 262_080, SbiConfig.MAX_OBJECT_SIZE);
    }

    @Test
    void sixtyFourKibibytesWhileTheyFitThenTheSmallestFourKibibyteMultipleThatDoes() {
        assertEquals(65_536, SbiConfig.blockSizeFor(0));
        assertEquals(65_536, SbiConfig.blockSizeFor(1));
        assertEquals(65_536, SbiConfig.blockSizeFor(8190L * 65_536));           // exactly 8190 chunks
        assertEquals(69_632, SbiConfig.blockSizeFor(8190L * 65_536 + 1));       // one byte more: the next 4 KiB step
        assertEquals(73_728, SbiConfig.blockSizeFor(600_000_000));              // 8139 chunks
        assertEquals(135_168, SbiConfig.blockSizeFor(1L << 30));                 // 1 GiB: 7944 chunks
        assertEquals(MAX_BLOCK, SbiConfig.blockSizeFor(SbiConfig.MAX_OBJECT_SIZE));
        assertThrows(IllegalArgumentException.class, () -> SbiConfig.blockSizeFor(SbiConfig.MAX_OBJECT_SIZE + 1));
        assertThrows(IllegalArgumentException.class, () -> SbiConfig.blockSizeFor(-1));
    }

    @Test
    void everySizeFitsAndNoSmallerStepWould() {
        java.util.Random r = new java.util.Random(26);
        for (int i = 0; i < 100_000; i++) {
            long bytes = (long) (r.nextDouble() * SbiConfig.MAX_OBJECT_SIZE);
            int b = SbiConfig.blockSizeFor(bytes);
            assertTrue(b >= 65_536 && b <= MAX_BLOCK, bytes + " -> " + b);
            assertTrue(ceil(bytes, b) <= MAX_CHUNKS, bytes + " -> " + b + " makes " + ceil(bytes, b) + " chunks");
            assertEquals(ceil(bytes, b), SbiConfig.chunks(bytes, b));
            if (b > 65_536 && b < MAX_BLOCK) {
                assertEquals(0, b % 4096, bytes + " -> " + b);
                assertTrue(ceil(bytes, b - 4096) > MAX_CHUNKS, bytes + ": " + (b - 4096) + " would have done");
            }
        }
    }

    private static long ceil(long bytes, int block) {
        return bytes == 0 ? 0 : (bytes - 1) / block + 1;
    }
}
