package dev.cellscope.endpoint.store;

import dev.cellscope.crypto.Blake3;
import dev.cellscope.wire.Bytes;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A get's file written while its blocks arrive (issue 12: the write-back at the end took 2.6 s of a 1 GB get).
 * The expected file is the chunks' bytes joined in manifest order, built here from the random chunks, not by the writer.
 */
class ObjectFileWriterTest {
    @TempDir
    Path dir;

    private ContentStore store;
    private final List<byte[]> chunkBytes = new ArrayList<>();
    private ObjectManifest manifest;

    /** Ten chunks of different sizes; chunk 2 appears again at position 7 (a repeated block). */
    private void object() throws IOException {
        store = ContentStore.open(dir.resolve("store"));
        Random r = new Random(5);
        List<Bytes> cids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            byte[] b = i == 7 ? chunkBytes.get(2) : new byte[1000 + r.nextInt(5000)];
            if (i != 7) r.nextBytes(b);
            chunkBytes.add(b);
            cids.add(cid(b));
        }
        manifest = ObjectManifest.of(cids);
    }

    private static Bytes cid(byte[] b) {
        return Bytes.of(Blake3.hash(b));
    }

    private byte[] expected() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] b : chunkBytes) out.writeBytes(b);
        return out.toByteArray();
    }

    private void putInStore(int i) throws IOException {
        store.put(cid(chunkBytes.get(i)), chunkBytes.get(i));
    }

    private List<Path> partFiles(Path where) throws IOException {
        try (Stream<Path> s = Files.list(where)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
        }
    }

    @ParameterizedTest(name = "inline {0}")
    @ValueSource(booleans = {true, false})
    void blocksArrivingInAnyOrderGiveTheObjectInManifestOrder(boolean inline) throws Exception {
        object();
        putInStore(0); // in the store before the get: read from it
        putInStore(4);
        Set<Bytes> missing = new HashSet<>(manifest.chunks());
        missing.remove(manifest.chunks().get(0));
        missing.remove(manifest.chunks().get(4));
        Path dest = dir.resolve("got.bin");
        ObjectFileWriter w = ObjectFileWriter.open(store, dest, 1 << 20, inline);
        w.manifest(manifest, missing);
        // Arrival order 3, 1, 2, 9, 5, 6, 8: each is put in the store first, as the block keeper does.
        for (int i : new int[] {3, 1, 2, 9, 5, 6, 8}) {
            putInStore(i);
            w.stored(manifest.chunks().get(i), chunkBytes.get(i).clone());
        }
        assertEquals(dest, w.finish().get(10, TimeUnit.SECONDS));
        assertArrayEquals(expected(), Files.readAllBytes(dest));
        assertEquals(List.of(), partFiles(dir));
    }

    @Test
    void theFileGrowsAsTheBlocksInFrontArriveNotAtTheEnd() throws Exception {
        object();
        Path dest = dir.resolve("got.bin");
        ObjectFileWriter w = ObjectFileWriter.open(store, dest, 1 << 20, true);
        w.manifest(manifest, new HashSet<>(manifest.chunks()));
        putInStore(1);
        w.stored(manifest.chunks().get(1), chunkBytes.get(1));
        assertEquals(0, w.written(), "chunk 1 waits for chunk 0");
        putInStore(0);
        w.stored(manifest.chunks().get(0), chunkBytes.get(0));
        assertEquals(chunkBytes.get(0).length + chunkBytes.get(1).length, w.written());
        Path part = partFiles(dir).getFirst();
        assertEquals(w.written(), Files.size(part), "the temporary file holds chunks 0 and 1 already");
        assertFalse(Files.exists(dest), "the destination appears only when the object is whole");
        w.abort();
    }

    @Test
    void beyondTheBoundBlocksAreReadBackFromTheStore() throws Exception {
        object();
        Path dest = dir.resolve("got.bin");
        ObjectFileWriter w = ObjectFileWriter.open(store, dest, 0, true); // no block may wait in memory
        w.manifest(manifest, new HashSet<>(manifest.chunks()));
        for (int i = 9; i >= 0; i--) {
            putInStore(i);
            // What the writer is given must not be what it writes: the store's copy is the one used.
            w.stored(manifest.chunks().get(i), new byte[chunkBytes.get(i).length]);
        }
        w.finish().get(10, TimeUnit.SECONDS);
        assertArrayEquals(expected(), Files.readAllBytes(dest));
    }

    @Test
    void anAbortLeavesTheDestinationAsItWasAndNoTemporaryFile() throws Exception {
        object();
        Path dest = Files.writeString(dir.resolve("got.bin"), "older");
        ObjectFileWriter w = ObjectFileWriter.open(store, dest, 1 << 20, false);
        w.manifest(manifest, new HashSet<>(manifest.chunks()));
        putInStore(0);
        w.stored(manifest.chunks().get(0), chunkBytes.get(0));
        w.abort();
        ExecutionException e = assertThrows(ExecutionException.class, () -> w.finish().get(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, e.getCause());
        assertEquals("older", Files.readString(dest));
        assertEquals(List.of(), partFiles(dir));
    }

    @Test
    void aChunkMissingAtTheEndFailsAndLeavesNothing() throws Exception {
        object();
        for (int i = 0; i < 10; i++) if (i != 6) putInStore(i);
        Path dest = dir.resolve("got.bin");
        ObjectFileWriter w = ObjectFileWriter.open(store, dest, 1 << 20, false);
        w.manifest(manifest, Set.of());
        ExecutionException e = assertThrows(ExecutionException.class, () -> w.finish().get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains(manifest.chunks().get(6).hex()), e.getCause().getMessage());
        assertFalse(Files.exists(dest));
        assertEquals(List.of(), partFiles(dir));
    }

    @Test
    void aDestinationInAMissingDirectoryFailsBeforeAnythingIsFetched() throws Exception {
        object();
        assertThrows(NoSuchFileException.class, () -> ObjectFileWriter.open(store, dir.resolve("no/such/dir/got.bin")));
    }
}
