package dev.cellscope.endpoint.store;

import dev.cellscope.crypto.Blake3;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.SbiLayouts;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored object: its chunk CIDs in file order and its root (PROTOCOLS.md section 4, DAG of
 * depth 1): {@code root = BLAKE3(cid_0 || cid_1 || ...)}. The encoded manifest is exactly that
 * concatenation, so a manifest is self-authenticating: whoever knows the root can check a node
 * list received from anyone.
 */
public record ObjectManifest(Bytes root, List<Bytes> chunks) {
    public static final int CID_SIZE = SbiLayouts.HASH_SIZE;

    public ObjectManifest {
        Objects.requireNonNull(root, "root");
        chunks = List.copyOf(chunks);
        if (root.length() != CID_SIZE) throw new IllegalArgumentException("a root is 32 bytes, got " + root.length());
        for (Bytes c : chunks) {
            if (c.length() != CID_SIZE) throw new IllegalArgumentException("a chunk CID is 32 bytes, got " + c.length());
        }
        if (!rootOf(chunks).equals(root)) {
            throw new IllegalArgumentException("root " + root.hex() + " is not BLAKE3 of the " + chunks.size() + " chunk CIDs");
        }
    }

    /** The manifest of these chunks, root computed. */
    public static ObjectManifest of(List<Bytes> chunks) {
        return new ObjectManifest(rootOf(chunks), chunks);
    }

    /** BLAKE3 of the concatenated 32-byte CIDs. */
    public static Bytes rootOf(List<Bytes> chunks) {
        return Bytes.of(Blake3.hash(concat(chunks)));
    }

    /** The manifest's on-disk form: the concatenated CIDs (its BLAKE3 is the root). */
    public byte[] encode() {
        return concat(chunks);
    }

    /** Parses {@code bytes} as the manifest of {@code root}; empty when they are not (wrong length or hash). */
    public static Optional<ObjectManifest> decode(Bytes root, byte[] bytes) {
        if (bytes.length % CID_SIZE != 0 || !Bytes.of(Blake3.hash(bytes)).equals(root)) return Optional.empty();
        List<Bytes> chunks = new ArrayList<>(bytes.length / CID_SIZE);
        for (int off = 0; off < bytes.length; off += CID_SIZE) {
            chunks.add(Bytes.of(java.util.Arrays.copyOfRange(bytes, off, off + CID_SIZE)));
        }
        return Optional.of(new ObjectManifest(root, chunks));
    }

    /** Position of the first chunk with this CID, or -1 (a CID may occur several times, e.g. zero blocks). */
    public int indexOf(Bytes cid) {
        return chunks.indexOf(cid);
    }

    private static byte[] concat(List<Bytes> chunks) {
        byte[] all = new byte[chunks.size() * CID_SIZE];
        for (int i = 0; i < chunks.size(); i++) {
            byte[] c = chunks.get(i).toArray();
            System.arraycopy(c, 0, all, i * CID_SIZE, CID_SIZE);
        }
        return all;
    }
}
