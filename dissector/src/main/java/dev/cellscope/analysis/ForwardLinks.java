package dev.cellscope.analysis;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Links from a frame to frames that come after it, found by a first pass over the capture and
 * shown by the second (tshark's {@code -2}): reassembled_in, response_in, answered_in, put_in,
 * tap loss, and the stream holes that were given up (never filled), so that the second pass
 * delivers what follows them on its own frame. Kept sparse: only frames that have such a link
 * take memory.
 */
public final class ForwardLinks {
    private final Map<Long, Frames> reassembledIn = new HashMap<>();
    private final Map<Long, Frames> answeredIn = new HashMap<>();
    /** A message: the frame that completed it and its msg_index (a frame may complete several). */
    private record Message(long frame, long index) {}

    private final Map<Message, Long> responseIn = new HashMap<>();
    private final Map<Message, Long> putIn = new HashMap<>();
    private final Set<Long> tapLossGaps = new HashSet<>();

    /**
     * The frames one frame links to, in the order found. Grows by doubling: one NACK may be
     * answered by millions of retransmissions, and copying per link would be quadratic.
     */
    private static final class Frames {
        long[] values = new long[1];
        int size;

        void add(long value) {
            if (size > 0 && values[size - 1] == value) return;
            if (size == values.length) values = java.util.Arrays.copyOf(values, Math.max(4, size * 2));
            values[size++] = value;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }

    private static void append(Map<Long, Frames> m, long key, long value) {
        m.computeIfAbsent(key, k -> new Frames()).add(value);
    }

    private static long[] get(Map<Long, Frames> m, long key) {
        Frames f = m.get(key);
        return f == null ? NONE : f.toArray();
    }

    private static final long[] NONE = new long[0];

    void reassembledIn(long carrier, long completing) {
        if (carrier != completing) append(reassembledIn, carrier, completing);
    }

    void answeredIn(long nackFrame, long retransmission) {
        append(answeredIn, nackFrame, retransmission);
    }

    void responseIn(long requestFrame, long requestIndex, long response) {
        responseIn.putIfAbsent(new Message(requestFrame, requestIndex), response);
    }

    void putIn(long wantFrame, long wantIndex, long put) {
        putIn.putIfAbsent(new Message(wantFrame, wantIndex), put);
    }

    void recordTapLoss(long gapFrame) {
        tapLossGaps.add(gapFrame);
    }

    long[] reassembledIn(long frame) {
        return get(reassembledIn, frame);
    }

    long[] answeredIn(long frame) {
        return get(answeredIn, frame);
    }

    long responseIn(long frame, long index) {
        return responseIn.getOrDefault(new Message(frame, index), -1L);
    }

    long putIn(long frame, long index) {
        return putIn.getOrDefault(new Message(frame, index), -1L);
    }

    boolean isTapLoss(long frame) {
        return tapLossGaps.contains(frame);
    }

    /** A hole of one direction's stream: conversation index, direction, first missing position. */
    private record Hole(int stream, int direction, long from) {}

    private final Map<Hole, Long> givenUp = new HashMap<>();

    void holeGivenUp(int stream, int direction, long from, long to) {
        givenUp.put(new Hole(stream, direction, from), to);
    }

    /** The end of the hole given up from {@code from}, or -1 when none was. */
    long holeGivenUpUntil(int stream, int direction, long from) {
        return givenUp.getOrDefault(new Hole(stream, direction, from), -1L);
    }
}
