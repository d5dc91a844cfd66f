package dev.cellscope.live;

import java.lang.foreign.MemorySegment;

/**
 * Frames handed from a backend's capture thread to the reader in one step, so the two threads
 * meet once per batch (a libpcap dispatch, a ring block) rather than once per frame. Each frame
 * is a heap segment: a {@code byte[]} of its own, or a slice of one array holding a whole ring
 * block's frames (one allocation and one copy per block); the {@link dev.cellscope.io.Packet}
 * made of it then owns it.
 * Filled by one thread, then read by another after {@link FrameQueue#put} (which publishes it).
 */
public final class FrameBatch {
    final MemorySegment[] data;
    final long[] timestamps;
    final int[] originalLengths;
    int size;

    public FrameBatch(int capacity) {
        data = new MemorySegment[capacity];
        timestamps = new long[capacity];
        originalLengths = new int[capacity];
    }

    public boolean full() {
        return size == data.length;
    }

    public int size() {
        return size;
    }

    /** Adds a frame captured at {@code timestampNanos} (since 1970) that was {@code originalLength} bytes on the wire. */
    public void add(long timestampNanos, int originalLength, byte[] bytes) {
        add(timestampNanos, originalLength, MemorySegment.ofArray(bytes));
    }

    /** As {@link #add(long, int, byte[])}, for a heap segment no one else writes to. */
    public void add(long timestampNanos, int originalLength, MemorySegment bytes) {
        data[size] = bytes;
        timestamps[size] = timestampNanos;
        originalLengths[size] = originalLength;
        size++;
    }
}
