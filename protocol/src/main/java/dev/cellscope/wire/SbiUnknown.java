package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** A container of an op with no layout: kept raw, so it is shown and re-encoded as found. */
public record SbiUnknown(int op, Bytes raw) implements SbiContainer {

    public SbiUnknown {
        Require.unsigned(op, 8, "op");
        if (SbiLayouts.containerOf(op) != null) throw new IllegalArgumentException("op " + op + " has a layout");
        Objects.requireNonNull(raw, "raw");
        if (raw.length() > SbiShape.MAX_CONTAINER) throw new IllegalArgumentException(raw.length() + " bytes exceed one frame");
    }

    /** Only for ops without a layout: {@link SbiContainer#decode} dispatches. */
    static Decoded<SbiUnknown> decode(int op, MemorySegment seg, long offset, long length) {
        Decoded<SbiUnknown> bad = SbiShape.check(op, seg, offset, length);
        if (bad != null) return bad;
        return Decoded.ok(new SbiUnknown(op, Bytes.copyOf(seg, offset, (int) length)), (int) length);
    }

    @Override public int encodedSize() { return raw.length(); }
    @Override public void encodeTo(MemorySegment dst, long offset) { raw.copyTo(dst, offset); }
}
