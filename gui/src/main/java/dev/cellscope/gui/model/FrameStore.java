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
    private final MemorySegment file;

    public FrameStore(Path path, FrameIndex index) throws IOException {
        this.index = index;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            this.file = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        }
    }

    /** Frame {@code i} (0-based) as the session read it, its bytes copied out of the mapping; null if they cannot be found. */
    public Packet packet(int i) {
        long at = index.dataOffset(i);
        int len = index.capturedLength(i);
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
        if (at < 0 || at + len > file.byteSize()) return null;
        return new Packet(i + 1, index.timeNanos(i), 0, index.linkType(i), index.originalLength(i), file.asSlice(at, len), null);
    }

    @Override
    public void close() {
        arena.close();
    }
}
