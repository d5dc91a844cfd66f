package dev.cellscope.endpoint.sbi;

/**
 * Where each message we sent ends in our byte stream, so that an answer (ACK or NACK, whose
 * {@code ref_seq} is the answered message's index) tells the transport how much of the stream the
 * peer has: the stream arrives in order, so a peer that answers message N has every byte up to
 * N's end. A ring of the newest {@link #CAPACITY} messages: most messages are answered within a
 * few dozen, and one that is not (an ACK of ours, never answered) is overwritten; an answer too
 * old to look up, or naming a message we never sent, proves nothing and is ignored.
 */
final class SentMessageEnds {
    static final int CAPACITY = 4096;
    private final long[] ends = new long[CAPACITY];
    /** Index the next message takes; messages {@code max(0, next - CAPACITY)..next-1} are held. */
    private long next;
    private long confirmed;

    /** Message {@code index} (the next one, in order) ends at stream offset {@code end}. */
    void sent(long index, long end) {
        if (index != next) throw new IllegalStateException("message " + index + " out of order (expected " + next + ")");
        ends[(int) (index % CAPACITY)] = end;
        next++;
    }

    /**
     * The stream offset the peer proved it has by answering message {@code ref}, if that is further
     * than any earlier proof; -1 when it proves nothing new (unknown, too old, or already confirmed).
     */
    long answered(long ref) {
        if (ref < 0 || ref >= next || ref < next - CAPACITY) return -1;
        long end = ends[(int) (ref % CAPACITY)];
        if (end <= confirmed) return -1;
        confirmed = end;
        return end;
    }
}
