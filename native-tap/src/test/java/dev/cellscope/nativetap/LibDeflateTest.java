package dev.cellscope.nativetap;

import dev.cellscope.blocks.BlockCodec;
import dev.cellscope.blocks.Decompressed;
import dev.cellscope.blocks.ZlibEngine;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The libdeflate engine against {@link java.util.zip.Inflater} (the oracle, zlib): a codec with the engine and
 * one without must give the same bytes or the same failure (outcome, sizes, detail) for valid streams, and for
 * the same streams damaged (a flipped byte, cut short, bytes appended, a wrong Adler-32), under limits that
 * the streams fit, exactly fit and overflow. Skips, saying why, where libdeflate is not installed.
 */
class LibDeflateTest {
    private static LibDeflate engine() {
        LibDeflate e = new LibDeflate();
        Assumptions.assumeTrue(e.available(), "libdeflate tests skipped: " + LibDeflate.unavailableReason()
                + " (install Debian's libdeflate0)");
        return e;
    }

    @Test
    void theCodecPicksLibdeflateWhenInstalled() {
        engine();
        assertTrue(BlockCodec.zlibEngineName().startsWith("libdeflate"), BlockCodec.zlibEngineName());
    }

    @Test
    void inflatesExactlyAsInflaterDoes() {
        LibDeflate lib = engine();
        int[] engineSuccesses = {0};
        ZlibEngine engine = new ZlibEngine() { // counts what the engine itself inflated
            @Override
            public String name() {
                return lib.name();
            }

            @Override
            public Decoder newDecoder() {
                Decoder d = lib.newDecoder();
                return new Decoder() {
                    @Override
                    public int inflate(byte[] in, int off, int len, byte[] out, int outCap) {
                        int n = d.inflate(in, off, len, out, outCap);
                        if (n >= 0) engineSuccesses[0]++;
                        return n;
                    }

                    @Override
                    public void close() {
                        d.close();
                    }
                };
            }
        };
        SplittableRandom r = new SplittableRandom(17);
        int cases = 0, verifiedByEngine = 0;
        for (int limit : new int[] {BlockCodec.DEFAULT_LIMIT, 65_536, 40_000}) {
            try (BlockCodec fast = new BlockCodec(limit, engine); BlockCodec oracle = new BlockCodec(limit, null)) {
                for (int i = 0; i < 300; i++) {
                    byte[] plain = content(r, i % 7 == 0 ? 65_536 : r.nextInt(150_000));
                    byte[] stream = deflate(plain, r.nextInt(10));
                    byte[] data = damage(r, stream, i % 6);
                    Decompressed a = fast.decompress(BlockCodec.COMP_DEFLATE, data);
                    byte[] aBytes = a.failure() == null ? a.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE) : null;
                    Decompressed b = oracle.decompress(BlockCodec.COMP_DEFLATE, data);
                    assertEquals(b.failure(), a.failure(), "case " + i + " limit " + limit + " damage " + i % 6);
                    if (b.failure() == null) {
                        assertArrayEquals(b.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), aBytes, "case " + i);
                        if (i % 6 == 0 && plain.length <= limit) {
                            assertArrayEquals(plain, aBytes, "case " + i);
                            verifiedByEngine++;
                        }
                    }
                    cases++;
                }
            }
        }
        assertTrue(verifiedByEngine > 50, "too few valid streams decoded: " + verifiedByEngine + " of " + cases);
        assertTrue(engineSuccesses[0] >= verifiedByEngine, "the codec did not use the engine: " + engineSuccesses[0]);
    }

    @Test
    void decoderRefusesWhatItCannotTakeWhole() {
        LibDeflate engine = engine();
        byte[] plain = content(new SplittableRandom(3), 10_000);
        byte[] stream = deflate(plain, 6);
        byte[] out = new byte[20_000];
        try (ZlibEngine.Decoder d = engine.newDecoder()) {
            assertEquals(10_000, d.inflate(stream, 0, stream.length, out, out.length));
            assertArrayEquals(plain, Arrays.copyOf(out, 10_000));
            assertEquals(ZlibEngine.NO_ROOM, d.inflate(stream, 0, stream.length, out, 9_999));
            byte[] trailing = Arrays.copyOf(stream, stream.length + 1);
            assertEquals(ZlibEngine.FAILED, d.inflate(trailing, 0, trailing.length, out, out.length));
            assertEquals(ZlibEngine.FAILED, d.inflate(stream, 0, stream.length - 1, out, out.length));
            stream[stream.length - 1] ^= 1; // Adler-32
            assertEquals(ZlibEngine.FAILED, d.inflate(stream, 0, stream.length, out, out.length));
        }
    }

    /** Text-like, random or runs: compressible to various degrees. */
    private static byte[] content(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        switch (r.nextInt(3)) {
            case 0 -> { for (int i = 0; i < n; i++) b[i] = (byte) ('a' + r.nextInt(r.nextInt(5) == 0 ? 26 : 4)); }
            case 1 -> r.nextBytes(b);
            default -> { for (int i = 0; i < n; i++) b[i] = (byte) (i / (1 + r.nextInt(50))); }
        }
        return b;
    }

    private static byte[] deflate(byte[] plain, int level) {
        Deflater d = new Deflater(level);
        d.setInput(plain);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) out.write(buf, 0, d.deflate(buf));
        d.end();
        return out.toByteArray();
    }

    private static byte[] damage(SplittableRandom r, byte[] s, int how) {
        byte[] d = s.clone();
        switch (how) {
            case 1 -> d[2 + r.nextInt(d.length - 2)] ^= (byte) (1 << r.nextInt(8)); // anywhere after the header
            case 2 -> d = Arrays.copyOf(d, 2 + r.nextInt(d.length - 2)); // cut short
            case 3 -> d = Arrays.copyOf(d, d.length + 1 + r.nextInt(3)); // bytes after the stream
            case 4 -> d[d.length - 1] ^= 0x40; // Adler-32
            case 5 -> d[d.length / 2] = (byte) r.nextInt(256);
            default -> { }
        }
        return d;
    }
}
