package dev.cellscope.expert;

import static dev.cellscope.expert.ExpertGroup.*;
import static dev.cellscope.expert.ExpertInfo.*;

/** Findings about UTCP-SBI: framing, preamble, containers, the handshake and block verification. */
public final class SbiExperts {
    private SbiExperts() {}

    // Framing: the stream and its envelopes.
    public static final ExpertInfo CONTINUES = note("sbi.continues", PROTOCOL,
            "An SBI message continues past this packet");
    public static final ExpertInfo ENVELOPE_SPLIT = note("sbi.envelope_split", PROTOCOL,
            "An SBI envelope is split across packets");
    public static final ExpertInfo FRAME_LEN_RANGE = error("sbi.frame_len_range", MALFORMED,
            "invalid_frame_size: frame_len is out of range; a receiver NACKs and closes");
    public static final ExpertInfo MESSAGE_LOST = note("sbi.message_lost", SEQUENCE,
            "An SBI message lost in packets the tap never saw");
    public static final ExpertInfo RESYNC = note("sbi.resync", SEQUENCE,
            "The SBI stream resynchronised at the next message start after a hole");
    public static final ExpertInfo MSG_INDEX_UNCERTAIN = note("sbi.msg_index_uncertain", SEQUENCE,
            "msg_index counted after a hole: messages lost in it are not counted");
    public static final ExpertInfo COMPLETED_AT_END = note("sbi.completed_at_end", SEQUENCE,
            "An SBI message held behind a hole that was never filled, analysed when the capture ended (one pass; -2 shows it on its frame)");

    // Envelope, preamble and container.
    public static final ExpertInfo UNKNOWN_OP = warn("sbi.unknown_op", PROTOCOL,
            "unknown_op: the op code is not assigned");
    public static final ExpertInfo PREAMBLE_MAGIC = error("sbi.preamble_magic", MALFORMED,
            "The preamble magic is not \"SB\"");
    public static final ExpertInfo PREAMBLE_VERSION = error("sbi.preamble_version", MALFORMED,
            "malformed_container: the preamble version is not 1; a receiver NACKs and closes");
    public static final ExpertInfo PREAMBLE_FLAGS = warn("sbi.preamble_flags", PROTOCOL,
            "The preamble flags are not 0");
    public static final ExpertInfo CONTAINER_LEN = error("sbi.container_len", MALFORMED,
            "container_len is not frame_len - 24");
    public static final ExpertInfo UNKNOWN_SCHEMA = warn("sbi.unknown_schema", PROTOCOL,
            "unknown_schema: the schema fingerprint is not a known container schema");
    public static final ExpertInfo SCHEMA_OTHER_OP = warn("sbi.schema_other_op", PROTOCOL,
            "unknown_schema: the schema fingerprint belongs to another op");
    public static final ExpertInfo CONTAINER_SHORT = error("sbi.container_short", MALFORMED,
            "malformed_container: the container is shorter than its op's layout");
    public static final ExpertInfo WANT_PRIORITY = warn("sbi.want_priority", PROTOCOL,
            "A BLOCK_WANT priority that is not assigned");
    public static final ExpertInfo CAPS_RESERVED = warn("sbi.caps_reserved", PROTOCOL,
            "Reserved capability bits are set");
    public static final ExpertInfo COMP_UNSUPPORTED = warn("sbi.comp_unsupported", PROTOCOL,
            "unsupported_compression: comp_algo is reserved or experimental; a receiver rejects it");
    public static final ExpertInfo DAG_NODE_COUNT = error("sbi.dag_node_count", MALFORMED,
            "malformed_container: node_count needs more hash bytes than the DAG_SYNC container has");
    public static final ExpertInfo DAG_DEPTH = error("sbi.dag_depth", MALFORMED,
            "malformed_container: a DAG_SYNC depth other than 1 (the only one defined); a receiver NACKs and closes");
    public static final ExpertInfo NACK_ERROR_LEN = error("sbi.nack_error_len", MALFORMED,
            "malformed_container: a NACK's error_len exceeds the bytes after its spine");
    public static final ExpertInfo NACK_ERROR_UTF8 = error("sbi.nack_error_utf8", MALFORMED,
            "malformed_container: a NACK's error string is not valid UTF-8 (the codec, and so a peer, rejects it)");
    public static final ExpertInfo NACK_CODE_UNKNOWN = warn("sbi.nack_code_unknown", PROTOCOL,
            "A NACK error code that is not assigned");
    public static final ExpertInfo NACK_STRING_DIFFERS = note("sbi.nack_string_differs", PROTOCOL,
            "A NACK's error string differs from its code's name");

    // Conversation analysis: the handshake and what follows it.
    public static final ExpertInfo HANDSHAKE_AGREED = chat("sbi.handshake_agreed", PROTOCOL,
            "Both HANDSHAKEs seen: the common capabilities and the compression agreed");
    public static final ExpertInfo HANDSHAKE_FAILS = warn("sbi.handshake_fails", PROTOCOL,
            "Both HANDSHAKEs seen: a peer misses features the other requires");
    public static final ExpertInfo COMP_NOT_AGREED = warn("sbi.comp_not_agreed", PROTOCOL,
            "A BLOCK_PUT uses deflate or zstd, which the HANDSHAKE did not agree on (reserved ids are sbi.comp_unsupported)");
    public static final ExpertInfo MISSING_FEATURES_IGNORED = warn("sbi.missing_features_ignored", PROTOCOL,
            "A peer carries on despite missing required features instead of NACKing and closing");
    public static final ExpertInfo DATA_BEFORE_HANDSHAKE = error("sbi.data_before_handshake", PROTOCOL,
            "A data op (BLOCK_WANT, BLOCK_PUT, DAG_SYNC) before its sender's HANDSHAKE: a protocol violation, the receiver closes without a NACK");
    public static final ExpertInfo NACK_FEATURES_SPURIOUS = warn("sbi.nack_features_spurious", PROTOCOL,
            "NACK missing_required_features from a peer that was missing nothing");

    // Block verification.
    public static final ExpertInfo HASH_MISMATCH = error("sbi.hash_mismatch", CHECKSUM,
            "hash_mismatch: a BLOCK_PUT's data does not hash to its hash");
    public static final ExpertInfo DECOMPRESSION_BOMB = error("sbi.decompression_bomb", SECURITY,
            "A BLOCK_PUT decompresses beyond the size limit (decompression bomb)");
    public static final ExpertInfo BLOCK_COMP_UNSUPPORTED = warn("sbi.block_comp_unsupported", PROTOCOL,
            "A BLOCK_PUT's deflate/zstd data cannot be verified here (the decoder is unavailable); sbi.put.verified is absent");
    public static final ExpertInfo BLOCK_CORRUPT = error("sbi.block_corrupt", MALFORMED,
            "A BLOCK_PUT's data cannot be decompressed");
}
