package dev.cellscope.analysis;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** The two CellIDs of a UTCP conversation, in a fixed order (lower first), so both directions find it. */
record CellPair(long aHi, long aLo, long bHi, long bLo) {
    private static final ValueLayout.OfLong BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** The pair of the CellIDs at {@code src} and {@code dst}; {@link #forward} tells which is first. */
    static CellPair of(MemorySegment seg, long src, long dst) {
        long sHi = seg.get(BE, src), sLo = seg.get(BE, src + 8), dHi = seg.get(BE, dst), dLo = seg.get(BE, dst + 8);
        return less(sHi, sLo, dHi, dLo) ? new CellPair(sHi, sLo, dHi, dLo) : new CellPair(dHi, dLo, sHi, sLo);
    }

    /** True when the source CellID at {@code src} is this pair's first. */
    boolean forward(MemorySegment seg, long src) {
        return seg.get(BE, src) == aHi && seg.get(BE, src + 8) == aLo;
    }

    private static boolean less(long aHi, long aLo, long bHi, long bLo) {
        int c = Long.compareUnsigned(aHi, bHi);
        return c < 0 || (c == 0 && Long.compareUnsigned(aLo, bLo) <= 0);
    }

    static String hex(long hi, long lo) {
        return String.format("%016x%016x", hi, lo);
    }
}
