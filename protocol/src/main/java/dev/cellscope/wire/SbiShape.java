package dev.cellscope.wire;

import dev.cellscope.protocol.sbi.SbiLimits;
import dev.cellscope.protocol.sbi.SbiOps;

import java.lang.foreign.MemorySegment;

/** The container-length checks every SBI container decoder starts with. */
final class SbiShape {
    private SbiShape() {}

    /** Largest container a frame within the frame_len limit can hold. */
    static final long MAX_CONTAINER = SbiLimits.MAX_CONTAINER;

    static String name(int op) {
        return SbiOps.nameOrHex(op);
    }

    /**
     * Null when a container of {@code length} bytes is present and fits op's layout (exactly
     * for fixed ones, at least the spine for variable ones); otherwise the failure.
     */
    static <T> Decoded<T> check(int op, MemorySegment seg, long offset, long length) {
        long n = Input.usable(seg, offset, length);
        if (n < 0) return Input.badWindow(seg, offset, length);
        if (n < length) return Input.truncated(name(op) + " container", length, n);
        if (length > MAX_CONTAINER) {
            return Decoded.invalid("malformed: " + name(op) + " container of " + length + " bytes exceeds "
                    + MAX_CONTAINER, 0);
        }
        Layout layout = SbiLayouts.containerOf(op);
        if (layout == null) return null;
        if (SbiLayouts.isVariable(op) ? length < layout.size() : length != layout.size()) {
            return Decoded.invalid("malformed: " + name(op) + " container is " + length + " bytes, needs "
                    + (SbiLayouts.isVariable(op) ? "at least " : "") + layout.size(), 0);
        }
        return null;
    }
}
