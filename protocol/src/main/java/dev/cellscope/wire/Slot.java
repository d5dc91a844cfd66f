package dev.cellscope.wire;

import dev.cellscope.field.FieldDef;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * One fixed field of a {@link Layout}: its name in the layout (as in the CLD), kind, offset
 * and, when it is shown to users, the registry field it feeds. Reads and writes go through
 * here so that an offset is written down exactly once.
 */
public record Slot(String name, Kind kind, int count, int offset, FieldDef field, ByteOrder order) {

    /** Storage kinds; BYTES has {@code count} bytes, the integers are unsigned. */
    public enum Kind {
        U8(1), U16(2), U32(4), U64(8), BYTES(1);
        final int width;
        Kind(int width) { this.width = width; }
    }

    private static final ValueLayout.OfShort U16_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort U16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong U64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Size in bytes. */
    public int size() {
        return kind == Kind.BYTES ? count : kind.width;
    }

    /** Offset just past this slot. */
    public int end() {
        return offset + size();
    }

    /** The type as written in a canonical layout descriptor: {@code u32}, {@code [32]u8}. */
    public String cldType() {
        return switch (kind) {
            case U8 -> "u8";
            case U16 -> "u16";
            case U32 -> "u32";
            case U64 -> "u64";
            case BYTES -> "[" + count + "]u8";
        };
    }

    /** Unsigned value of an integer slot of the structure starting at {@code base}. */
    public long get(MemorySegment s, long base) {
        long at = base + offset;
        boolean be = order == ByteOrder.BIG_ENDIAN;
        return switch (kind) {
            case U8 -> s.get(ValueLayout.JAVA_BYTE, at) & 0xFFL;
            case U16 -> s.get(be ? U16_BE : U16_LE, at) & 0xFFFFL;
            case U32 -> s.get(be ? U32_BE : U32_LE, at) & 0xFFFF_FFFFL;
            case U64 -> s.get(be ? U64_BE : U64_LE, at);
            case BYTES -> throw new IllegalStateException(name + " is a byte array");
        };
    }

    /** Value as int (for slots of 32 bits or fewer). */
    public int getInt(MemorySegment s, long base) {
        return (int) get(s, base);
    }

    /** Writes an integer slot (the value is truncated to the slot's width). */
    public void set(MemorySegment s, long base, long value) {
        long at = base + offset;
        boolean be = order == ByteOrder.BIG_ENDIAN;
        switch (kind) {
            case U8 -> s.set(ValueLayout.JAVA_BYTE, at, (byte) value);
            case U16 -> s.set(be ? U16_BE : U16_LE, at, (short) value);
            case U32 -> s.set(be ? U32_BE : U32_LE, at, (int) value);
            case U64 -> s.set(be ? U64_BE : U64_LE, at, value);
            case BYTES -> throw new IllegalStateException(name + " is a byte array");
        }
    }

    /** Copy of a byte-array slot. */
    public byte[] getBytes(MemorySegment s, long base) {
        return s.asSlice(base + offset, size()).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Writes a byte-array slot; {@code value} must have exactly the slot's size. */
    public void setBytes(MemorySegment s, long base, byte[] value) {
        if (value.length != size()) {
            throw new IllegalArgumentException(name + " needs " + size() + " bytes, got " + value.length);
        }
        MemorySegment.copy(value, 0, s, ValueLayout.JAVA_BYTE, base + offset, value.length);
    }
}
