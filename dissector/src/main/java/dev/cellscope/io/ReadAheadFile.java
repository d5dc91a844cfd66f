package dev.cellscope.io;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A capture file read front to back in chunks of heap memory, the next few read by a thread of
 * its own while the reader parses the current one. The readers ask for the byte range of one
 * block at a time ({@link #cover}); the packets they return are slices of a chunk, which the
 * GC frees once no packet holds it, as the live sources' ring blocks are.
 *
 * <p>Why not a memory mapping (as before session 32): on this machine kind (a VM) the first
 * access of each 4 KiB page of a mapping costs about 1.4 µs on top of its minor fault, per
 * process, even for pages in the page cache: mapping and touching a 1.46 GB capture took
 * 0.77-0.82 s of CPU, where reading it with {@code read(2)} into heap chunks takes 0.36-0.45 s;
 * a 1M-frame {@code read -T fields} fell from 1.28 to 0.96 s (bench/README.md, session 32).
 * tshark and tcpdump read with {@code read(2)} too.
 *
 * <p>Only a block that straddles two chunks is copied once more (into an array of its own);
 * a block longer than {@link #MAX_COVER} is never held whole: a reader checks such a block's
 * trailer with {@link #u32At} and skips it. A file that shrinks while it is read ends as damage
 * ({@link #problem()}), where a mapping would have crashed the reader with SIGBUS.
 */
final class ReadAheadFile implements AutoCloseable {

    /**
     * Bytes per chunk: large enough that a read costs little per byte, small enough that the chunks alive at a
     * young collection (those read ahead, and those the frames queued for analysis hold) fit the survivor
     * space of the capped heap. With 4 MiB chunks they did not: a full analysis of the 1M-frame mesh capture
     * promoted them, and took 87 collections (13 full) and 0.7 s of GC threads; with 1 MiB, 52 young ones and
     * 0.1 s of pauses, against 26 and 0.06 s for the mapping (bench/README.md, session 32).
     */
    static final int CHUNK = 1 << 20;
    /** Chunks read ahead of the one being parsed. */
    private static final int AHEAD = 4;
    /** The longest block a reader may ask to hold whole; longer ones are checked and skipped. */
    static final int MAX_COVER = 16 << 20;

    private record Chunk(long base, byte[] bytes, int length, IOException failure) {
        long end() {
            return base + length;
        }
    }

    private static final Chunk END = new Chunk(Long.MAX_VALUE, new byte[0], 0, null);

    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final int chunk;
    /** Null when the file fits in two chunks: it is then read at once, on the reader's thread. */
    private final Thread thread;
    private final BlockingQueue<Chunk> queue;
    /** Chunks taken from the queue, in file order; the first is the one being parsed. */
    private final ArrayDeque<Chunk> taken = new ArrayDeque<>();
    private volatile boolean closed;
    private String problem;
    /** The chunk {@link #seg} is, or null when seg holds a block copied out of two chunks. */
    private Chunk current;

    /** After a successful {@link #cover}: the memory that holds the range, file offset x at x - {@link #base}. */
    MemorySegment seg = MemorySegment.ofArray(new byte[0]);
    long base;

    private ReadAheadFile(Path path, FileChannel channel, int chunk) throws IOException {
        this.path = path;
        this.channel = channel;
        this.size = channel.size();
        this.chunk = chunk;
        if (size <= 2L * chunk) {
            thread = null;
            queue = null;
            taken.add(read(0, (int) size));
        } else {
            queue = new ArrayBlockingQueue<>(AHEAD);
            thread = Thread.ofPlatform().name("cellscope-read-ahead").daemon(true).unstarted(this::readAhead);
            thread.start();
        }
    }

    static ReadAheadFile open(Path path) throws IOException {
        return open(path, CHUNK);
    }

    /** With chunks of {@code chunk} bytes (tests use small ones to cross many chunk boundaries). */
    static ReadAheadFile open(Path path, int chunk) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return new ReadAheadFile(path, channel, chunk);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    Path path() {
        return path;
    }

    /** The file's size when it was opened: what the readers read up to. */
    long size() {
        return size;
    }

    /** Why the last {@link #cover} or {@link #u32At} failed: the file could not be read, or ended early. */
    String problem() {
        return problem;
    }

    /**
     * Makes the file's bytes [at, at + length) readable in {@link #seg} from {@code at - base}. The
     * range must lie within {@link #size()}, start at or after every range asked for before but the
     * last one (the readers go forward), and be at most {@link #MAX_COVER} long. False when the file
     * could not be read that far (see {@link #problem()}).
     */
    boolean cover(long at, int length) {
        Chunk c = chunkAt(at);
        if (c == null) return false;
        if (at + length <= c.end()) {
            if (c != current) {
                seg = MemorySegment.ofArray(c.bytes);
                base = c.base;
                current = c;
            }
            return true;
        }
        // Straddles chunks: copy the block into an array of its own.
        byte[] joined = new byte[length];
        long from = at;
        int filled = 0;
        for (Chunk d : taken) {
            if (d.end() <= from) continue;
            int n = (int) Math.min(d.end() - from, length - filled);
            System.arraycopy(d.bytes, (int) (from - d.base), joined, filled, n);
            filled += n;
            from += n;
            if (filled == length) break;
        }
        while (filled < length) {
            Chunk d = nextChunk();
            if (d == null) return false;
            taken.add(d);
            int n = Math.min(d.length, length - filled);
            System.arraycopy(d.bytes, 0, joined, filled, n);
            filled += n;
        }
        seg = MemorySegment.ofArray(joined);
        base = at;
        current = null;
        return true;
    }

    /**
     * The 4 bytes at {@code at} as an unsigned number in {@code endian}'s order, read on their own
     * (the trailer of a block too long to {@link #cover}); -1 when they cannot be read.
     */
    long u32At(long at, Endian endian) {
        ByteBuffer four = ByteBuffer.allocate(4);
        try {
            while (four.hasRemaining()) {
                if (channel.read(four, at + four.position()) < 0) {
                    problem = path + " ended at offset " + (at + four.position()) + " while it was read (it was " + size
                            + " bytes when opened)";
                    return -1;
                }
            }
        } catch (IOException e) {
            problem = "cannot read " + path + " at offset " + at + ": " + e.getMessage();
            return -1;
        }
        return Integer.toUnsignedLong(endian.u32(MemorySegment.ofArray(four.array()), 0));
    }

    /** The chunk holding offset {@code at}, dropping the ones before it; null on a read failure. */
    private Chunk chunkAt(long at) {
        while (true) {
            Chunk c = taken.peekFirst();
            if (c != null && at < c.end()) return c;
            if (c != null && taken.size() > 1) {
                taken.pollFirst();
                continue;
            }
            Chunk next = nextChunk();
            if (next == null) return null;
            taken.clear();
            taken.add(next);
        }
    }

    private Chunk nextChunk() {
        if (problem != null) return null;
        Chunk c;
        if (queue == null) {
            c = END;
        } else {
            try {
                c = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problem = "interrupted while reading " + path;
                return null;
            }
        }
        if (c.failure != null) {
            problem = c.failure instanceof EOFException ? c.failure.getMessage()
                    : "cannot read " + path + ": " + c.failure.getMessage();
            return null;
        }
        if (c == END) {
            problem = path + " ended before the " + size + " bytes it had when opened were read";
            return null;
        }
        return c;
    }

    private void readAhead() {
        long at = 0;
        try {
            while (at < size && !closed) {
                int n = (int) Math.min(chunk, size - at);
                Chunk c;
                try {
                    c = read(at, n);
                } catch (IOException e) {
                    if (closed) return;
                    c = new Chunk(at, null, 0, e);
                }
                queue.put(c);
                if (c.failure != null) return;
                at += n;
            }
            queue.put(END);
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** Reads [at, at + length) into an array of its own. */
    private Chunk read(long at, int length) throws IOException {
        byte[] bytes = new byte[length];
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, at + buffer.position()) < 0) {
                throw new EOFException(path + " ended at offset " + (at + buffer.position()) + " while it was read (it was "
                        + size + " bytes when opened)");
            }
        }
        return new Chunk(at, bytes, length, null);
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
            queue.clear();
            try {
                thread.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            channel.close();
        } catch (IOException e) {
            // read-only: nothing to lose
        }
    }
}
