package dev.cellscope.endpoint.store;

import dev.cellscope.wire.Bytes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** Cuts files into fixed-size chunks in a {@link ContentStore} and puts them back together. */
public final class Chunker {
    private Chunker() {}

    /**
     * Stores {@code file} as chunks of {@code blockSize} bytes (the last one shorter; an empty
     * file has no chunks) and its manifest; returns the manifest.
     */
    public static ObjectManifest store(ContentStore store, Path file, int blockSize) throws IOException {
        if (blockSize <= 0) throw new IllegalArgumentException("block size must be positive, got " + blockSize);
        List<Bytes> chunks = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] chunk;
            while ((chunk = in.readNBytes(blockSize)).length > 0) chunks.add(store.put(chunk));
        }
        ObjectManifest manifest = ObjectManifest.of(chunks);
        store.putManifest(manifest);
        return manifest;
    }

    /** The object's bytes, every chunk checked against its CID as it is read. */
    public static byte[] assemble(ContentStore store, ObjectManifest manifest) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        writeTo(store, manifest, out);
        return out.toByteArray();
    }

    /** Writes the object to {@code dest} atomically (temporary file beside it, then rename). */
    public static Path assembleTo(ContentStore store, ObjectManifest manifest, Path dest) throws IOException {
        Path dir = dest.toAbsolutePath().getParent();
        // Not Files.createTempFile: its 0600 would stay on the user's file; this one follows the umask.
        Path tmp = dir.resolve(ContentStore.TEMP_PREFIX + java.util.UUID.randomUUID() + ".part");
        try {
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE); OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                writeTo(store, manifest, out);
                ch.force(true); // durable before the rename makes it visible
            }
            Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return dest;
    }

    private static void writeTo(ContentStore store, ObjectManifest manifest, OutputStream out) throws IOException {
        for (Bytes cid : manifest.chunks()) {
            byte[] data = store.get(cid).orElseThrow(() -> new IOException("chunk " + cid.hex() + " is not in the store"));
            out.write(data);
        }
    }
}
