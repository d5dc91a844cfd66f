package dev.cellscope.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Unaligned integer reads in one byte order. Capture formats record the writer's byte order
 * (pcap per file, pcapng per section), so readers pick one of these two once and then read
 * straight from the file's bytes.
 *
 * <p>Each read branches between two {@code static final} layouts rather than reading through
 * a layout chosen at run time: only a constant layout lets the JIT inline the access (a
 * layout held in a field is read through a VarHandle call that is not inlined, which was
 * about 10% of a {@code read -T fields} run's CPU, bench/README.md).
 */
final class Endian {

    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong BE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    static final Endian LITTLE = new Endian(false);
    static final Endian BIG = new Endian(true);

    private final boolean big;

    private Endian(boolean big) {
        this.big = big;
    }

    short u16(MemorySegment bytes, long offset) {
        return big ? bytes.get(BE16, offset) : bytes.get(LE16, offset);
    }

    int u32(MemorySegment bytes, long offset) {
        return big ? bytes.get(BE32, offset) : bytes.get(LE32, offset);
    }

    long u64(MemorySegment bytes, long offset) {
        return big ? bytes.get(BE64, offset) : bytes.get(LE64, offset);
    }

    void setU16(MemorySegment bytes, long offset, short value) {
        if (big) bytes.set(BE16, offset, value); else bytes.set(LE16, offset, value);
    }

    void setU32(MemorySegment bytes, long offset, int value) {
        if (big) bytes.set(BE32, offset, value); else bytes.set(LE32, offset, value);
    }

    void setU64(MemorySegment bytes, long offset, long value) {
        if (big) bytes.set(BE64, offset, value); else bytes.set(LE64, offset, value);
    }
}
