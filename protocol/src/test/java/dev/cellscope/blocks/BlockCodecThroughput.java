package dev.cellscope.blocks;

import dev.cellscope.crypto.Blake3;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;

/**
 * Quick single-thread timing loop (not a test, not JMH): MB/s of uncompressed output for
 * {@link BlockCodec#verify} (decompress + BLAKE3) and {@link BlockCodec#decompress} alone,
 * on 64 KiB text-like blocks, plus bytes allocated per call. Run from {@code dissector/}:
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes:&lt;zstd-jni&gt;:&lt;bcprov&gt; \
 *     dev.cellscope.blocks.BlockCodecThroughput [seconds]
 * </pre>
 */
public final class BlockCodecThroughput {
    private BlockCodecThroughput() {}

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        int blocks = 64;
        int size = 64 * 1024;
        byte[][] plain = new byte[blocks][];
        byte[][] hashes = new byte[blocks][];
        for (int i = 0; i < blocks; i++) {
            plain[i] = Blocks.text(size, i);
            hashes[i] = Blake3.hash(plain[i]);
        }
        System.out.println("BLAKE3 engine: " + Blake3.engine().name() + "; " + blocks + " blocks of " + size + " bytes");
        try (BlockCodec v = new BlockCodec()) {
            run(v, "none", BlockCodec.COMP_NONE, plain, hashes, seconds);
            run(v, "zstd -1", BlockCodec.COMP_ZSTD, map(plain, p -> Blocks.zstd(p, 1)), hashes, seconds);
            run(v, "zstd -3", BlockCodec.COMP_ZSTD, map(plain, p -> Blocks.zstd(p, 3)), hashes, seconds);
            run(v, "zstd -19", BlockCodec.COMP_ZSTD, map(plain, p -> Blocks.zstd(p, 19)), hashes, seconds);
            run(v, "zstd -3 streaming", BlockCodec.COMP_ZSTD, map(plain, p -> Blocks.zstdStreaming(p, 3)), hashes, seconds);
            run(v, "deflate -6", BlockCodec.COMP_DEFLATE, map(plain, p -> Blocks.zlib(p, 6)), hashes, seconds);
            run(v, "deflate -1", BlockCodec.COMP_DEFLATE, map(plain, p -> Blocks.zlib(p, 1)), hashes, seconds);
        }
    }

    static byte[][] map(byte[][] in, java.util.function.UnaryOperator<byte[]> f) {
        byte[][] out = new byte[in.length][];
        for (int i = 0; i < in.length; i++) out[i] = f.apply(in[i]);
        return out;
    }

    static void run(BlockCodec v, String name, int algo, byte[][] data, byte[][] hashes, double seconds) {
        MemorySegment[] segs = new MemorySegment[data.length];
        MemorySegment[] hs = new MemorySegment[data.length];
        long compressed = 0;
        for (int i = 0; i < data.length; i++) {
            segs[i] = MemorySegment.ofArray(data[i]);
            hs[i] = MemorySegment.ofArray(hashes[i]);
            compressed += data[i].length;
        }
        // Warm up, then measure verify and decompress separately.
        loop(v, algo, segs, hs, seconds / 2, true);
        double verifyMBs = loop(v, algo, segs, hs, seconds, true);
        loop(v, algo, segs, hs, seconds / 4, false);
        double decompressMBs = loop(v, algo, segs, hs, seconds, false);
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = bean.getCurrentThreadAllocatedBytes();
        int calls = 10_000;
        for (int i = 0; i < calls; i++) {
            int k = i % segs.length;
            v.verify(algo, segs[k], 0, (int) segs[k].byteSize(), hs[k], 0);
        }
        long perCall = (bean.getCurrentThreadAllocatedBytes() - before) / calls;
        before = bean.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < calls; i++) {
            int k = i % segs.length;
            v.decompress(algo, segs[k], 0, (int) segs[k].byteSize());
        }
        long perDecompress = (bean.getCurrentThreadAllocatedBytes() - before) / calls;
        System.out.printf("%-18s ratio %5.2f  verify %5.0f MB/s  decompress %s MB/s  alloc %d B/verify, %d B/decompress%n",
                name, (double) (64L * 1024 * data.length) / compressed, verifyMBs,
                algo == BlockCodec.COMP_NONE ? "    -" : String.format("%5.0f", decompressMBs), perCall, perDecompress);
    }

    static double loop(BlockCodec v, int algo, MemorySegment[] segs, MemorySegment[] hs, double seconds, boolean verify) {
        long out = 0;
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        int i = 0;
        long now;
        while ((now = System.nanoTime()) < deadline) {
            for (int r = 0; r < 16; r++, i++) {
                int k = i % segs.length;
                if (verify) {
                    Verification res = v.verify(algo, segs[k], 0, (int) segs[k].byteSize(), hs[k], 0);
                    if (!res.verified()) throw new AssertionError(res);
                    out += res.uncompressedSize();
                } else {
                    Decompressed d = v.decompress(algo, segs[k], 0, (int) segs[k].byteSize());
                    out += d.data().byteSize();
                }
            }
        }
        return out / 1e6 / ((now - start) / 1e9);
    }
}
