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
    /** Grows from 16 as messages go out, so a connection that sends little costs little (an unauthenticated open). */
    private long[] ends = new long[16];
    /** Index the next message takes; messages {@code max(0, next - ends.length)..next-1} are held. */
    private long next;
    private long confirmed;

    /** Message {@code index} (the next one, in order) ends at stream offset {@code end}. */
    void sent(long index, long end) {
        if (index != next) throw new IllegalStateException("message " + index + " out of order (expected " + next + ")");
        if (next >= ends.length && ends.length < CAPACITY) {
            long[] bigger = new long[ends.length * 2];
            for (long i = next - ends.length; i < next; i++) bigger[(int) (i % bigger.length)] = ends[(int) (i % ends.length)];
            ends = bigger;
        }
        ends[(int) (index % ends.length)] = end;
        next++;
    }

    /**
     * The stream offset the peer proved it has by answering message {@code ref}, if that is further
     * than any earlier proof; -1 when it proves nothing new (unknown, too old, or already confirmed).
     */
    long answered(long ref) {
        if (ref < 0 || ref >= next || ref < next - ends.length) return -1;
        long end = ends[(int) (ref % ends.length)];
        if (end <= confirmed) return -1;
        confirmed = end;
        return end;
    }
}
