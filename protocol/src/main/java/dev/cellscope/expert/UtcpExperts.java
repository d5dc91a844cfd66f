package dev.cellscope.expert;

import static dev.cellscope.expert.ExpertGroup.*;
import static dev.cellscope.expert.ExpertInfo.*;

/** Findings about UTCP packets and conversations (the dissector and the conversation analysis). */
public final class UtcpExperts {
    private UtcpExperts() {}

    // Packet decoding.
    public static final ExpertInfo TRUNCATED = error("utcp.truncated", MALFORMED,
            "The UTCP header is cut short");
    public static final ExpertInfo LEN_SNAPLEN = note("utcp.len_past_capture", MALFORMED,
            "payload_len reaches past the captured bytes because snaplen cut the frame");
    public static final ExpertInfo LEN_EXCEEDS = error("utcp.len_exceeds", MALFORMED,
            "payload_len exceeds the bytes the frame holds");
    public static final ExpertInfo RESERVED_FLAGS = warn("utcp.reserved_flags", PROTOCOL,
            "Reserved UTCP flag bits are set");
    public static final ExpertInfo NACK_LEN_BAD = error("utcp.nack_len_bad", MALFORMED,
            "A NACK's payload_len is not a whole number of 8-byte ranges");
    public static final ExpertInfo NACK_RANGE_EMPTY = warn("utcp.nack_range_empty", PROTOCOL,
            "A NACK range asks for 0 seqs");

    // Conversation analysis, per packet.
    public static final ExpertInfo OPENED = chat("utcp.opened", SEQUENCE,
            "A SYN opens a direction with its initial seq");
    public static final ExpertInfo SYN_CHANGED = warn("utcp.syn_changed", SEQUENCE,
            "A SYN again, with an initial seq other than the first SYN's, while its sender still talks on the connection: ignored, as the peer ignores it");
    public static final ExpertInfo RECONNECTED = chat("utcp.reconnected", SEQUENCE,
            "A SYN with a new initial seq after its sender's FIN (or a second of its silence) starts a new stream of the same CellID pair");
    public static final ExpertInfo CLOSED = chat("utcp.closed", SEQUENCE,
            "A FIN closes a direction");
    public static final ExpertInfo FIN_ACKED = chat("utcp.fin_acked", SEQUENCE,
            "The peer acknowledges the other direction's FIN");
    public static final ExpertInfo DATA_AFTER_FIN = warn("utcp.data_after_fin", SEQUENCE,
            "DATA beyond the seq of this direction's FIN");
    public static final ExpertInfo PAYLOAD_LATE = note("utcp.payload_late", SEQUENCE,
            "Payload arrived after reassembly had given up its place in the stream");
    public static final ExpertInfo DATA_CHANGED = error("utcp.data_changed", SEQUENCE,
            "A seq seen before comes again with different data");
    public static final ExpertInfo RETRANSMISSION = note("utcp.retransmission", SEQUENCE,
            "A seq re-sent because a NACK asked for it");
    public static final ExpertInfo DUPLICATE = note("utcp.duplicate", SEQUENCE,
            "A seq seen before, sent again without a NACK asking for it");
    public static final ExpertInfo OUT_OF_ORDER = note("utcp.out_of_order", SEQUENCE,
            "A seq below the highest seen so far in its direction, not seen before");
    public static final ExpertInfo GAP = warn("utcp.gap", SEQUENCE,
            "Seqs are missing before this packet's");
    public static final ExpertInfo TAP_MISSED = warn("utcp.tap_missed", SEQUENCE,
            "The seqs missing before this packet were never NACKed nor re-sent: the tap, not the peers, lost them");
    public static final ExpertInfo UNKNOWN_CELL = warn("utcp.unknown_cell", SECURITY,
            "A CellID that is not in the address book");
    public static final ExpertInfo HOLE_GIVEN_UP = warn("utcp.hole_given_up", SEQUENCE,
            "Out-of-order bytes held behind a hole reached the direction's cap or the capture's budget: the oldest hole was given up");
    public static final ExpertInfo CONVERSATION_FLOOD = warn("utcp.conversation_flood", SECURITY,
            "More live conversations than the analysis keeps; the oldest are forgotten (possible scan or flood)");

    // Conversation analysis, at the end of the capture.
    public static final ExpertInfo NACK_UNANSWERED = warn("utcp.nack_unanswered", SEQUENCE,
            "NACKed ranges of a stream were never re-sent (seqs an SBI answer proved delivered are owed none: the peer ignores such a NACK)");
    public static final ExpertInfo TAP_LOSS = warn("utcp.tap_loss", SEQUENCE,
            "DATA seqs the peers exchanged but the tap never saw, as a share of all");
    public static final ExpertInfo HOLES_GIVEN_UP = warn("utcp.holes_given_up", SEQUENCE,
            "Holes given up over the capture to keep the out-of-order bytes held within their bounds");
    public static final ExpertInfo CONVERSATIONS_FORGOTTEN = warn("utcp.conversations_forgotten", SECURITY,
            "Conversations were forgotten to keep the analysis within its limit");
}
