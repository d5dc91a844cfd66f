package dev.cellscope.endpoint.store;

import dev.cellscope.crypto.Blake3;
import dev.cellscope.wire.Bytes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A content-addressed block store on disk:
 * <pre>
 * DIR/blocks/&lt;64 lowercase hex of BLAKE3(content)&gt;   one file per block
 * DIR/objects/&lt;64 lowercase hex of the root&gt;         manifest: the concatenated chunk CIDs
 * DIR/quarantine/&lt;64 lowercase hex&gt;                  a block found corrupt when read (kept for inspection)
 * </pre>
 * Every file is written to a temporary file in the same directory ({@value #TEMP_PREFIX}...),
 * forced to disk and renamed with {@code ATOMIC_MOVE}: a reader sees a whole file or none, so
 * concurrent readers need no lock, and two writers of the same block race harmlessly (same
 * bytes). A crash can leave a temporary file behind; names never match the hex pattern, so they
 * are invisible to {@link #has}/{@link #list}, and {@link #open} deletes them.
 *
 * <p>Writes are verified (the content must hash to its name) and so are reads (a block altered
 * on disk is reported, never served, and moved to {@code quarantine/}: the store then no longer claims it, so an
 * offer of it is answered "lacking" and a get fetches it again, which repairs it).
 */
public final class ContentStore {
    static final String TEMP_PREFIX = ".tmp-";
    private static final Pattern NAME = Pattern.compile("[0-9a-f]{64}");
    private static final HexFormat HEX = HexFormat.of();

    private final Path blocks;
    private final Path objects;
    private final Path quarantine;
    private final int tempFilesRemoved;

    private ContentStore(Path dir) throws IOException {
        this.blocks = Files.createDirectories(dir.resolve("blocks"));
        this.objects = Files.createDirectories(dir.resolve("objects"));
        this.quarantine = dir.resolve("quarantine"); // made on the first corrupt block only
        this.tempFilesRemoved = removeTemps(blocks) + removeTemps(objects);
    }

    /** Opens (creating if needed) the store in {@code dir}, deleting temporary files a crash left. */
    public static ContentStore open(Path dir) throws IOException {
        return new ContentStore(dir);
    }

    /** How many leftover temporary files {@link #open} deleted. */
    public int tempFilesRemoved() {
        return tempFilesRemoved;
    }

    public Path directory() {
        return blocks.getParent();
    }

    public boolean has(Bytes cid) {
        return Files.isRegularFile(blockPath(cid));
    }

    /**
     * The block's content, checked against its name; empty when absent.
     *
     * @throws CorruptBlockException when the content hashes elsewhere (altered, truncated, another block's bytes):
     *         the file has been moved to {@code quarantine/}, so from now on the block is absent
     * @throws IOException when the file cannot be read (a failure of the store; the text says why)
     */
    public Optional<byte[]> get(Bytes cid) throws IOException {
        Path file = blockPath(cid);
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IOException("block " + cid.hex() + " cannot be read: " + file + ": " + reason(e), e);
        }
        if (!Bytes.of(Blake3.hash(data)).equals(cid)) throw quarantined(cid, file);
        return Optional.of(data);
    }

    /**
     * Chunks of {@code manifest} the store does not hold intact, in order, each once: absent ones, and held ones
     * that turn out corrupt when read (quarantined as by {@link #get}, and handed to {@code corrupt}). Reads every
     * held chunk: for a get about to assemble the object from its own store, which reads them anyway.
     */
    public List<Bytes> missingOrCorrupt(ObjectManifest manifest, java.util.function.Consumer<CorruptBlockException> corrupt)
            throws IOException {
        List<Bytes> out = new ArrayList<>();
        for (Bytes cid : manifest.chunks().stream().distinct().toList()) {
            try {
                if (get(cid).isEmpty()) out.add(cid);
            } catch (CorruptBlockException e) {
                corrupt.accept(e);
                out.add(cid);
            }
        }
        return out;
    }

    /**
     * Moves a corrupt block file out of {@code blocks/} (one copy per CID is kept, the latest) and says so. A good copy
     * renamed in by a writer between our read and this move would be moved too: harmless, the block then counts as
     * missing and comes again.
     */
    private CorruptBlockException quarantined(Bytes cid, Path file) throws IOException {
        try {
            Files.createDirectories(quarantine);
            Files.move(file, quarantine.resolve(cid.hex()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException gone) {
            // another reader moved it first: it is out of blocks/ either way
        } catch (IOException e) {
            // Left in place it would be claimed forever and never repaired: a store that cannot move it has failed.
            throw new IOException("block " + cid.hex() + " is corrupt on disk and cannot be moved to quarantine/: "
                    + reason(e), e);
        }
        return new CorruptBlockException(cid, "content hashes elsewhere; moved to " + quarantine.getFileName() + "/");
    }

    /** Why a file operation failed, in words: AccessDeniedException's message is only the path. */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /** Stores {@code data} under its BLAKE3 and returns that CID (nothing is written if present). */
    public Bytes put(byte[] data) throws IOException {
        Bytes cid = Bytes.of(Blake3.hash(data));
        if (!has(cid)) writeAtomically(blocks, cid.hex(), data);
        return cid;
    }

    /**
     * Stores {@code data} as block {@code cid}.
     *
     * @throws IllegalArgumentException when the content does not hash to {@code cid} (nothing written)
     */
    public void put(Bytes cid, byte[] data) throws IOException {
        Bytes actual = Bytes.of(Blake3.hash(data));
        if (!actual.equals(cid)) {
            throw new IllegalArgumentException("content hashes to " + actual.hex() + ", not " + cid.hex());
        }
        if (!holdsExactly(cid, data)) writeAtomically(blocks, cid.hex(), data); // the rename replaces a corrupt copy
    }

    /**
     * Whether block {@code cid} is on disk with exactly {@code data}: a received block is compared with a copy already
     * held (a byte comparison, no hash), so that a corrupt copy is replaced rather than kept behind an ACK. Only
     * received blocks pay this read; {@link #put(byte[])} (chunking a file of our own) trusts the name.
     */
    private boolean holdsExactly(Bytes cid, byte[] data) throws IOException {
        Path file = blockPath(cid);
        try {
            if (Files.size(file) != data.length) return false;
            return java.util.Arrays.equals(Files.readAllBytes(file), data);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** CIDs of all stored blocks (order unspecified). */
    public List<Bytes> list() throws IOException {
        return names(blocks);
    }

    public void putManifest(ObjectManifest manifest) throws IOException {
        if (!Files.isRegularFile(objects.resolve(manifest.root().hex()))) {
            writeAtomically(objects, manifest.root().hex(), manifest.encode());
        }
    }

    /** The manifest of {@code root}, checked against it; empty when unknown. */
    public Optional<ObjectManifest> manifest(Bytes root) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(objects.resolve(checkedName(root)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        Optional<ObjectManifest> m = ObjectManifest.decode(root, bytes);
        if (m.isEmpty()) throw new IOException("manifest " + root.hex() + " is corrupt on disk");
        return m;
    }

    /** Roots of all stored manifests. */
    public List<Bytes> roots() throws IOException {
        return names(objects);
    }

    /** Chunks of {@code manifest} not in the store, in order, each once. */
    public List<Bytes> missing(ObjectManifest manifest) {
        return manifest.chunks().stream().distinct().filter(c -> !has(c)).toList();
    }

    private Path blockPath(Bytes cid) {
        return blocks.resolve(checkedName(cid));
    }

    private static String checkedName(Bytes cid) {
        if (cid.length() != ObjectManifest.CID_SIZE) throw new IllegalArgumentException("a CID is 32 bytes, got " + cid.length());
        return cid.hex();
    }

    private static void writeAtomically(Path dir, String name, byte[] data) throws IOException {
        Path tmp = Files.createTempFile(dir, TEMP_PREFIX, ".part");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true); // the rename must not become visible before the content is durable
            }
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static List<Bytes> names(Path dir) throws IOException {
        List<Bytes> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (NAME.matcher(n).matches()) out.add(Bytes.of(HEX.parseHex(n)));
            }
        }
        return out;
    }

    private static int removeTemps(Path dir) throws IOException {
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
            for (Path p : ds) {
                try {
                    if (Files.deleteIfExists(p)) n++;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot remove leftover temporary file " + p, e);
                }
            }
        }
        return n;
    }
}
