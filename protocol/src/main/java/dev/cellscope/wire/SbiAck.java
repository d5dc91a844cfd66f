package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;

/** ACK (op 0xF0, 8 bytes): the msg_index answered and a status (0 ok). */
public record SbiAck(long refSeq, int status) implements SbiContainer {
    private static final Layout L = SbiLayouts.ACK;
    private static final Slot REF_SEQ = L.slot("ref_seq"), STATUS = L.slot("status"), PAD = L.slot("_pad");

    public SbiAck {
        Require.unsigned(refSeq, 32, "refSeq");
        Require.unsigned(status, 8, "status");
    }

    public static Decoded<SbiAck> decode(MemorySegment seg, long offset, long length) {
        Decoded<SbiAck> bad = SbiShape.check(SbiLayouts.OP_ACK, seg, offset, length);
        if (bad != null) return bad;
        return Decoded.ok(new SbiAck(REF_SEQ.get(seg, offset), STATUS.getInt(seg, offset)), L.size());
    }

    public static Decoded<SbiAck> decode(byte[] bytes) {
        return decode(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    @Override public int op() { return SbiLayouts.OP_ACK; }
    @Override public int encodedSize() { return L.size(); }

    @Override
    public void encodeTo(MemorySegment dst, long offset) {
        REF_SEQ.set(dst, offset, refSeq);
        STATUS.set(dst, offset, status);
        PAD.setBytes(dst, offset, new byte[PAD.size()]);
    }
}
