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
