package dev.cellscope.expert;

import static dev.cellscope.expert.ExpertGroup.*;
import static dev.cellscope.expert.ExpertInfo.*;

/** Findings about Tether frames, control messages and the credit ledger. */
public final class TetherExperts {
    private TetherExperts() {}

    // Frame decoding.
    public static final ExpertInfo TRUNCATED = error("tether.truncated", MALFORMED,
            "The Tether frame is shorter than one 64-byte block");
    public static final ExpertInfo BIG_ENDIAN = note("tether.big_endian", PROTOCOL,
            "The header is big-endian (the wire order is little-endian); decoded as big-endian");
    public static final ExpertInfo LEN_NOT_BLOCKS = error("tether.len_not_blocks", MALFORMED,
            "The frame length is not a multiple of 64 bytes");
    public static final ExpertInfo UNDEFINED_FLAGS = warn("tether.undefined_flags", PROTOCOL,
            "Flag bits other than Lamp and Sync are set");
    public static final ExpertInfo RESERVED_NONZERO = warn("tether.reserved_nonzero", PROTOCOL,
            "The reserved header byte is not 0");
    public static final ExpertInfo CRC_BAD = error("tether.crc_bad", CHECKSUM,
            "The CRC-64/GO-ISO carried differs from the one computed");
    public static final ExpertInfo CRC_UNVERIFIED = note("tether.crc_unverified", CHECKSUM,
            "The CRC-64/GO-ISO is not verified: snaplen cut the frame, so bytes it covers were not captured");
    public static final ExpertInfo TIME_IMPLAUSIBLE = warn("tether.time_implausible", PROTOCOL,
            "The TAI64N send time is not a plausible time");
    public static final ExpertInfo ETH_SRC_MISMATCH = note("tether.eth_src_mismatch", PROTOCOL,
            "The Ethernet source differs from the Tether sender id");
    public static final ExpertInfo ETH_DST_MISMATCH = note("tether.eth_dst_mismatch", PROTOCOL,
            "The Ethernet destination differs from the Tether target id");

    // Control messages.
    public static final ExpertInfo CTRL_UNKNOWN_TAG = warn("tether.ctrl.unknown_tag", PROTOCOL,
            "A control message with a tag cellscope does not know");
    public static final ExpertInfo CTRL_BODY_SHORT = error("tether.ctrl.body_short", MALFORMED,
            "A control message body is shorter than its layout");
    public static final ExpertInfo CTRL_COUNT_OVERRUN = error("tether.ctrl.count_overrun", MALFORMED,
            "A control list's count needs more bytes than the body holds");

    // The ledger: slots, NACKs, grants, Lamps and Manifests.
    public static final ExpertInfo RESEND_NACKED = chat("tether.resend_nacked", SEQUENCE,
            "A slot re-sent after a NACK asked for it");
    public static final ExpertInfo RESEND_UNREQUESTED = note("tether.resend_unrequested", SEQUENCE,
            "A slot sent again without a NACK asking for it");
    public static final ExpertInfo SLOT_TRACKING_FULL = note("tether.slot_tracking_full", SEQUENCE,
            "A flow's slot tracking is full: its slot counts become lower bounds");
    public static final ExpertInfo FLOW_TABLE_FULL = warn("tether.flow_table_full", PROTOCOL,
            "The ledger's flow table is full: frames of further flows are not accounted");
    public static final ExpertInfo CLOCK_AHEAD = note("tether.clock_ahead", PROTOCOL,
            "The sender's clock is ahead of the tap's (send time after capture time)");
    public static final ExpertInfo GRANT_OVERRUN = error("tether.grant_overrun", CREDIT,
            "A sender spends more bytes than its grant allows");
    public static final ExpertInfo LAMP_NOT_HAIL = note("tether.lamp_not_hail", PROTOCOL,
            "A Lamp carries something other than a Hail");
    public static final ExpertInfo HAIL_ANSWERS = chat("tether.hail_answers", PROTOCOL,
            "A Hail answers a Lamp");
    public static final ExpertInfo LAMP_REPLY_NOT_HAIL = note("tether.lamp_reply_not_hail", PROTOCOL,
            "The reply to a Lamp is not a Hail");
    public static final ExpertInfo FLOW_UNDEFINED = note("tether.flow_undefined", PROTOCOL,
            "Data on a flow that no Define announced");
    public static final ExpertInfo SLOT_BEYOND_END = warn("tether.slot_beyond_end", PROTOCOL,
            "A slot beyond the end of its flow as the Define sized it");
    public static final ExpertInfo DEFINE_ZERO_SLOT = note("tether.define_zero_slot", PROTOCOL,
            "A Define with slot size 0");
    public static final ExpertInfo MANIFEST_MATCH = chat("tether.manifest_match", SEQUENCE,
            "A Manifest agrees with the slots and frames the tap saw");
    public static final ExpertInfo MANIFEST_MISMATCH = warn("tether.manifest_mismatch", SEQUENCE,
            "A Manifest disagrees with the slots and frames the tap saw");
    public static final ExpertInfo MANIFEST_CHECKSUM_BAD = error("tether.manifest_checksum_bad", CHECKSUM,
            "A Manifest's checksum differs from the CRC-64 of the flow's content the tap saw");
    public static final ExpertInfo SLOT_LENGTH = error("tether.slot_length", MALFORMED,
            "A data frame's payload is not its slot's bytes in whole blocks, as the Define sized them");
    public static final ExpertInfo NACK_UNANSWERED = warn("tether.nack_unanswered", SEQUENCE,
            "Slots of a flow whose Manifest came, NACKed and never re-sent by the end of the capture");
    public static final ExpertInfo NACK_FLOW_ZERO = note("tether.nack_flow_zero", PROTOCOL,
            "A bulk Nack for flow 0, which carries no data slots");
    public static final ExpertInfo NACK_SLOT_FLOW_ZERO = note("tether.nack_slot_flow_zero", PROTOCOL,
            "A header nack_slot on flow 0, which carries no data slots");
    public static final ExpertInfo NACK_TRACKING_FULL = warn("tether.nack_tracking_full", SEQUENCE,
            "A flow's outstanding NACKs exceed the limit: further NACKed slots are not tracked");
}
