package dev.cellscope.endpoint.transport;

import java.net.InetSocketAddress;

/**
 * Datagrams for one destination gathered into one buffer, so that one system call sends them all
 * (UDP segmentation offload). The kernel's rule for such a send: every datagram but the last has
 * the same size, and the last may be shorter. So a batch takes a payload when it goes to the same
 * destination, is no longer than the first, and the batch is neither full nor already ended by a
 * shorter one. Not thread-safe: {@link UdpLink} holds its send lock around it.
 */
final class SegmentBatch {
    private final int maxSegments;
    private final byte[] buffer;
    private InetSocketAddress to;
    private int length, segmentSize, count;
    private boolean ended;

    SegmentBatch(int maxSegments, int maxBytes) {
        this.maxSegments = maxSegments;
        this.buffer = new byte[maxBytes];
    }

    /** Whether {@link #add} may append {@code size} bytes for {@code dest}; always true when empty (unless larger than the buffer). */
    boolean accepts(InetSocketAddress dest, int size) {
        if (count == 0) return size <= buffer.length;
        return !ended && size <= segmentSize && count < maxSegments && length + size <= buffer.length && dest.equals(to);
    }

    /** Appends a payload that {@link #accepts} allowed. */
    void add(InetSocketAddress dest, byte[] payload) {
        if (!accepts(dest, payload.length)) throw new IllegalStateException("batch does not take " + payload.length + " bytes");
        if (count == 0) {
            to = dest;
            segmentSize = payload.length;
        } else if (payload.length < segmentSize) {
            ended = true; // a shorter datagram can only be the last
        }
        System.arraycopy(payload, 0, buffer, length, payload.length);
        length += payload.length;
        count++;
    }

    boolean isEmpty() {
        return count == 0;
    }

    int count() {
        return count;
    }

    InetSocketAddress to() {
        return to;
    }

    byte[] buffer() {
        return buffer;
    }

    int length() {
        return length;
    }

    /** The size of every datagram but the last. */
    int segmentSize() {
        return segmentSize;
    }

    void clear() {
        to = null;
        length = segmentSize = count = 0;
        ended = false;
    }
}
