package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;

/** HANDSHAKE (op 0x01, 52 bytes): identity, capability bits and storage parameters. */
public record SbiHandshake(Bytes peerId, long capabilities, long requiredFeatures, long optionalFeatures,
                           long blockSize, int version, int replicaCount) implements SbiContainer {
    private static final Layout L = SbiLayouts.HANDSHAKE;
    private static final Slot PEER_ID = L.slot("peer_id"), CAPABILITIES = L.slot("capabilities"),
            REQUIRED = L.slot("required_features"), OPTIONAL = L.slot("optional_features"),
            BLOCK_SIZE = L.slot("block_size"), VERSION = L.slot("version"), REPLICA_COUNT = L.slot("replica_count");

    public SbiHandshake {
        Require.length(peerId, PEER_ID.size(), "peerId");
        Require.unsigned(capabilities, 32, "capabilities");
        Require.unsigned(requiredFeatures, 32, "requiredFeatures");
        Require.unsigned(optionalFeatures, 32, "optionalFeatures");
        Require.unsigned(blockSize, 32, "blockSize");
        Require.unsigned(version, 16, "version");
        Require.unsigned(replicaCount, 8, "replicaCount");
    }

    public static Decoded<SbiHandshake> decode(MemorySegment seg, long offset, long length) {
        Decoded<SbiHandshake> bad = SbiShape.check(SbiLayouts.OP_HANDSHAKE, seg, offset, length);
        if (bad != null) return bad;
        return Decoded.ok(new SbiHandshake(Bytes.copyOf(seg, offset + PEER_ID.offset(), PEER_ID.size()),
                CAPABILITIES.get(seg, offset), REQUIRED.get(seg, offset), OPTIONAL.get(seg, offset),
                BLOCK_SIZE.get(seg, offset), VERSION.getInt(seg, offset), REPLICA_COUNT.getInt(seg, offset)), L.size());
    }

    public static Decoded<SbiHandshake> decode(byte[] bytes) {
        return decode(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    @Override public int op() { return SbiLayouts.OP_HANDSHAKE; }
    @Override public int encodedSize() { return L.size(); }

    @Override
    public void encodeTo(MemorySegment dst, long offset) {
        dst.asSlice(offset, L.size()).fill((byte) 0);
        PEER_ID.setBytes(dst, offset, peerId.toArray());
        CAPABILITIES.set(dst, offset, capabilities);
        REQUIRED.set(dst, offset, requiredFeatures);
        OPTIONAL.set(dst, offset, optionalFeatures);
        BLOCK_SIZE.set(dst, offset, blockSize);
        VERSION.set(dst, offset, version);
        REPLICA_COUNT.set(dst, offset, replicaCount);
    }
}
