package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;

/** Window checks shared by the decoders: what a caller may read, and the causes when it cannot. */
final class Input {
    private Input() {}

    /**
     * Bytes a decoder may read at {@code offset}: {@code available}, capped by the segment's end
     * (a caller may over-promise), or -1 when the window itself is impossible.
     */
    static long usable(MemorySegment seg, long offset, long available) {
        if (offset < 0 || available < 0 || offset > seg.byteSize()) return -1;
        return Math.min(available, seg.byteSize() - offset);
    }

    static <T> Decoded<T> badWindow(MemorySegment seg, long offset, long available) {
        return Decoded.invalid("window offset " + offset + ", available " + available
                + " lies outside the " + seg.byteSize() + "-byte input", 0);
    }

    static <T> Decoded<T> truncated(String what, long need, long have) {
        return Decoded.invalid("truncated: " + what + " needs " + need + " bytes, have " + have, have);
    }
}
