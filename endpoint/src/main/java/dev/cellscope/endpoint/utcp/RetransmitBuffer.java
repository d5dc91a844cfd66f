package dev.cellscope.endpoint.utcp;

import dev.cellscope.protocol.sbi.SbiDeliveryProof;

/**
 * The sender's DATA packets from the oldest not yet freed to the newest written, in seq order:
 * a ring bounded by packets and payload bytes. Entries not yet sent wait here for the pacer.
 * The ring starts empty and doubles as it fills (up to the bound), so a connection that never
 * sends — an unauthenticated open — costs no 4096-slot array.
 */
final class RetransmitBuffer {

    static final class Entry {
        final long seq;
        final byte[] payload;
        /** Stream bytes written up to and including this packet: a peer that has byte {@code streamEnd - 1} has it. */
        final long streamEnd;
        /** Last time this seq went on the wire (first send or retransmission); -1 = not sent yet. */
        long lastSentAt = -1;
        boolean queuedForRetransmit;

        Entry(long seq, byte[] payload, long streamEnd) {
            this.seq = seq;
            this.payload = payload;
            this.streamEnd = streamEnd;
        }
    }

    private static final Entry[] NONE = new Entry[0];
    private Entry[] ring = NONE;
    private final int maxPackets;
    private final long maxBytes;
    private int head;
    private int size;
    private long base;
    private long bytes;
    /** Payload bytes ever appended: the stream offset just past the newest entry. */
    private long appended;

    RetransmitBuffer(int maxPackets, long maxBytes, long firstSeq) {
        this.maxPackets = maxPackets;
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
        return size == maxPackets ? 0 : maxBytes - bytes;
    }

    Entry append(byte[] payload) {
        if (size == maxPackets || bytes + payload.length > maxBytes) throw new IllegalStateException("buffer full");
        if (size == ring.length) grow();
        appended += payload.length;
        Entry e = new Entry(end(), payload, appended);
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
     * Frees, from the oldest on, packets that were sent and lie wholly within the first
     * {@code streamBytes} bytes of the stream (the peer is known to have them); returns how many.
     * The rule is {@link SbiDeliveryProof#packetDelivered}, which the tap applies too.
     */
    int releaseDelivered(long streamBytes) {
        int n = 0;
        Entry e;
        while ((e = oldest()) != null && SbiDeliveryProof.packetDelivered(e.streamEnd, streamBytes) && e.lastSentAt >= 0) {
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

    private void grow() {
        Entry[] bigger = new Entry[Math.min(maxPackets, Math.max(16, ring.length * 2))];
        for (int i = 0; i < size; i++) bigger[i] = ring[(head + i) % ring.length];
        ring = bigger;
        head = 0;
    }

    private void pop() {
        bytes -= ring[head].payload.length;
        ring[head] = null;
        head = (head + 1) % ring.length;
        size--;
        base++;
    }
}
