package dev.cellscope.live.pcap;

/**
 * Frames handed from the capture thread to the reader in one step, so the two threads meet once
 * per batch rather than once per frame. Each frame keeps the byte[] libpcap's copy gave it.
 */
final class Batch {
    final byte[][] data;
    final long[] timestamps;
    final int[] originalLengths;
    int size;

    Batch(int capacity) {
        data = new byte[capacity][];
        timestamps = new long[capacity];
        originalLengths = new int[capacity];
    }

    boolean full() {
        return size == data.length;
    }

    void add(long timestampNanos, int originalLength, byte[] bytes) {
        data[size] = bytes;
        timestamps[size] = timestampNanos;
        originalLengths[size] = originalLength;
        size++;
    }
}
