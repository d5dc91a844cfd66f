package dev.cellscope.bench;

import dev.cellscope.blocks.BlockCodec;
import dev.cellscope.blocks.Decompressed;
import dev.cellscope.crypto.Blake3;
import dev.cellscope.crypto.Crc64GoIso;
import dev.cellscope.crypto.JavaBlake3;
import dev.cellscope.crypto.SipHash128;
import dev.cellscope.protocol.sbi.SbiCompression;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The byte-crunching kernels on one 64 KiB SBI block (the size every BLOCK_PUT carries): BLAKE3 (the
 * engine the probe uses, native when it loads, and the pure-Java one), the Tether CRC-64, SipHash-128,
 * and zstd/deflate decompression as the probe's {@link BlockCodec} does it. The content is text-like
 * (compresses about 2.3:1, as the mesh sample's text blocks), so codec figures compare with the zstd CLI
 * on the same kind of data. Throughput in operations per second; ×64 KiB gives bytes per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class Kernels {
    static final int BLOCK = 64 * 1024;

    byte[] block;
    MemorySegment segment;
    byte[] zstd;
    byte[] deflate;
    byte[] key = new byte[16];
    byte[] mac = new byte[16];
    byte[] digest = new byte[32];
    BlockCodec codec;
    JavaBlake3 javaBlake3;

    @Setup(Level.Trial)
    public void setUp() {
        block = textLike(BLOCK, 7);
        segment = MemorySegment.ofArray(block);
        zstd = BlockCodec.compress(block, SbiCompression.ZSTD).data();
        deflate = BlockCodec.compress(block, SbiCompression.DEFLATE).data();
        codec = new BlockCodec();
        javaBlake3 = new JavaBlake3();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        codec.close();
    }

    /** Words from a small vocabulary with a skewed choice: compresses like prose (zstd -3 about 2.3:1). */
    static byte[] textLike(int size, long seed) {
        String[] words = ("the of and to in is that for it as with was on be by at this had not are but from or "
                + "have an they which one you were her all she there would their we him been has when who will more "
                + "no if out so said what up its about into than them can only other new some could time these two "
                + "may then do first any my now such like our over man me even most made after also did many before "
                + "block hash tether cell frame window grant slot ledger nack manifest lamp hail define").split(" ");
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder s = new StringBuilder(size + 32);
        while (s.length() < size) {
            int i = (int) (words.length * Math.pow(r.nextDouble(), 2.5));
            s.append(words[i]).append(r.nextInt(12) == 0 ? ".\n" : " ");
            if (r.nextInt(40) == 0) s.append(r.nextLong());
        }
        return s.substring(0, size).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** The engine {@link Blake3#engine()} picks: native-tap's C BLAKE3 through FFM when it loads. */
    @Benchmark
    public byte[] blake3() {
        return Blake3.hash(segment, 0, BLOCK);
    }

    @Benchmark
    public byte[] blake3PureJava() {
        javaBlake3.hash(segment, 0, BLOCK, digest);
        return digest;
    }

    @Benchmark
    public long crc64() {
        return Crc64GoIso.compute(segment, 0, BLOCK);
    }

    @Benchmark
    public byte[] sipHash128() {
        SipHash128.hash(key, block, 0, BLOCK, mac, 0);
        return mac;
    }

    @Benchmark
    public long zstdDecompress() {
        Decompressed d = codec.decompress(SbiCompression.ZSTD.id(), zstd);
        return d.data().byteSize();
    }

    @Benchmark
    public long deflateDecompress() {
        Decompressed d = codec.decompress(SbiCompression.DEFLATE.id(), deflate);
        return d.data().byteSize();
    }

    @Benchmark
    public int zstdCompress() {
        return BlockCodec.compress(block, SbiCompression.ZSTD).data().length;
    }
}
