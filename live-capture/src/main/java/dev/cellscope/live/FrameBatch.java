package dev.cellscope.live;

/**
 * Frames handed from a backend's capture thread to the reader in one step, so the two threads
 * meet once per batch (a libpcap dispatch, a ring block) rather than once per frame. Each frame
 * is a {@code byte[]} of its own, which the {@link dev.cellscope.io.Packet} made of it then owns.
 * Filled by one thread, then read by another after {@link FrameQueue#put} (which publishes it).
 */
public final class FrameBatch {
    final byte[][] data;
    final long[] timestamps;
    final int[] originalLengths;
    int size;

    public FrameBatch(int capacity) {
        data = new byte[capacity][];
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
        data[size] = bytes;
        timestamps[size] = timestampNanos;
        originalLengths[size] = originalLength;
        size++;
    }
}
