package dev.cellscope.blocks;

import dev.cellscope.blocks.Verification.Outcome;
import dev.cellscope.crypto.Blake3;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;

import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Hostile BLOCK_PUT data: random bytes (with and without a zstd/zlib-looking start) and random
 * mutations of valid zstd and zlib blocks, for every comp_algo. Never an exception, always an
 * outcome with a sentence, never a buffer above limit + 1, and the verdict of a reused verifier
 * equals a fresh one's.
 */
class BlockCodecProperties {
    static final int SMALL_LIMIT = 100_000;
    static final BlockCodec SMALL = new BlockCodec(SMALL_LIMIT);
    static final BlockCodec DEFAULT = new BlockCodec();

    @AfterContainer
    static void close() {
        SMALL.close();
        DEFAULT.close();
    }

    @Provide
    Arbitrary<Integer> algo() {
        return Arbitraries.oneOf(Arbitraries.of(0, 1, 2, 1, 2, 1, 2), Arbitraries.integers().between(0, 255));
    }

    static void check(BlockCodec v, int algo, byte[] data, byte[] hash) {
        Verification r = v.verify(algo, data, hash);
        assertNotNull(r.outcome());
        assertFalse(r.detail().isBlank());
        assertEquals(data.length, r.compressedSize());
        assertTrue(v.bufferCapacity() <= v.limit() + 1, "buffer " + v.bufferCapacity());
        if (r.outcome() == Outcome.VERIFIED || r.outcome() == Outcome.HASH_MISMATCH) {
            assertTrue(r.uncompressedSize() >= 0 && r.uncompressedSize() <= v.limit(), r.toString());
        }
        Decompressed d = v.decompress(algo, data);
        assertEquals(r.outcome() == Outcome.VERIFIED || r.outcome() == Outcome.HASH_MISMATCH, d.ok(), r.toString());
        if (d.ok()) {
            assertEquals(r.uncompressedSize(), d.data().byteSize());
            assertEquals(r.outcome() == Outcome.VERIFIED,
                    Arrays.equals(hash, Blake3.hash(d.data().toArray(ValueLayout.JAVA_BYTE))));
        } else {
            assertEquals(r, d.failure());
        }
    }

    @Property(tries = 400)
    void randomBytesNeverThrow(@ForAll("algo") int algo, @ForAll @Size(max = 3000) byte[] data,
                               @ForAll @IntRange(max = 3) int prefix) {
        byte[] d = data.clone();
        byte[] start = switch (prefix) {
            case 1 -> new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD};
            case 2 -> new byte[] {0x78, (byte) 0x9C};
            case 3 -> new byte[] {0x50, 0x2A, 0x4D, 0x18};
            default -> new byte[0];
        };
        System.arraycopy(start, 0, d, 0, Math.min(start.length, d.length));
        byte[] hash = new byte[32];
        check(SMALL, algo, d, hash);
        check(DEFAULT, algo, d, hash);
    }

    @Property(tries = 300)
    void mutatedBlocksNeverThrow(@ForAll @IntRange(min = 1, max = 2) int algo,
                                 @ForAll @IntRange(max = 200_000) int size,
                                 @ForAll @IntRange(max = 6) int producer,
                                 @ForAll long seed,
                                 @ForAll @IntRange(max = 6) int mutations) {
        Random rnd = new Random(seed);
        byte[] plain = rnd.nextInt(4) == 0 ? Blocks.random(size, seed) : Blocks.text(size, seed);
        byte[] data = algo == 1
                ? Blocks.zlib(plain, producer + 1)
                : producer % 2 == 0 ? Blocks.zstd(plain, producer + 1) : Blocks.zstdStreaming(plain, producer);
        for (int m = 0; m < mutations && data.length > 0; m++) data = mutate(data, rnd);
        byte[] hash = Blake3.hash(plain);
        check(SMALL, algo, data, hash);
        check(DEFAULT, algo, data, hash);
        if (mutations == 0) {
            assertTrue(DEFAULT.verify(algo, data, hash).verified());
            assertEquals(size <= SMALL_LIMIT ? Outcome.VERIFIED : Outcome.TOO_LARGE, SMALL.verify(algo, data, hash).outcome());
        }
        try (BlockCodec fresh = new BlockCodec(SMALL_LIMIT)) {
            // A reused verifier decides the same; zstd's wording of a corruption may depend on
            // the output buffer's size ("destination too small" vs "corruption"), so the detail is not compared.
            Verification a = fresh.verify(algo, data, hash), b = SMALL.verify(algo, data, hash);
            assertEquals(a.outcome(), b.outcome());
            assertEquals(a.compressedSize(), b.compressedSize());
            if (a.verified()) assertEquals(a.uncompressedSize(), b.uncompressedSize());
        }
    }

    static byte[] mutate(byte[] d, Random rnd) {
        int i = rnd.nextInt(d.length);
        return switch (rnd.nextInt(6)) {
            case 0 -> { byte[] c = d.clone(); c[i] ^= (byte) (1 << rnd.nextInt(8)); yield c; }
            case 1 -> Arrays.copyOf(d, i);                                         // truncate
            case 2 -> { byte[] c = d.clone(); c[i] = (byte) rnd.nextInt(256); yield c; }
            case 3 -> { // overwrite a header byte (frame header, sizes, block headers live there)
                byte[] c = d.clone(); c[rnd.nextInt(Math.min(c.length, 16))] = (byte) rnd.nextInt(256); yield c; }
            case 4 -> Blocks.concat(d, Blocks.random(1 + rnd.nextInt(20), rnd.nextLong())); // trailing junk
            default -> { // duplicate a slice (concatenation-like)
                int j = rnd.nextInt(d.length);
                yield Blocks.concat(d, Arrays.copyOfRange(d, Math.min(i, j), Math.max(i, j)));
            }
        };
    }
}
