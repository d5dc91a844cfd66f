package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** BLOCK_PUT (op 0x11): a 40-byte spine, then the (possibly compressed) chunk data to the container's end. */
public record SbiBlockPut(Bytes hash, long chunkIndex, int compAlgo, int compLevel, Bytes data) implements SbiContainer {
    private static final Layout L = SbiLayouts.BLOCK_PUT;
    private static final Slot HASH = L.slot("block_hash"), CHUNK_INDEX = L.slot("chunk_index"),
            COMP_ALGO = L.slot("comp_algo"), COMP_LEVEL = L.slot("comp_level"), PAD = L.slot("_pad");

    public SbiBlockPut {
        Require.length(hash, HASH.size(), "hash");
        Require.unsigned(chunkIndex, 32, "chunkIndex");
        Require.unsigned(compAlgo, 8, "compAlgo");
        Require.unsigned(compLevel, 8, "compLevel");
        Objects.requireNonNull(data, "data");
        if (data.length() > SbiShape.MAX_CONTAINER - L.size()) {
            throw new IllegalArgumentException(data.length() + " bytes of data exceed one frame");
        }
    }

    public static Decoded<SbiBlockPut> decode(MemorySegment seg, long offset, long length) {
        Decoded<SbiBlockPut> bad = SbiShape.check(SbiLayouts.OP_BLOCK_PUT, seg, offset, length);
        if (bad != null) return bad;
        return Decoded.ok(new SbiBlockPut(Bytes.copyOf(seg, offset + HASH.offset(), HASH.size()),
                CHUNK_INDEX.get(seg, offset), COMP_ALGO.getInt(seg, offset), COMP_LEVEL.getInt(seg, offset),
                Bytes.copyOf(seg, offset + L.size(), (int) length - L.size())), (int) length);
    }

    public static Decoded<SbiBlockPut> decode(byte[] bytes) {
        return decode(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    @Override public int op() { return SbiLayouts.OP_BLOCK_PUT; }
    @Override public int encodedSize() { return L.size() + data.length(); }

    @Override
    public void encodeTo(MemorySegment dst, long offset) {
        HASH.setBytes(dst, offset, hash.toArray());
        CHUNK_INDEX.set(dst, offset, chunkIndex);
        COMP_ALGO.set(dst, offset, compAlgo);
        COMP_LEVEL.set(dst, offset, compLevel);
        PAD.setBytes(dst, offset, new byte[PAD.size()]);
        data.copyTo(dst, offset + L.size());
    }
}
