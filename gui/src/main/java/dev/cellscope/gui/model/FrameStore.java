package dev.cellscope.gui.model;

import dev.cellscope.io.Packet;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The bytes of any indexed frame, straight from the capture file (mapped read-only), so the index
 * need not hold them: the detail tree and the hex pane of the selected frame read them here.
 */
public final class FrameStore implements AutoCloseable {
    private final FrameIndex index;
    private final Arena arena = Arena.ofShared();
    private final Path path;
    private volatile MemorySegment file;

    public FrameStore(Path path, FrameIndex index) throws IOException {
        this.index = index;
        this.path = path;
        this.file = map();
    }

    private MemorySegment map() throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        }
    }

    /**
     * The mapping, mapped again over the whole file when it has grown past {@code end} (a live
     * capture's spool); the older mappings stay valid until {@link #close()}.
     */
    private MemorySegment covering(long end) {
        MemorySegment f = file;
        if (end <= f.byteSize()) return f;
        synchronized (this) {
            if (end > file.byteSize()) {
                try {
                    file = map();
                } catch (IOException | IllegalStateException e) {
                    return file;
                }
            }
            return file;
        }
    }

    /** Frame {@code i} (0-based) as the session read it, its bytes copied out of the mapping; null if they cannot be found. */
    public Packet packet(int i) {
        long at = index.dataOffset(i);
        int len = index.capturedLength(i);
        MemorySegment file = covering(at + len);
        if (at < 0 || at + len > file.byteSize()) return null;
        byte[] bytes = file.asSlice(at, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        return new Packet(i + 1, index.timeNanos(i), 0, index.linkType(i), index.originalLength(i),
                MemorySegment.ofArray(bytes), null);
    }

    /**
     * Frame {@code i} (0-based) over the mapping itself, no copy: for a pass over many frames (the
     * index filter); valid until {@link #close()}. Null if its bytes are not in the file.
     */
    public Packet view(int i) {
        long at = index.dataOffset(i);
        int len = index.capturedLength(i);
        MemorySegment file = covering(at + len);
        if (at < 0 || at + len > file.byteSize()) return null;
        return new Packet(i + 1, index.timeNanos(i), 0, index.linkType(i), index.originalLength(i), file.asSlice(at, len), null);
    }

    @Override
    public void close() {
        arena.close();
    }
}
