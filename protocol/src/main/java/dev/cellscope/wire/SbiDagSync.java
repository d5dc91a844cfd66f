package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** DAG_SYNC (op 0x20): a 36-byte spine, then exactly node_count 32-byte hashes. */
public record SbiDagSync(Bytes root, int depth, List<Bytes> nodes) implements SbiContainer {
    private static final Layout L = SbiLayouts.DAG_SYNC;
    private static final Slot ROOT = L.slot("root_hash"), DEPTH = L.slot("depth"), NODE_COUNT = L.slot("node_count");
    private static final int HASH = SbiLayouts.HASH_SIZE;

    public SbiDagSync {
        Require.length(root, ROOT.size(), "root");
        Require.unsigned(depth, 16, "depth");
        nodes = List.copyOf(Objects.requireNonNull(nodes, "nodes"));
        for (Bytes node : nodes) Require.length(node, HASH, "node");
        Require.unsigned(nodes.size(), 16, "node count");
        if (L.size() + (long) nodes.size() * HASH > SbiShape.MAX_CONTAINER) {
            throw new IllegalArgumentException(nodes.size() + " nodes exceed one frame");
        }
    }

    /** Null when {@link #decode} accepts the container, else the failure it returns (no record is built). */
    static <T> Decoded<T> problem(MemorySegment seg, long offset, long length) {
        Decoded<T> bad = SbiShape.check(SbiLayouts.OP_DAG_SYNC, seg, offset, length);
        if (bad != null) return bad;
        int count = NODE_COUNT.getInt(seg, offset);
        long rest = length - L.size();
        if ((long) count * HASH != rest) {
            return Decoded.invalid("malformed: DAG_SYNC node_count " + count + " needs " + (long) count * HASH
                    + " bytes after the spine, container has " + rest, NODE_COUNT.offset());
        }
        return null;
    }

    /** Where a node_count that disagrees with the container's length is reported. */
    public static int nodeCountOffset() {
        return NODE_COUNT.offset();
    }

    public static Decoded<SbiDagSync> decode(MemorySegment seg, long offset, long length) {
        Decoded<SbiDagSync> bad = problem(seg, offset, length);
        if (bad != null) return bad;
        int count = NODE_COUNT.getInt(seg, offset);
        List<Bytes> nodes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) nodes.add(Bytes.copyOf(seg, offset + L.size() + (long) i * HASH, HASH));
        return Decoded.ok(new SbiDagSync(Bytes.copyOf(seg, offset + ROOT.offset(), ROOT.size()),
                DEPTH.getInt(seg, offset), nodes), (int) length);
    }

    public static Decoded<SbiDagSync> decode(byte[] bytes) {
        return decode(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    @Override public int op() { return SbiLayouts.OP_DAG_SYNC; }
    @Override public int encodedSize() { return L.size() + nodes.size() * HASH; }

    @Override
    public void encodeTo(MemorySegment dst, long offset) {
        ROOT.setBytes(dst, offset, root.toArray());
        DEPTH.set(dst, offset, depth);
        NODE_COUNT.set(dst, offset, nodes.size());
        for (int i = 0; i < nodes.size(); i++) nodes.get(i).copyTo(dst, offset + L.size() + (long) i * HASH);
    }
}
