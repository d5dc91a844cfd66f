package dev.cellscope.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Walks a pcapng option list in place: code, 16-bit length, value padded to 32 bits, up
 * to opt_endofopt or the end of the block. One cursor is reused for every block so that
 * reading a packet's options allocates nothing unless a string value is asked for.
 */
final class OptionCursor {

    static final int END_OF_OPT = 0;
    static final int COMMENT = 1;

    private MemorySegment bytes;
    /** The file offset of {@code bytes}' first byte: a block is a slice of a read-ahead chunk, or a copy of its own. */
    private long fileBase;
    private Endian endian;
    private long pos;
    private long end;

    int code;
    long valueOffset;
    int valueLength;
    /** Why the walk stopped early, or null when the list was well formed. */
    String problem;

    /** Walks {@code bytes} [start, end), whose byte 0 is at file offset {@code fileBase} (for the messages). */
    void reset(MemorySegment bytes, long fileBase, Endian endian, long start, long end) {
        this.bytes = bytes;
        this.fileBase = fileBase;
        this.endian = endian;
        this.pos = start;
        this.end = end;
        this.problem = null;
    }

    /** Advances to the next option; false at opt_endofopt, at the end, or on a bad length. */
    boolean next() {
        // Fewer than 4 bytes left cannot hold an option header; writers may omit opt_endofopt.
        if (end - pos < 4) {
            return false;
        }
        code = Short.toUnsignedInt(endian.u16(bytes, pos));
        valueLength = Short.toUnsignedInt(endian.u16(bytes, pos + 2));
        if (code == END_OF_OPT) {
            return false;
        }
        long room = end - pos - 4;
        if (valueLength > room) {
            problem = "option " + code + " at offset " + (fileBase + pos) + " claims " + valueLength + " bytes but only "
                    + room + " remain in the block";
            return false;
        }
        valueOffset = pos + 4;
        pos = valueOffset + ((valueLength + 3) & ~3);
        return true;
    }

    String stringValue() {
        return new String(bytes.asSlice(valueOffset, valueLength).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    int u8Value() {
        return Byte.toUnsignedInt(bytes.get(ValueLayout.JAVA_BYTE, valueOffset));
    }

    long u64Value() {
        return endian.u64(bytes, valueOffset);
    }
}
