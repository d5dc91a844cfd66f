package dev.cellscope.analysis;

import dev.cellscope.blocks.BlockCodec;
import dev.cellscope.blocks.Verification;
import dev.cellscope.crypto.Blake3;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A block carried again is verified once, and only a put whose comp_algo, DATA and block_hash are all
 * those of a kept one is answered from it. The verdicts are the real codec's (uncompressed blocks with
 * their BLAKE3), compared with what the codec says of each put on its own.
 */
class RepeatedBlocksTest {
    private static final int NONE = BlockCodec.COMP_NONE;

    /** The real check, counting the blocks it was asked to verify. */
    private static final class Counting implements SbiAnalysis.BlockCheck {
        final BlockCodec codec = new BlockCodec();
        int calls;

        @Override
        public PendingVerification verify(int algo, MemorySegment data, long off, int len, MemorySegment hash, long hashOff) {
            calls++;
            return PendingVerification.done(codec.verify(algo, data, off, len, hash, hashOff));
        }
    }

    private final Counting codec = new Counting();
    private final RepeatedBlocks blocks = new RepeatedBlocks(codec);

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A put's DATA at an offset inside a larger message, as the analysis passes it. */
    private Verification put(int algo, byte[] data, byte[] hash) {
        byte[] message = new byte[7 + data.length];
        System.arraycopy(data, 0, message, 7, data.length);
        MemorySegment s = MemorySegment.ofArray(message);
        return blocks.verify(algo, s, 7, data.length, MemorySegment.ofArray(hash), 0).get();
    }

    @Test
    void aBlockPutFiveTimesIsVerifiedTwiceAndAnsweredThreeTimes() {
        byte[] data = random(65_536, 1);
        byte[] hash = Blake3.hash(data);
        for (int i = 0; i < 5; i++) assertEquals(Verification.Outcome.VERIFIED, put(NONE, data, hash).outcome());
        assertEquals(2, codec.calls, "seen once: key only; twice: verified and kept; then answered");
        assertEquals(3, blocks.hits());
        assertEquals(65_536, blocks.bytesKept());
    }

    @Test
    void aDamagedCopyWithTheSameNameIsVerifiedOnItsOwn() {
        byte[] data = random(4_096, 2);
        byte[] hash = Blake3.hash(data);
        put(NONE, data, hash);
        put(NONE, data, hash); // kept now
        byte[] damaged = data.clone();
        damaged[4_095] ^= 1; // the last byte: a comparison of a prefix would miss it
        assertEquals(Verification.Outcome.HASH_MISMATCH, put(NONE, damaged, hash).outcome());
        assertEquals(Verification.Outcome.HASH_MISMATCH, put(NONE, damaged, hash).outcome());
        assertEquals(Verification.Outcome.VERIFIED, put(NONE, data, hash).outcome());
        assertEquals(1, blocks.hits(), "only the good copy's repeat is a hit");
    }

    @Test
    void theSameBytesUnderAnotherNameOrAlgorithmAreNotAHit() {
        byte[] data = random(4_096, 3);
        byte[] hash = Blake3.hash(data);
        byte[] other = hash.clone();
        other[31] ^= 1;
        put(NONE, data, hash);
        put(NONE, data, hash);
        assertEquals(Verification.Outcome.HASH_MISMATCH, put(NONE, data, other).outcome());
        assertEquals(Verification.Outcome.HASH_MISMATCH, put(NONE, data, other).outcome());
        assertEquals(Verification.Outcome.HASH_MISMATCH, put(NONE, data, other).outcome(), "kept under its own key, still a mismatch");
        Verification asZstd = put(BlockCodec.COMP_ZSTD, data, hash);
        assertEquals(new BlockCodec().verify(BlockCodec.COMP_ZSTD, data, hash), asZstd);
        assertEquals(Verification.Outcome.CORRUPT, asZstd.outcome(), "random bytes are no zstd frame");
        assertEquals(1, blocks.hits(), "the third put under the other name");
    }

    @Test
    void distinctBlocksCostAKeyEachAndNoCopy() {
        for (int i = 0; i < 300; i++) {
            byte[] data = random(1_024, 100 + i);
            put(NONE, data, Blake3.hash(data));
        }
        assertEquals(300, codec.calls);
        assertEquals(0, blocks.bytesKept());
        assertEquals(0, blocks.hits());
    }

    @Test
    void keptBytesStayWithinTheBoundAndTheLeastRecentGoesFirst() {
        List<byte[]> data = new ArrayList<>();
        for (int i = 0; i < 200; i++) data.add(random(65_536, 1_000 + i));
        for (byte[] d : data) {
            byte[] h = Blake3.hash(d);
            put(NONE, d, h);
            put(NONE, d, h);
            assertTrue(blocks.bytesKept() <= RepeatedBlocks.MAX_BYTES, "kept " + blocks.bytesKept());
        }
        int before = codec.calls;
        byte[] last = data.get(199);
        put(NONE, last, Blake3.hash(last));
        assertEquals(before, codec.calls, "the most recent block is still kept");
        byte[] first = data.get(0);
        assertEquals(Verification.Outcome.VERIFIED, put(NONE, first, Blake3.hash(first)).outcome());
        assertEquals(before + 1, codec.calls, "the first block was dropped for later ones");
    }

    @Test
    void keysStayWithinTheirBound() {
        for (int i = 0; i < RepeatedBlocks.KEYS + 10; i++) {
            byte[] data = random(64, 50_000 + i);
            put(NONE, data, Blake3.hash(data));
        }
        byte[] first = random(64, 50_000);
        put(NONE, first, Blake3.hash(first)); // forgotten: counts as a first sighting again
        put(NONE, first, Blake3.hash(first)); // second: verified and kept
        int calls = codec.calls;
        put(NONE, first, Blake3.hash(first));
        assertEquals(calls, codec.calls);
        assertEquals(RepeatedBlocks.KEYS + 12, calls);
    }
}
