package dev.cellscope.io;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A growable little-endian scratch buffer the writers assemble one block or record in,
 * then hand to the (buffered) stream in a single write. Reused across packets.
 */
final class BlockBuffer {

    private byte[] array = new byte[4096];
    private MemorySegment segment = MemorySegment.ofArray(array);
    private int length;

    void clear() {
        length = 0;
    }

    int length() {
        return length;
    }

    void u16(int value) {
        ensure(2);
        Endian.LITTLE.setU16(segment, length, (short) value);
        length += 2;
    }

    void u32(int value) {
        ensure(4);
        Endian.LITTLE.setU32(segment, length, value);
        length += 4;
    }

    void u32At(int offset, int value) {
        Endian.LITTLE.setU32(segment, offset, value);
    }

    void u64(long value) {
        ensure(8);
        Endian.LITTLE.setU64(segment, length, value);
        length += 8;
    }

    void bytes(MemorySegment data) {
        int n = Math.toIntExact(data.byteSize());
        ensure(n);
        MemorySegment.copy(data, 0, segment, length, n);
        length += n;
    }

    /** Zero bytes up to the next multiple of 4, as both formats' block bodies require. */
    void pad32() {
        int pad = -length & 3;
        ensure(pad);
        Arrays.fill(array, length, length + pad, (byte) 0);
        length += pad;
    }

    /** One pcapng option: code, length, value, padding. */
    void option(int code, byte[] value) {
        if (value.length > 0xFFFF) {
            throw new IllegalArgumentException("a pcapng option holds at most 65535 bytes, not " + value.length);
        }
        u16(code);
        u16(value.length);
        bytes(MemorySegment.ofArray(value));
        pad32();
    }

    void u8Option(int code, int value) {
        u16(code);
        u16(1);
        ensure(4);
        segment.set(ValueLayout.JAVA_BYTE, length, (byte) value);
        length += 1;
        pad32();
    }

    /** The bytes assembled so far: [0, length()). */
    byte[] array() {
        return array;
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(array, 0, length);
    }

    private void ensure(int more) {
        if (length + more > array.length) {
            array = Arrays.copyOf(array, Math.max(array.length * 2, length + more));
            segment = MemorySegment.ofArray(array);
        }
    }
}
