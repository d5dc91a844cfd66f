package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;

/** BLOCK_WANT (op 0x10, 33 bytes): a block hash and its priority (0 normal, 1 high, 2 critical). */
public record SbiBlockWant(Bytes hash, int priority) implements SbiContainer {
    private static final Layout L = SbiLayouts.BLOCK_WANT;
    private static final Slot HASH = L.slot("block_hash"), PRIORITY = L.slot("priority");

    public SbiBlockWant {
        Require.length(hash, HASH.size(), "hash");
        Require.unsigned(priority, 8, "priority");
    }

    public static Decoded<SbiBlockWant> decode(MemorySegment seg, long offset, long length) {
        Decoded<SbiBlockWant> bad = SbiShape.check(SbiLayouts.OP_BLOCK_WANT, seg, offset, length);
        if (bad != null) return bad;
        return Decoded.ok(new SbiBlockWant(Bytes.copyOf(seg, offset + HASH.offset(), HASH.size()),
                PRIORITY.getInt(seg, offset)), L.size());
    }

    public static Decoded<SbiBlockWant> decode(byte[] bytes) {
        return decode(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    @Override public int op() { return SbiLayouts.OP_BLOCK_WANT; }
    @Override public int encodedSize() { return L.size(); }

    @Override
    public void encodeTo(MemorySegment dst, long offset) {
        HASH.setBytes(dst, offset, hash.toArray());
        PRIORITY.set(dst, offset, priority);
    }
}
