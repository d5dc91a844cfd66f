package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string compared by content, so that records holding hashes, CellIDs
 * and payloads keep the record's value semantics without overriding equals.
 */
public final class Bytes {
    public static final Bytes EMPTY = new Bytes(new byte[0]);
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] data;

    private Bytes(byte[] data) {
        this.data = data;
    }

    /** A copy of {@code bytes}; later changes to the array do not show here. */
    public static Bytes of(byte... bytes) {
        return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
    }

    public static Bytes zeros(int length) {
        return new Bytes(new byte[length]);
    }

    /** Parses hex digits; spaces, newlines and colons between digits are ignored. */
    public static Bytes fromHex(String hex) {
        return new Bytes(HEX.parseHex(hex.replaceAll("[\\s:]", "")));
    }

    /** Copies {@code length} bytes of a segment; the caller has checked they exist. */
    public static Bytes copyOf(MemorySegment seg, long offset, int length) {
        return length == 0 ? EMPTY : new Bytes(seg.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
    }

    public int length() {
        return data.length;
    }

    public byte get(int index) {
        return data[index];
    }

    public byte[] toArray() {
        return data.clone();
    }

    /** A read-only view, for decoding what this holds without a copy. */
    public MemorySegment asSegment() {
        return MemorySegment.ofArray(data).asReadOnly();
    }

    public void copyTo(MemorySegment dst, long offset) {
        MemorySegment.copy(data, 0, dst, ValueLayout.JAVA_BYTE, offset, data.length);
    }

    /** Lowercase hex, no separators. */
    public String hex() {
        return HEX.formatHex(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes other && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return data.length <= 64 ? hex() : HEX.formatHex(data, 0, 64) + "...(" + data.length + " bytes)";
    }
}
