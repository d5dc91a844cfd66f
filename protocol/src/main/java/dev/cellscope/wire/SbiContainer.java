package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;

/**
 * The container of an SBI frame (little-endian, "wire = memory"). Each decoder takes the
 * container's exact length (container_len) and rejects a length its op's layout disagrees
 * with; an op without a layout decodes to {@link SbiUnknown}.
 */
public sealed interface SbiContainer
        permits SbiHandshake, SbiBlockWant, SbiBlockPut, SbiDagSync, SbiAck, SbiNack, SbiUnknown {

    int op();

    int encodedSize();

    void encodeTo(MemorySegment dst, long offset);

    default byte[] encode() {
        byte[] out = new byte[encodedSize()];
        encodeTo(MemorySegment.ofArray(out), 0);
        return out;
    }

    /**
     * The verdict {@link #decode} would give on the {@code length}-byte container of op {@code op},
     * without building the record (no copy of BLOCK_PUT data or DAG nodes): null when it decodes,
     * else its {@link Decoded.Invalid}. The dissector validates with this, so the tap flags exactly
     * the containers a receiver rejects.
     */
    static Decoded.Invalid<SbiContainer> validate(int op, MemorySegment seg, long offset, long length) {
        if (op < 0 || op > 0xFF) return new Decoded.Invalid<>("op " + op + " is not a u8", 0);
        Decoded<SbiContainer> bad = switch (op) {
            case SbiLayouts.OP_DAG_SYNC -> SbiDagSync.problem(seg, offset, length);
            case SbiLayouts.OP_NACK -> SbiNack.problem(seg, offset, length);
            default -> SbiShape.check(op, seg, offset, length); // the other decoders check only the shape
        };
        return switch (bad) {
            case null -> null;
            case Decoded.Invalid<SbiContainer> invalid -> invalid;
            // a whole container is never Incomplete; kept as the decoder would say it
            case Decoded.Incomplete<SbiContainer> inc -> new Decoded.Invalid<>(inc.cause(), inc.available());
            case Decoded.Ok<SbiContainer> ok -> throw new IllegalStateException("a check returned a value");
        };
    }

    /** Decodes the {@code length}-byte container of op {@code op}. */
    static Decoded<SbiContainer> decode(int op, MemorySegment seg, long offset, long length) {
        if (op < 0 || op > 0xFF) return Decoded.invalid("op " + op + " is not a u8", 0);
        Decoded<? extends SbiContainer> d = switch (op) {
            case SbiLayouts.OP_HANDSHAKE -> SbiHandshake.decode(seg, offset, length);
            case SbiLayouts.OP_BLOCK_WANT -> SbiBlockWant.decode(seg, offset, length);
            case SbiLayouts.OP_BLOCK_PUT -> SbiBlockPut.decode(seg, offset, length);
            case SbiLayouts.OP_DAG_SYNC -> SbiDagSync.decode(seg, offset, length);
            case SbiLayouts.OP_ACK -> SbiAck.decode(seg, offset, length);
            case SbiLayouts.OP_NACK -> SbiNack.decode(seg, offset, length);
            default -> SbiUnknown.decode(op, seg, offset, length);
        };
        return d.map(c -> c);
    }
}
