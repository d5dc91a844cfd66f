package dev.cellscope.endpoint.store;

import dev.cellscope.wire.Bytes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes an object to a file while its blocks arrive, in the manifest's order, on a thread of its own.
 *
 * <p>A get used to fetch every block into the store and only then read them all back to write the file:
 * for 1 GB over loopback that was 2.6 s after a 5.9 s fetch (issue 12, bench/README.md session 31). Here
 * a block goes to the file from memory as soon as every block before it is there; a block that arrives
 * ahead of a missing one waits in memory up to {@code maxAheadBytes} (beyond that it is read back from the
 * store, where it already is, when its turn comes). Blocks that were in the store before the get are read
 * from it, checked against their CIDs as {@link ContentStore#get} does.
 *
 * <p>The file is written as {@code dest}'s temporary sibling ({@value ContentStore#TEMP_PREFIX}…{@code .part},
 * mode from the umask), forced, renamed onto {@code dest} and the directory forced by {@link #finish()}, or deleted by
 * {@link #abort()}, or at the JVM's exit if neither came: a failed, cancelled or killed (SIGTERM) get leaves nothing. The calls may come from any thread (the
 * scheduler's); they only queue work, so the network never waits for the disk.
 */
public final class ObjectFileWriter {
    /**
     * The temporary files of writers not yet finished or aborted, deleted when the JVM exits (SIGTERM, Ctrl-C): a get
     * stopped that way left its {@code .part} beside FILE for good (user review), where FILE appears whole or not at all.
     * One hook for all writers; a file already renamed into place is gone from the set, and from its old name.
     */
    private static final class Unfinished {
        private static final Set<Path> FILES = java.util.concurrent.ConcurrentHashMap.newKeySet();

        static {
            try {
                Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("cellscope-object-writer-cleanup").unstarted(() -> {
                    for (Path p : FILES) {
                        try {
                            Files.deleteIfExists(p);
                        } catch (IOException ignored) {
                            // exiting: nothing else to do
                        }
                    }
                }));
            } catch (IllegalStateException exiting) {
                // the JVM is already exiting: the writer's own abort is all there is
            }
        }

        static void add(Path p) {
            FILES.add(p);
        }

        static void remove(Path p) {
            FILES.remove(p);
        }
    }

    /** Room for blocks that arrived ahead of a missing one; the endpoint's get wants 32 at a time. */
    public static final long DEFAULT_MAX_AHEAD_BYTES = 32L << 20;

    private sealed interface Job {}

    private record Manifest(ObjectManifest manifest, Set<Bytes> missing) implements Job {}

    private record Stored(Bytes cid, byte[] data) implements Job {}

    private record Finish() implements Job {}

    private record Abort() implements Job {}

    private final ContentStore store;
    private final Path dest, part;
    private final FileChannel channel;
    private final long maxAheadBytes;
    /** Jobs for the writer's thread; null when it writes on the caller's thread. */
    private final LinkedBlockingQueue<Job> jobs;
    /** Inline only: the writer finished, aborted or failed. */
    private boolean ended;
    /** Bytes of block data queued or waiting ahead, counted by the caller's thread before queueing. */
    private final AtomicLong held = new AtomicLong();
    private final CompletableFuture<Path> done = new CompletableFuture<>();

    // The writer thread's own state.
    private List<Bytes> chunks;
    private Set<Bytes> missing;
    private final Map<Bytes, byte[]> ahead = new HashMap<>();
    private int next;
    private volatile long written;

    private ObjectFileWriter(ContentStore store, Path dest, long maxAheadBytes, boolean inline) throws IOException {
        this.store = Objects.requireNonNull(store);
        this.dest = dest;
        this.maxAheadBytes = maxAheadBytes;
        Path dir = dest.toAbsolutePath().getParent();
        // Not Files.createTempFile: its 0600 would stay on the user's file; this one follows the umask.
        this.part = dir.resolve(ContentStore.TEMP_PREFIX + UUID.randomUUID() + ".part");
        this.channel = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Unfinished.add(part);
        this.jobs = inline ? null : new LinkedBlockingQueue<>();
        if (!inline) Thread.ofPlatform().name("cellscope-object-writer").daemon(true).start(this::run);
    }

    /**
     * Opens {@code dest}'s temporary file now, so that a directory that is missing or not writable fails the
     * get before anything is fetched.
     */
    public static ObjectFileWriter open(ContentStore store, Path dest) throws IOException {
        return open(store, dest, DEFAULT_MAX_AHEAD_BYTES, false);
    }

    /**
     * @param inline write on the calling thread before each call returns, as the inline block keeper stores blocks (the
     *               simulated wire's tests stay deterministic); else on a thread of the writer's own
     */
    public static ObjectFileWriter open(ContentStore store, Path dest, long maxAheadBytes, boolean inline) throws IOException {
        if (maxAheadBytes < 0) throw new IllegalArgumentException("maxAheadBytes " + maxAheadBytes);
        return new ObjectFileWriter(store, dest, maxAheadBytes, inline);
    }

    /** The object's node list, once known, and which of its chunks the store still lacks (they come by {@link #stored}). */
    public void manifest(ObjectManifest manifest, Set<Bytes> missing) {
        submit(new Manifest(manifest, Set.copyOf(missing)));
    }

    /**
     * Block {@code cid} is now in the store; {@code data} is its verified content (or null: read it back
     * from the store). Kept in memory only while within the bound.
     */
    public void stored(Bytes cid, byte[] data) {
        if (data != null && held.addAndGet(data.length) > maxAheadBytes) {
            held.addAndGet(-data.length);
            data = null;
        }
        submit(new Stored(cid, data));
    }

    /** Writes what is left (every chunk must be in the store by now), forces the file and renames it onto the destination. */
    public CompletableFuture<Path> finish() {
        submit(new Finish());
        return done;
    }

    /**
     * Completes with the destination once {@link #finish()} has renamed the file onto it, or exceptionally as soon as
     * the writer fails (a write, or a block read back from the store) or is aborted: a get need not go on fetching
     * what cannot be written.
     */
    public CompletableFuture<Path> outcome() {
        return done;
    }

    /** Deletes the temporary file; the destination is left as it was. */
    public void abort() {
        submit(new Abort());
    }

    /** Bytes written to the file so far (tests). */
    public long written() {
        return written;
    }

    private void submit(Job job) {
        if (jobs == null) {
            synchronized (this) {
                if (!ended) ended = handleOrDiscard(job);
            }
        } else {
            jobs.add(job);
        }
    }

    private void run() {
        try {
            while (!handleOrDiscard(jobs.take())) {
                // next job
            }
        } catch (InterruptedException e) {
            discard(e);
        }
    }

    /** Does one job; true once the writer is done (finished, aborted or failed). */
    private boolean handleOrDiscard(Job job) {
        try {
            return handle(job);
        } catch (IOException | RuntimeException e) {
            discard(e);
            return true;
        }
    }

    private boolean handle(Job job) throws IOException {
        switch (job) {
            case Manifest m -> {
                chunks = m.manifest().chunks();
                missing = new HashSet<>(m.missing());
                writeReady();
            }
            case Stored s -> {
                if (missing == null || !missing.remove(s.cid())) {
                    release(s.data()); // not ours (another get's block), or a repeat
                    return false;
                }
                if (s.data() != null) ahead.put(s.cid(), s.data());
                writeReady();
            }
            case Finish f -> {
                if (chunks == null) throw new IOException("finished before the object's node list was known");
                missing.clear(); // the get completed: everything is in the store
                writeReady();
                channel.force(true); // durable before the rename makes it visible
                channel.close();
                DurableFiles.moveIntoPlace(part, dest);
                Unfinished.remove(part);
                done.complete(dest);
                return true;
            }
            case Abort a -> {
                discard(null);
                return true;
            }
        }
        return false;
    }

    /** Writes chunks in order while the next one is here. */
    private void writeReady() throws IOException {
        if (chunks == null) return;
        while (next < chunks.size() && !missing.contains(chunks.get(next))) {
            Bytes cid = chunks.get(next);
            byte[] data = ahead.remove(cid);
            if (data != null) release(data);
            else data = store.get(cid).orElseThrow(() -> new IOException("chunk " + cid.hex() + " is not in the store"));
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) channel.write(b);
            written += data.length;
            next++;
        }
    }

    private void release(byte[] data) {
        if (data != null) held.addAndGet(-data.length);
    }

    private void discard(Throwable failure) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the file goes anyway
        }
        try {
            Files.deleteIfExists(part);
        } catch (IOException ignored) {
            // nothing more can be done about it here; the failure below is what the caller reports
        }
        Unfinished.remove(part);
        ahead.clear();
        done.completeExceptionally(failure != null ? failure : new IOException("cancelled"));
    }
}
