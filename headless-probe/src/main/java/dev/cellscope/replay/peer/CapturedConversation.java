package dev.cellscope.replay.peer;

import dev.cellscope.wire.Bytes;

import java.util.List;

/**
 * One UTCP-SBI conversation of a capture: the two CellIDs (the initiator sent the first SYN) and
 * the messages each side wrote, in stream order.
 *
 * @param stream         its number among the capture's conversations (0-based, in order of first frame)
 * @param initiator      the CellID that opened it
 * @param responder      the CellID it was opened to
 * @param fromInitiator  the initiator's messages
 * @param fromResponder  the responder's messages
 * @param problem        why the messages cannot be cut from the capture (no SYN, seqs missing), or null; the
 *                       message lists are then empty
 */
public record CapturedConversation(int stream, Bytes initiator, Bytes responder,
                                   List<CapturedMessage> fromInitiator, List<CapturedMessage> fromResponder, String problem) {
    public CapturedConversation {
        fromInitiator = List.copyOf(fromInitiator);
        fromResponder = List.copyOf(fromResponder);
    }

    /** The messages {@code side} sent. */
    public List<CapturedMessage> sentBy(Side side) {
        return side == Side.INITIATOR ? fromInitiator : fromResponder;
    }

    /** The CellID of {@code side}. */
    public Bytes cellId(Side side) {
        return side == Side.INITIATOR ? initiator : responder;
    }

    /** Which side of a conversation is replayed. */
    public enum Side {
        INITIATOR, RESPONDER;

        public Side other() {
            return this == INITIATOR ? RESPONDER : INITIATOR;
        }
    }
}
