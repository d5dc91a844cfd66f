package dev.cellscope.wire;

import dev.cellscope.protocol.utcp.UtcpFlags;
import dev.cellscope.protocol.utcp.UtcpLimits;

import java.lang.foreign.MemorySegment;

/**
 * UTCP header (40 bytes, big-endian). {@code seq} is an unsigned 32-bit value; flag bits are
 * {@link UtcpFlags#SYN} etc. Reserved flag bits are kept as found (the dissector warns).
 */
public record UtcpHeader(Bytes src, Bytes dst, long seq, int flags, int payloadLength) {
    public static final int CELLID_SIZE = UtcpLimits.CELLID_SIZE;
    public static final int SIZE = UtcpLayouts.HEADER.size();

    private static final Layout L = UtcpLayouts.HEADER;
    private static final Slot SRC = L.slot("src_cellid"), DST = L.slot("dst_cellid"), SEQ = L.slot("seq"),
            FLAGS = L.slot("flags"), LEN = L.slot("payload_len");

    public UtcpHeader {
        Require.length(src, CELLID_SIZE, "src");
        Require.length(dst, CELLID_SIZE, "dst");
        Require.unsigned(seq, 32, "seq");
        Require.unsigned(flags, 16, "flags");
        Require.unsigned(payloadLength, 16, "payloadLength");
    }

    public boolean has(long flag) {
        return (flags & flag) != 0;
    }

    /** Offset of payload_len within the header, for causes that point at it. */
    static int payloadLengthOffset() {
        return LEN.offset();
    }

    public static Decoded<UtcpHeader> decode(MemorySegment seg, long offset, long available) {
        long n = Input.usable(seg, offset, available);
        if (n < 0) return Input.badWindow(seg, offset, available);
        if (n < SIZE) return Input.truncated("UTCP header", SIZE, n);
        return Decoded.ok(new UtcpHeader(Bytes.copyOf(seg, offset + SRC.offset(), SRC.size()),
                Bytes.copyOf(seg, offset + DST.offset(), DST.size()), SEQ.get(seg, offset),
                FLAGS.getInt(seg, offset), LEN.getInt(seg, offset)), SIZE);
    }

    public static Decoded<UtcpHeader> decode(byte[] bytes) {
        return decode(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    public int encodedSize() {
        return SIZE;
    }

    public void encodeTo(MemorySegment dst, long offset) {
        SRC.setBytes(dst, offset, src.toArray());
        DST.setBytes(dst, offset, this.dst.toArray());
        SEQ.set(dst, offset, seq);
        FLAGS.set(dst, offset, flags);
        LEN.set(dst, offset, payloadLength);
    }

    public byte[] encode() {
        byte[] out = new byte[encodedSize()];
        encodeTo(MemorySegment.ofArray(out), 0);
        return out;
    }
}
