package dev.cellscope.analysis;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Verifies a block carried again once only: a block replicated to several peers, or put again after a
 * loss, is decompressed and hashed the first time, and a later BLOCK_PUT whose comp_algo, DATA and
 * block_hash are byte for byte those of an earlier one gets the earlier one's verification (a
 * verification depends on nothing else: {@link dev.cellscope.blocks.BlockCodec#verify}).
 *
 * <p>A capture of distinct blocks should cost nothing but a key per block, so DATA is copied only
 * when a key (comp_algo, length, block_hash) is seen the second time; from the third on, equal bytes
 * are a hit. Bounded: {@link #KEYS} keys and {@link #MAX_BYTES} of copies, the least recently used
 * going first. A put with the key of a kept block but other bytes (a damaged copy) is verified on its
 * own. Used by the analysis thread only; the verifications it hands out may still be running.
 */
final class RepeatedBlocks implements SbiAnalysis.BlockCheck {
    /** Keys remembered: blocks seen once and blocks kept. */
    static final int KEYS = 4_096;
    /** Bytes of DATA kept at most (128 blocks of 64 KiB). */
    static final long MAX_BYTES = 8L << 20;

    private record Key(int algo, int length, long h0, long h1, long h2, long h3) {
        static Key of(int algo, int length, MemorySegment hash, long off) {
            return new Key(algo, length, hash.get(ValueLayout.JAVA_LONG_UNALIGNED, off),
                    hash.get(ValueLayout.JAVA_LONG_UNALIGNED, off + 8), hash.get(ValueLayout.JAVA_LONG_UNALIGNED, off + 16),
                    hash.get(ValueLayout.JAVA_LONG_UNALIGNED, off + 24));
        }
    }

    /** A key's block: its DATA and verification once kept, both null while it was seen once. */
    private static final class Kept {
        MemorySegment data;
        PendingVerification verification;
    }

    private final SbiAnalysis.BlockCheck verify;
    private final LinkedHashMap<Key, Kept> keys = new LinkedHashMap<>(256, 0.75f, true);
    private long bytesKept;
    private long hits;

    RepeatedBlocks(SbiAnalysis.BlockCheck verify) {
        this.verify = verify;
    }

    @Override
    public PendingVerification verify(int algo, MemorySegment data, long off, int len, MemorySegment hash, long hashOff) {
        Key key = Key.of(algo, len, hash, hashOff);
        Kept kept = keys.get(key);
        if (kept != null && kept.data != null && MemorySegment.mismatch(kept.data, 0, len, data, off, off + len) < 0) {
            hits++;
            return kept.verification;
        }
        PendingVerification v = verify.verify(algo, data, off, len, hash, hashOff);
        if (kept == null) {
            keys.put(key, new Kept());
        } else if (kept.data == null && len <= MAX_BYTES / 2) { // a block over half the bound is never kept
            kept.data = MemorySegment.ofArray(data.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE));
            kept.verification = v;
            bytesKept += len;
        }
        evict();
        return v;
    }

    /** Drops the least recently used keys until both bounds hold. */
    private void evict() {
        if (keys.size() <= KEYS && bytesKept <= MAX_BYTES) return; // the usual case: no iterator per put
        Iterator<Map.Entry<Key, Kept>> eldest = keys.entrySet().iterator();
        while ((keys.size() > KEYS || bytesKept > MAX_BYTES) && eldest.hasNext()) {
            Kept k = eldest.next().getValue();
            if (k.data != null) bytesKept -= k.data.byteSize();
            eldest.remove();
        }
    }

    /** BLOCK_PUTs answered from a kept block (for tests). */
    long hits() {
        return hits;
    }

    /** Bytes of DATA kept (for tests). */
    long bytesKept() {
        return bytesKept;
    }
}
