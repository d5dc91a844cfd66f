package dev.cellscope.replay;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Selected frames copied out of the capture into native memory, ready for the transmitter to send
 * from where they lie (sendmmsg points at them). A chunk holds at most {@link #MAX_FRAMES} frames or
 * {@link #MAX_BYTES} bytes, so a streamed replay holds a bounded number of chunks in memory.
 * Filled by one thread, then handed over (through a queue) to the sending thread and read only.
 */
public final class FrameChunk implements AutoCloseable {
    static final int MAX_FRAMES = 4096;
    static final long MAX_BYTES = 4L << 20;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory;
    private final MemorySegment[] frames = new MemorySegment[MAX_FRAMES];
    private final long[] timestamps = new long[MAX_FRAMES];
    private int count;
    private long used;

    /** A chunk with room for at least one frame of {@code firstFrameBytes} (a large frame gets a chunk of its own size). */
    FrameChunk(long firstFrameBytes) {
        memory = arena.allocate(Math.max(MAX_BYTES, firstFrameBytes), 16);
    }

    /** Copies a frame in; false when it does not fit (the chunk is full). */
    boolean add(long timestampNanos, MemorySegment data) {
        long size = data.byteSize();
        if (count == MAX_FRAMES || used + size > memory.byteSize()) return false;
        MemorySegment slot = memory.asSlice(used, size);
        slot.copyFrom(data);
        frames[count] = slot;
        timestamps[count] = timestampNanos;
        count++;
        used += (size + 15) & ~15L; // keep frames 16-byte aligned
        return true;
    }

    public int size() {
        return count;
    }

    /** The frames, to send from; only the first {@link #size()} are set. */
    MemorySegment[] frames() {
        return frames;
    }

    long timestamp(int i) {
        return timestamps[i];
    }

    /** Frees the native memory; the frames must no longer be in flight (sendmmsg has returned). */
    @Override
    public void close() {
        arena.close();
    }
}
