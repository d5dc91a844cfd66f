package dev.cellscope.endpoint.store;

import dev.cellscope.wire.Bytes;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;

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

    /** Writes the object, whose chunks are all in the store, to {@code dest} atomically (temporary file beside it, then rename). */
    public static Path assembleTo(ContentStore store, ObjectManifest manifest, Path dest) throws IOException {
        ObjectFileWriter out = ObjectFileWriter.open(store, dest);
        out.manifest(manifest, Set.of());
        try {
            return out.finish().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            out.abort();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing " + dest);
        }
    }

    private static void writeTo(ContentStore store, ObjectManifest manifest, OutputStream out) throws IOException {
        for (Bytes cid : manifest.chunks()) {
            byte[] data = store.get(cid).orElseThrow(() -> new IOException("chunk " + cid.hex() + " is not in the store"));
            out.write(data);
        }
    }
}
