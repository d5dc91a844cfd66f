package dev.cellscope.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A whole file mapped read-only. The mapping belongs to a shared arena so that
 * {@link #close()} unmaps it at once (not whenever the GC gets to it) and so that a reader
 * opened on one thread may be drained and closed on another.
 */
final class MappedFile implements AutoCloseable {

    private final Path path;
    private final Arena arena;
    private final MemorySegment bytes;
    /** Maps pages ahead of the reader on another thread; null for small files. */
    private final PageToucher toucher;

    private MappedFile(Path path, Arena arena, MemorySegment bytes) {
        this.path = path;
        this.arena = arena;
        this.bytes = bytes;
        this.toucher = PageToucher.forMapping(bytes);
    }

    static MappedFile map(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new MappedFile(path, arena, bytes);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    Path path() {
        return path;
    }

    MemorySegment bytes() {
        return bytes;
    }

    long size() {
        return bytes.byteSize();
    }

    /** The reader has come to {@code offset} (for the page toucher; a plain store). */
    void readerAt(long offset) {
        if (toucher != null) toucher.readerAt(offset);
    }

    @Override
    public void close() {
        if (toucher != null) toucher.close();
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
