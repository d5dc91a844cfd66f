package dev.cellscope.endpoint.utcp;

/**
 * The sender's DATA packets from the oldest not yet freed to the newest written, in seq order:
 * a ring bounded by packets and payload bytes. Entries not yet sent wait here for the pacer.
 */
final class RetransmitBuffer {

    static final class Entry {
        final long seq;
        final byte[] payload;
        /** Last time this seq went on the wire (first send or retransmission); -1 = not sent yet. */
        long lastSentAt = -1;
        boolean queuedForRetransmit;

        Entry(long seq, byte[] payload) {
            this.seq = seq;
            this.payload = payload;
        }
    }

    private final Entry[] ring;
    private final long maxBytes;
    private int head;
    private int size;
    private long base;
    private long bytes;

    RetransmitBuffer(int maxPackets, long maxBytes, long firstSeq) {
        this.ring = new Entry[maxPackets];
        this.maxBytes = maxBytes;
        this.base = firstSeq;
    }

    /** Oldest seq still held (everything below was freed). */
    long base() {
        return base;
    }

    /** The seq the next appended packet takes. */
    long end() {
        return base + size;
    }

    int size() {
        return size;
    }

    long bytes() {
        return bytes;
    }

    /** Payload bytes that fit now, in whole room: 0 when out of packet slots. */
    long room() {
        return size == ring.length ? 0 : maxBytes - bytes;
    }

    Entry append(byte[] payload) {
        if (size == ring.length || bytes + payload.length > maxBytes) throw new IllegalStateException("buffer full");
        Entry e = new Entry(end(), payload);
        ring[(head + size) % ring.length] = e;
        size++;
        bytes += payload.length;
        return e;
    }

    Entry get(long seq) {
        if (seq < base || seq >= end()) return null;
        return ring[(int) ((head + (seq - base)) % ring.length)];
    }

    Entry oldest() {
        return size == 0 ? null : ring[head];
    }

    /** Frees every seq below {@code seq}; returns how many were freed. */
    int releaseBelow(long seq) {
        int n = 0;
        while (size > 0 && base < seq) {
            pop();
            n++;
        }
        return n;
    }

    /**
     * Frees, from the oldest on, packets last sent at or before {@code sentBy} and below
     * {@code keepFrom}; stops at the first that does not qualify, so the buffer stays contiguous.
     */
    int releaseSentBy(long sentBy, long keepFrom) {
        int n = 0;
        Entry e;
        while ((e = oldest()) != null && e.seq < keepFrom && e.lastSentAt >= 0 && e.lastSentAt <= sentBy
                && !e.queuedForRetransmit) {
            pop();
            n++;
        }
        return n;
    }

    private void pop() {
        bytes -= ring[head].payload.length;
        ring[head] = null;
        head = (head + 1) % ring.length;
        size--;
        base++;
    }
}
