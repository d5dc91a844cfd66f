package dev.cellscope.protocol.sbi;

/**
 * What an SBI answer proves about the UTCP stream it answers (docs/DECISIONS.md, "UTCP goodput"),
 * written once for the peer and the tap. An ACK or NACK whose {@code ref_seq} is N shows that its
 * sender has the answered direction's stream up to the end of message N: UTCP delivers the stream
 * in order, so every packet holding only bytes before that end arrived
 * ({@link #packetDelivered}). Those packets are owed no re-send: a NACK for them was sent before
 * they arrived and is overtaken.
 *
 * <ul>
 *   <li>The peer ({@code endpoint} SbiPeer) records where each message it sends ends, in stream
 *       bytes, frees the proven packets from UTCP's retransmit buffer
 *       ({@code UtcpConnection.confirmDelivered}) and ignores a NACK that starts below them.</li>
 *   <li>The tap ({@code dissector} UtcpAnalysis) records where each message it reassembles ends,
 *       as the first seq not proven ({@link #seqEnd}), and gives up NACKed seqs below it instead of
 *       reporting them never re-sent ({@code utcp.nack_unanswered}), whichever of the NACK and the
 *       answer it sees first.</li>
 * </ul>
 *
 * <p>An instance holds the ends of one direction's newest messages, in the caller's unit (stream
 * bytes or seq positions), as a ring that grows from 16 to its capacity as messages go by (a
 * connection that sends little costs little): most messages are answered within a few dozen, and
 * one never answered is overwritten. An answer too old to look up, or naming a message not
 * recorded, proves nothing and is ignored.
 */
public final class SbiDeliveryProof {
    /** The peer's capacity: its retransmit buffer holds at most 4096 packets. */
    public static final int DEFAULT_CAPACITY = 4096;

    private final int capacity;
    private long[] ends = new long[16];
    /** Index the next message takes; messages {@code max(0, next - ends.length)..next-1} are held. */
    private long next;
    private long proven;

    public SbiDeliveryProof() {
        this(DEFAULT_CAPACITY);
    }

    /** @param capacity messages remembered, a power of two of at least 16 */
    public SbiDeliveryProof(int capacity) {
        if (capacity < 16 || Integer.bitCount(capacity) != 1) throw new IllegalArgumentException("capacity " + capacity);
        this.capacity = capacity;
    }

    /**
     * A packet that holds the stream's bytes up to {@code packetStreamEnd} (exclusive) is proven
     * delivered by an answer to a message that ends at {@code messageStreamEnd} when it lies wholly
     * within it. [decided] The packet holding the message's last byte counts only when the message
     * ends with it: the peer keeps (and re-sends on a NACK) a packet that carries bytes of the next
     * message, so the tap must expect that re-send too.
     */
    public static boolean packetDelivered(long packetStreamEnd, long messageStreamEnd) {
        return packetStreamEnd <= messageStreamEnd;
    }

    /**
     * The first seq an answer to a message does not prove, for a message whose last byte is in
     * packet {@code lastSeq}, which holds the stream's bytes up to {@code packetStreamEnd}: every
     * seq below it is proven delivered (the tap's form of {@link #packetDelivered}).
     */
    public static long seqEnd(long lastSeq, long packetStreamEnd, long messageStreamEnd) {
        return packetDelivered(packetStreamEnd, messageStreamEnd) ? lastSeq + 1 : lastSeq;
    }

    /**
     * Message {@code index} (the next one, in order) ends at {@code end}.
     *
     * @throws IllegalStateException when {@code index} is not the next index
     */
    public void record(long index, long end) {
        if (index != next) throw new IllegalStateException("message " + index + " out of order (expected " + next + ")");
        if (next >= ends.length && ends.length < capacity) {
            long[] bigger = new long[ends.length * 2];
            for (long i = next - ends.length; i < next; i++) bigger[(int) (i % bigger.length)] = ends[(int) (i % ends.length)];
            ends = bigger;
        }
        ends[(int) (index % ends.length)] = end;
        next++;
    }

    /** The index the next recorded message must have. */
    public long nextIndex() {
        return next;
    }

    /**
     * The end an answer to message {@code ref} proves, if that is further than any earlier proof;
     * -1 when it proves nothing new (unknown, too old, or already proven).
     */
    public long answered(long ref) {
        if (ref < 0 || ref >= next || ref < next - ends.length) return -1;
        long end = ends[(int) (ref % ends.length)];
        if (end <= proven) return -1;
        proven = end;
        return end;
    }

    /** The furthest end proven so far (0 before any answer). */
    public long proven() {
        return proven;
    }
}
