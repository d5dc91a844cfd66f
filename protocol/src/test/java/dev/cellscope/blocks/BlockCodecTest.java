package dev.cellscope.blocks;

import dev.cellscope.blocks.Verification.Outcome;
import dev.cellscope.crypto.Blake3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static dev.cellscope.blocks.BlockCodec.COMP_DEFLATE;
import static dev.cellscope.blocks.BlockCodec.COMP_NONE;
import static dev.cellscope.blocks.BlockCodec.COMP_ZSTD;
import static dev.cellscope.blocks.BlockCodec.DEFAULT_LIMIT;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BlockCodecTest {
    static final int LIMIT = DEFAULT_LIMIT;
    static final byte[] TEXT = Blocks.text(64 * 1024, 42);
    static final byte[] TEXT_HASH = Blake3.hash(TEXT);

    final BlockCodec v = new BlockCodec();

    @AfterEach
    void close() {
        v.close();
    }

    static void assertVerified(Verification r, byte[] original, int compressedSize) {
        assertEquals(Outcome.VERIFIED, r.outcome(), r.detail());
        assertTrue(r.verified());
        assertEquals(original.length, r.uncompressedSize());
        assertEquals(compressedSize, r.compressedSize());
    }

    Verification check(int algo, byte[] data, byte[] original) {
        Verification r = v.verify(algo, data, Blake3.hash(original));
        if (r.verified()) {
            Decompressed d = v.decompress(algo, data);
            assertTrue(d.ok());
            assertArrayEquals(original, d.data().toArray(ValueLayout.JAVA_BYTE));
        }
        return r;
    }

    // ---- round trips -----------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 19})
    void zstdJniRoundTrip(int level) {
        byte[] z = Blocks.zstd(TEXT, level);
        assertVerified(check(COMP_ZSTD, z, TEXT), TEXT, z.length);
        byte[] s = Blocks.zstdStreaming(TEXT, level);
        assertVerified(check(COMP_ZSTD, s, TEXT), TEXT, s.length);
    }

    @Test
    void zstdCliRoundTrip() {
        assumeTrue(Blocks.onPath("zstd"), "zstd CLI not on PATH: skipping the independent-producer check");
        byte[] sized = Blocks.run(TEXT, "zstd", "-q", "-f", "-19", "{in}", "-o", "{out}");
        assertVerified(check(COMP_ZSTD, sized, TEXT), TEXT, sized.length);
        byte[] streamed = Blocks.run(TEXT, "zstd", "-q", "-f", "-3", "--no-content-size", "--check", "{in}", "-o", "{out}");
        assertVerified(check(COMP_ZSTD, streamed, TEXT), TEXT, streamed.length);
    }

    @Test
    void deflaterRoundTrip() {
        byte[] z = Blocks.zlib(TEXT, 6);
        assertVerified(check(COMP_DEFLATE, z, TEXT), TEXT, z.length);
    }

    @Test
    void pythonZlibRoundTrip() {
        assumeTrue(Blocks.pythonZlibAvailable(), "python3 with zlib not available: skipping the independent-producer check");
        for (int level : new int[] {1, 6, 9}) {
            byte[] z = Blocks.pythonZlib(TEXT, level);
            assertVerified(check(COMP_DEFLATE, z, TEXT), TEXT, z.length);
        }
    }

    @Test
    void noneRoundTrip() {
        assertVerified(check(COMP_NONE, TEXT, TEXT), TEXT, TEXT.length);
        Decompressed d = v.decompress(COMP_NONE, TEXT);
        assertEquals(TEXT.length, d.uncompressedSize());
    }

    @Test
    void emptyBlocks() {
        byte[] empty = new byte[0];
        assertVerified(check(COMP_NONE, empty, empty), empty, 0);
        assertVerified(check(COMP_ZSTD, Blocks.zstd(empty, 3), empty), empty, Blocks.zstd(empty, 3).length);
        assertVerified(check(COMP_DEFLATE, Blocks.zlib(empty, 6), empty), empty, Blocks.zlib(empty, 6).length);
        assertEquals(Outcome.CORRUPT, v.verify(COMP_ZSTD, empty, Blake3.hash(empty)).outcome());
        assertEquals(Outcome.CORRUPT, v.verify(COMP_DEFLATE, empty, Blake3.hash(empty)).outcome());
    }

    @Test
    void segmentsAtOffsetsNativeAndHeap() {
        byte[] z = Blocks.zstd(TEXT, 3);
        byte[] d = Blocks.zlib(TEXT, 6);
        for (int algo : new int[] {COMP_NONE, COMP_DEFLATE, COMP_ZSTD}) {
            byte[] payload = algo == COMP_NONE ? TEXT : algo == COMP_ZSTD ? z : d;
            byte[] framed = new byte[7 + 32 + payload.length + 5];
            System.arraycopy(TEXT_HASH, 0, framed, 7, 32);
            System.arraycopy(payload, 0, framed, 39, payload.length);
            // Heap, with offsets, and a slice whose address() is non-zero.
            MemorySegment heap = MemorySegment.ofArray(framed);
            assertVerified(v.verify(algo, heap, 39, payload.length, heap, 7), TEXT, payload.length);
            MemorySegment slice = heap.asSlice(3);
            assertVerified(v.verify(algo, slice, 36, payload.length, slice, 4), TEXT, payload.length);
            // Read-only heap (no heapBase) and native segments take the copy path.
            MemorySegment ro = heap.asReadOnly();
            assertVerified(v.verify(algo, ro, 39, payload.length, ro, 7), TEXT, payload.length);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment nat = arena.allocate(framed.length);
                nat.copyFrom(heap);
                assertVerified(v.verify(algo, nat, 39, payload.length, nat, 7), TEXT, payload.length);
                Decompressed dec = v.decompress(algo, nat, 39, payload.length);
                assertArrayEquals(TEXT, dec.data().toArray(ValueLayout.JAVA_BYTE));
            }
        }
    }

    @Test
    void argumentsOutOfRangeThrow() {
        byte[] h = new byte[32];
        MemorySegment s = MemorySegment.ofArray(new byte[10]);
        assertThrows(IndexOutOfBoundsException.class, () -> v.verify(COMP_NONE, s, 5, 6, MemorySegment.ofArray(h), 0));
        assertThrows(IndexOutOfBoundsException.class, () -> v.verify(COMP_ZSTD, s, 0, 10, MemorySegment.ofArray(h), 1));
        assertThrows(IllegalArgumentException.class, () -> new BlockCodec(-1));
        v.close();
        assertThrows(IllegalStateException.class, () -> v.verify(COMP_DEFLATE, Blocks.zlib(TEXT, 1), TEXT_HASH));
    }

    // ---- hash mismatch -----------------------------------------------------------------------

    @Test
    void flippedHashBitIsMismatch() {
        byte[] h = TEXT_HASH.clone();
        h[17] ^= 0x04;
        for (int algo : new int[] {COMP_NONE, COMP_DEFLATE, COMP_ZSTD}) {
            byte[] data = algo == COMP_NONE ? TEXT : algo == COMP_ZSTD ? Blocks.zstd(TEXT, 3) : Blocks.zlib(TEXT, 6);
            Verification r = v.verify(algo, data, h);
            assertEquals(Outcome.HASH_MISMATCH, r.outcome(), r.detail());
            assertFalse(r.verified());
            assertEquals(TEXT.length, r.uncompressedSize());
            String actual = java.util.HexFormat.of().formatHex(TEXT_HASH, 0, 8);
            String said = java.util.HexFormat.of().formatHex(h, 0, 8);
            assertEquals("BLAKE3 of the 65536 uncompressed bytes is " + actual + "…, block_hash says " + said + "…", r.detail());
        }
    }

    @Test
    void flippedDataBitIsMismatch() {
        byte[] data = TEXT.clone();
        data[1000] ^= 0x01;
        Verification r = v.verify(COMP_NONE, data, TEXT_HASH);
        assertEquals(Outcome.HASH_MISMATCH, r.outcome());
    }

    // ---- bombs -------------------------------------------------------------------------------

    /** Magic, FHD 0xE0 (8-byte Frame_Content_Size, single segment), FCS 2^31, then one empty raw block. */
    static byte[] declaredBomb() {
        return new byte[] {
                0x28, (byte) 0xB5, 0x2F, (byte) 0xFD, (byte) 0xE0,
                0, 0, 0, (byte) 0x80, 0, 0, 0, 0,
                1, 0, 0};
    }

    @Test
    void zstdDeclaredBombIsRejectedWithoutDecompressing() {
        long before = allocated();
        Verification r = v.verify(COMP_ZSTD, declaredBomb(), TEXT_HASH);
        long used = allocated() - before;
        assertEquals(Outcome.TOO_LARGE, r.outcome());
        assertEquals(1L << 31, r.uncompressedSize());
        assertEquals("zstd frame declares 2147483648 bytes of content, above the 16 MiB limit (decompression bomb); not decompressed",
                r.detail());
        assertEquals(0, v.bufferCapacity(), "nothing was allocated for the output");
        assertTrue(used < 1 << 20, "allocated " + used);
        // 2^64 - 1 declared (reads as negative): a bomb all the same.
        byte[] huge = declaredBomb();
        Arrays.fill(huge, 5, 13, (byte) 0xFF);
        Verification h = v.verify(COMP_ZSTD, huge, TEXT_HASH);
        assertEquals(Outcome.TOO_LARGE, h.outcome(), h.detail());
        assertTrue(h.detail().contains("18446744073709551615"), h.detail());
    }

    @Test
    void concatenatedDeclaredFramesAddUp() {
        BlockCodec small = new BlockCodec(100_000);
        try (small) {
            byte[] a = Blocks.text(60_000, 1);
            byte[] b = Blocks.text(60_000, 2);
            Verification r = small.verify(COMP_ZSTD, Blocks.concat(Blocks.zstd(a, 3), Blocks.zstd(b, 3)), Blake3.hash(Blocks.concat(a, b)));
            assertEquals(Outcome.TOO_LARGE, r.outcome());
            assertEquals("zstd frames declare 120000 bytes of content in total, above the 100000 bytes limit (decompression bomb); not decompressed",
                    r.detail());
            assertEquals(0, small.bufferCapacity());
        }
    }

    static final byte[] ZEROS_64M = new byte[64 << 20];

    @Test
    void zstdRealBombDeclared() {
        byte[] bomb = Blocks.zstd(ZEROS_64M, 3);
        assertTrue(bomb.length < 64 * 1024, "tiny: " + bomb.length);
        assertBounded(COMP_ZSTD, bomb, "zstd frame declares 67108864 bytes of content");
    }

    @Test
    void zstdRealBombStreaming() {
        byte[] bomb = Blocks.zstdStreaming(ZEROS_64M, 3);
        assertBounded(COMP_ZSTD, bomb, "inflates beyond the 16 MiB limit (decompression bomb); stopped at 16777217 bytes");
    }

    @Test
    void zstdCliBombStreaming() {
        assumeTrue(Blocks.onPath("zstd"), "zstd CLI not on PATH: skipping");
        byte[] bomb = Blocks.run(ZEROS_64M, "zstd", "-q", "-f", "-1", "--no-content-size", "{in}", "-o", "{out}");
        assertBounded(COMP_ZSTD, bomb, "stopped at 16777217 bytes");
    }

    @Test
    void zstdHugeWindowIsTooLarge() {
        assumeTrue(Blocks.onPath("zstd"), "zstd CLI not on PATH: skipping");
        // A streaming frame (piped: no size, no size hint) asking for a 128 MiB window
        // (window descriptor 0x88): a 16 MiB block never needs it.
        byte[] z = Blocks.run(TEXT, "sh", "-c", "zstd -q --long=27 -c < '{in}' > '{out}'");
        assertEquals((byte) 0x88, z[5], "window descriptor");
        Verification r = v.verify(COMP_ZSTD, z, TEXT_HASH);
        assertEquals(Outcome.TOO_LARGE, r.outcome(), r.detail());
        assertTrue(r.detail().contains("decoding window"), r.detail());
        // The same with a declared size decodes in one shot without a window buffer.
        byte[] sized = Blocks.run(TEXT, "zstd", "-q", "-f", "--long=27", "{in}", "-o", "{out}");
        assertVerified(v.verify(COMP_ZSTD, sized, TEXT_HASH), TEXT, sized.length);
    }

    @Test
    void deflateBomb() {
        byte[] bomb = Blocks.zlib(ZEROS_64M, 9);
        assertBounded(COMP_DEFLATE, bomb, "inflates beyond the 16 MiB limit (decompression bomb); stopped at 16777217 bytes");
    }

    void assertBounded(int algo, byte[] bomb, String expectedDetail) {
        try (BlockCodec fresh = new BlockCodec()) {
            long before = allocated();
            Verification r = fresh.verify(algo, bomb, TEXT_HASH);
            long used = allocated() - before;
            assertEquals(Outcome.TOO_LARGE, r.outcome(), r.detail());
            assertTrue(r.detail().contains(expectedDetail), r.detail());
            assertTrue(fresh.bufferCapacity() <= LIMIT + 1, "buffer " + fresh.bufferCapacity());
            assertTrue(used < 2L * LIMIT, "allocated " + used + " bytes for a " + LIMIT + "-byte limit");
            Decompressed d = fresh.decompress(algo, bomb);
            assertFalse(d.ok());
            assertNull(d.data());
            assertEquals(Outcome.TOO_LARGE, d.failure().outcome());
            assertTrue(fresh.bufferCapacity() <= LIMIT + 1);
        }
    }

    static long allocated() {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return bean.getCurrentThreadAllocatedBytes();
    }

    @Test
    void exactlyAtTheLimitVerifiesAndOneMoreIsTooLarge() {
        byte[] atLimit = Blocks.text(LIMIT, 7);
        byte[] over = Arrays.copyOf(atLimit, LIMIT + 1);
        over[LIMIT] = 'x';
        byte[] hAt = Blake3.hash(atLimit);
        byte[] hOver = Blake3.hash(over);

        assertVerified(v.verify(COMP_NONE, atLimit, hAt), atLimit, LIMIT);
        assertEquals(Outcome.TOO_LARGE, v.verify(COMP_NONE, over, hOver).outcome());

        byte[] zAt = Blocks.zstd(atLimit, 1);
        assertVerified(v.verify(COMP_ZSTD, zAt, hAt), atLimit, zAt.length);
        assertEquals(LIMIT, v.bufferCapacity());
        assertEquals(Outcome.TOO_LARGE, v.verify(COMP_ZSTD, Blocks.zstd(over, 1), hOver).outcome());
        byte[] sAt = Blocks.zstdStreaming(atLimit, 1);
        assertVerified(v.verify(COMP_ZSTD, sAt, hAt), atLimit, sAt.length);
        Verification sOver = v.verify(COMP_ZSTD, Blocks.zstdStreaming(over, 1), hOver);
        assertEquals(Outcome.TOO_LARGE, sOver.outcome());
        assertEquals(LIMIT + 1L, sOver.uncompressedSize());

        byte[] dAt = Blocks.zlib(atLimit, 1);
        assertVerified(v.verify(COMP_DEFLATE, dAt, hAt), atLimit, dAt.length);
        assertEquals(Outcome.TOO_LARGE, v.verify(COMP_DEFLATE, Blocks.zlib(over, 1), hOver).outcome());
        assertTrue(v.bufferCapacity() <= LIMIT + 1);
    }

    @Test
    void smallLimitsWork() {
        for (int limit : new int[] {0, 1, 1000, 65535, 65536, 65537}) {
            try (BlockCodec small = new BlockCodec(limit)) {
                for (int size : new int[] {0, 1, limit - 1, limit, limit + 1}) {
                    if (size < 0) continue;
                    byte[] data = Blocks.text(size, size);
                    byte[] h = Blake3.hash(data);
                    Outcome want = size <= limit ? Outcome.VERIFIED : Outcome.TOO_LARGE;
                    for (byte[][] c : new byte[][][] {
                            {{(byte) COMP_NONE}, data}, {{(byte) COMP_ZSTD}, Blocks.zstd(data, 3)},
                            {{(byte) COMP_ZSTD}, Blocks.zstdStreaming(data, 3)}, {{(byte) COMP_DEFLATE}, Blocks.zlib(data, 6)}}) {
                        Verification r = small.verify(c[0][0], c[1], h);
                        assertEquals(want, r.outcome(), "limit " + limit + " size " + size + " algo " + c[0][0] + ": " + r.detail());
                        assertTrue(small.bufferCapacity() <= limit + 1);
                    }
                }
            }
        }
    }

    // ---- unsupported ---------------------------------------------------------------------------

    @Test
    void reservedExperimentalAndUnknownAlgorithms() {
        for (int algo : new int[] {3, 7, 14}) {
            Verification r = v.verify(algo, TEXT, TEXT_HASH);
            assertEquals(Outcome.UNSUPPORTED_COMPRESSION, r.outcome());
            assertEquals("comp_algo " + algo + " (reserved) is rejected", r.detail());
            assertEquals(-1, r.uncompressedSize());
            assertEquals(TEXT.length, r.compressedSize());
        }
        Verification e = v.verify(15, TEXT, TEXT_HASH);
        assertEquals(Outcome.UNSUPPORTED_COMPRESSION, e.outcome());
        assertEquals("comp_algo 15 (experimental) is rejected", e.detail());
        for (int algo : new int[] {16, 255, -1}) {
            Verification r = v.verify(algo, TEXT, TEXT_HASH);
            assertEquals(Outcome.UNSUPPORTED_COMPRESSION, r.outcome());
            assertTrue(r.detail().startsWith("comp_algo " + algo + " is not a known compression"), r.detail());
        }
        assertEquals(Outcome.UNSUPPORTED_COMPRESSION, v.decompress(15, TEXT).failure().outcome());
        assertEquals(0, v.bufferCapacity());
    }

    // ---- corrupt -------------------------------------------------------------------------------

    Verification corrupt(int algo, byte[] data, String detailPart) {
        Verification r = v.verify(algo, data, TEXT_HASH);
        assertEquals(Outcome.CORRUPT, r.outcome(), r.detail());
        assertTrue(r.detail().contains(detailPart), r.detail());
        assertEquals(data.length, r.compressedSize());
        Decompressed d = v.decompress(algo, data);
        assertFalse(d.ok());
        assertEquals(r, d.failure());
        return r;
    }

    @Test
    void corruptZstd() {
        Random rnd = new Random(5);
        byte[] junk = Blocks.random(1000, 9);
        junk[0] = 0x28; junk[1] = (byte) 0xB5; junk[2] = 0x2F; junk[3] = (byte) 0xFD;
        corrupt(COMP_ZSTD, junk, "zstd data is corrupt: ");
        byte[] z = Blocks.zstd(TEXT, 3);
        corrupt(COMP_ZSTD, Arrays.copyOf(z, z.length / 2), "zstd data is ");
        corrupt(COMP_ZSTD, Arrays.copyOf(z, 4), "zstd data is ");
        byte[] s = Blocks.zstdStreaming(TEXT, 3);
        corrupt(COMP_ZSTD, Arrays.copyOf(s, s.length / 2), "zstd data is truncated");
        corrupt(COMP_ZSTD, Arrays.copyOf(s, s.length - 1), "zstd data is truncated");
        // Not zstd at all.
        corrupt(COMP_ZSTD, TEXT, "zstd data is corrupt: ");
        corrupt(COMP_ZSTD, Blocks.zlib(TEXT, 6), "zstd data is corrupt: ");
        // Trailing garbage after a valid frame.
        corrupt(COMP_ZSTD, Blocks.concat(z, new byte[] {1, 2, 3, 4, 5}), "zstd data is corrupt: ");
        // A frame whose declared size lies (one byte less than the content).
        byte[] lie = Blocks.zstd(Blocks.text(1000, 3), 3);
        assertEquals(0x60, lie[4] & 0xE0, "FCS 2 bytes (value - 256), single segment: FHD " + (lie[4] & 0xFF));
        lie[5]--;
        corrupt(COMP_ZSTD, lie, "zstd data is corrupt: ");
        // Corrupt checksum.
        byte[] withSum = Blocks.zstdStreaming(TEXT, 3, true);
        withSum[withSum.length - 1] ^= 1;
        corrupt(COMP_ZSTD, withSum, "zstd data is corrupt: ");
        // Only skippable frames.
        corrupt(COMP_ZSTD, Blocks.skippable(10), "only skippable frames");
        for (int i = 0; i < 200; i++) {
            byte[] m = z.clone();
            m[4 + rnd.nextInt(m.length - 4)] ^= (byte) (1 + rnd.nextInt(255));
            Verification r = v.verify(COMP_ZSTD, m, TEXT_HASH);
            assertNotEquals(Outcome.VERIFIED, r.outcome());
        }
    }

    @Test
    void concatenatedAndSkippableZstdFrames() {
        byte[] a = Blocks.text(30_000, 11);
        byte[] b = Blocks.text(40_000, 12);
        byte[] ab = Blocks.concat(a, b);
        byte[] h = Blake3.hash(ab);
        byte[] za = Blocks.zstd(a, 3);
        byte[] zb = Blocks.zstd(b, 19);
        byte[] sb = Blocks.zstdStreaming(b, 3);
        byte[][] forms = {
                Blocks.concat(za, zb),
                Blocks.concat(za, sb),
                Blocks.concat(Blocks.skippable(0), za, Blocks.skippable(100), zb, Blocks.skippable(7)),
                Blocks.concat(Blocks.skippable(5), Blocks.zstdStreaming(a, 1), Blocks.skippable(3), sb, Blocks.skippable(3)),
        };
        for (byte[] f : forms) {
            Verification r = v.verify(COMP_ZSTD, f, h);
            assertVerified(r, ab, f.length);
            assertArrayEquals(ab, v.decompress(COMP_ZSTD, f).data().toArray(ValueLayout.JAVA_BYTE));
        }
        // A truncated skippable frame at the end is corrupt.
        byte[] cut = Blocks.concat(za, zb, Arrays.copyOf(Blocks.skippable(10), 12));
        corrupt(COMP_ZSTD, cut, "zstd data is ");
    }

    @Test
    void corruptDeflate() {
        byte[] raw = Blocks.rawDeflate(TEXT, 6);
        Verification r = corrupt(COMP_DEFLATE, raw, "deflate data is not a zlib stream (header 0x");
        assertTrue(r.detail().matches("deflate data is not a zlib stream \\(header 0x[0-9a-f]{4}\\)"), r.detail());
        byte[] z = Blocks.zlib(TEXT, 6);
        corrupt(COMP_DEFLATE, Arrays.copyOf(z, z.length / 2), "deflate stream is truncated");
        corrupt(COMP_DEFLATE, Arrays.copyOf(z, z.length - 1), "deflate stream is truncated");
        corrupt(COMP_DEFLATE, Arrays.copyOf(z, 1), "deflate stream is truncated");
        corrupt(COMP_DEFLATE, Arrays.copyOf(z, 2), "deflate stream is truncated");
        byte[] badAdler = z.clone();
        badAdler[badAdler.length - 1] ^= 0x10;
        corrupt(COMP_DEFLATE, badAdler, "deflate data is corrupt: incorrect data check");
        corrupt(COMP_DEFLATE, Blocks.concat(z, new byte[] {0}), "1 byte follow");
        corrupt(COMP_DEFLATE, Blocks.concat(z, z), " bytes follow the end of the zlib stream");
        corrupt(COMP_DEFLATE, Blocks.zstd(TEXT, 3), "not a zlib stream");
        // FDICT set (header 0x78 0xBB is a valid check for FDICT).
        byte[] dict = z.clone();
        dict[1] = (byte) 0xBB;
        corrupt(COMP_DEFLATE, dict, "preset dictionary");
        // Bad block type inside a valid header.
        byte[] badBlock = {0x78, (byte) 0x9C, (byte) 0xFF, 0, 0, 0, 0};
        corrupt(COMP_DEFLATE, badBlock, "deflate data is corrupt: ");
    }

    // ---- reuse ---------------------------------------------------------------------------------

    @Test
    void reuseGivesTheSameResultsAsFreshVerifiers() {
        Random rnd = new Random(77);
        List<Object[]> cases = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int size = switch (rnd.nextInt(4)) {
                case 0 -> rnd.nextInt(100);
                case 1 -> rnd.nextInt(70_000);
                case 2 -> 64 * 1024;
                default -> rnd.nextInt(300_000);
            };
            byte[] plain = rnd.nextInt(5) == 0 ? Blocks.random(size, i) : Blocks.text(size, i);
            int algo = rnd.nextInt(10) == 0 ? 3 + rnd.nextInt(13) : rnd.nextInt(3);
            byte[] data = algo == COMP_DEFLATE ? Blocks.zlib(plain, 1 + rnd.nextInt(9))
                    : algo == COMP_ZSTD ? (rnd.nextBoolean() ? Blocks.zstd(plain, 1 + rnd.nextInt(5)) : Blocks.zstdStreaming(plain, 1))
                    : plain;
            byte[] h = Blake3.hash(plain);
            switch (rnd.nextInt(8)) {
                case 0 -> h[rnd.nextInt(32)] ^= 1;
                case 1 -> { if (data.length > 10) data = Arrays.copyOf(data, data.length - 1 - rnd.nextInt(5)); }
                default -> { }
            }
            cases.add(new Object[] {algo, data, h});
        }
        List<Verification> reused = new ArrayList<>();
        for (Object[] c : cases) reused.add(v.verify((int) c[0], (byte[]) c[1], (byte[]) c[2]));
        int verified = 0;
        for (int i = 0; i < cases.size(); i++) {
            Object[] c = cases.get(i);
            try (BlockCodec fresh = new BlockCodec()) {
                assertEquals(fresh.verify((int) c[0], (byte[]) c[1], (byte[]) c[2]), reused.get(i), "case " + i);
            }
            if (reused.get(i).verified()) verified++;
        }
        assertTrue(verified > 500, "mostly valid blocks: " + verified);
        assertTrue(v.bufferCapacity() <= 4 << 20, "grew only as needed: " + v.bufferCapacity());
    }
}
