package dev.cellscope.analysis;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A fast 64-bit hash of a payload, to tell a duplicate (same bytes) from changed data without
 * keeping the bytes. Not cryptographic: a collision only hides a "data changed" finding.
 */
final class PayloadHash {
    private PayloadHash() {}

    private static final long M = 0x9E3779B97F4A7C15L;

    static long of(MemorySegment seg, long off, int len) {
        long h = len * M;
        int i = 0;
        for (; i + 8 <= len; i += 8) h = Long.rotateLeft((h ^ seg.get(ValueLayout.JAVA_LONG_UNALIGNED, off + i)) * M, 31);
        for (; i < len; i++) h = Long.rotateLeft((h ^ seg.get(ValueLayout.JAVA_BYTE, off + i)) * M, 31);
        return h ^ (h >>> 29);
    }
}
