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

    /** The hash of a payload snaplen cut: unknown, equal to nothing ({@link #of} never returns it). */
    static final long UNKNOWN = 0;

    /** Whether two payload hashes prove different bytes: an {@link #UNKNOWN} one proves nothing. */
    static boolean differ(long a, long b) {
        return a != UNKNOWN && b != UNKNOWN && a != b;
    }

    static long of(MemorySegment seg, long off, int len) {
        // Four independent lanes so the multiplies overlap; every payload byte counts.
        long a = len * M, b = ~a, c = a ^ 0x632BE59BD9B4E019L, d = b ^ 0x632BE59BD9B4E019L;
        int i = 0;
        for (; i + 32 <= len; i += 32) {
            a = (a ^ seg.get(ValueLayout.JAVA_LONG_UNALIGNED, off + i)) * M;
            b = (b ^ seg.get(ValueLayout.JAVA_LONG_UNALIGNED, off + i + 8)) * M;
            c = (c ^ seg.get(ValueLayout.JAVA_LONG_UNALIGNED, off + i + 16)) * M;
            d = (d ^ seg.get(ValueLayout.JAVA_LONG_UNALIGNED, off + i + 24)) * M;
        }
        long h = Long.rotateLeft(a, 7) ^ Long.rotateLeft(b, 19) ^ Long.rotateLeft(c, 31) ^ Long.rotateLeft(d, 43);
        for (; i < len; i++) h = Long.rotateLeft((h ^ seg.get(ValueLayout.JAVA_BYTE, off + i)) * M, 31);
        h ^= h >>> 29;
        return h == UNKNOWN ? 1 : h;
    }
}
