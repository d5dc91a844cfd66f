package dev.cellscope.field;

import dev.cellscope.protocol.utcp.UtcpFlags;

import static dev.cellscope.field.FieldDef.*;

/** UTCP fields (PROTOCOLS.md section 2). */
public final class UtcpFields {
    private UtcpFields() {}

    /** The flag bits, as {@link UtcpFlags} declares them (kept here for the field definitions' callers). */
    public static final long SYN = UtcpFlags.SYN, ACK = UtcpFlags.ACK, FIN = UtcpFlags.FIN, NACK = UtcpFlags.NACK,
            DATA = UtcpFlags.DATA;
    /** Bits that PROTOCOLS.md reserves; they must be zero. */
    public static final long RESERVED_MASK = UtcpFlags.RESERVED_MASK;

    public static final FieldDef UTCP = protocol("utcp", "Unikernel Transport Control Protocol", "UTCP header and payload");
    public static final FieldDef SRC = of("utcp.src", "Source CellID", FieldType.CELLID, "Sender's 128-bit CellID");
    public static final FieldDef DST = of("utcp.dst", "Destination CellID", FieldType.CELLID, "Receiver's 128-bit CellID");
    public static final FieldDef SEQ = uint("utcp.seq", "Sequence number", 32, "Packet sequence number, per direction");
    public static final FieldDef FLAGS = hex("utcp.flags", "Flags", 16, "Flag bits SYN, ACK, FIN, NACK, DATA");
    public static final FieldDef FLAGS_SYN = flag("utcp.flags.syn", "SYN", SYN, "Opens a direction; carries the initial seq");
    public static final FieldDef FLAGS_ACK = flag("utcp.flags.ack", "ACK", ACK, "Acknowledges a FIN or SYN");
    public static final FieldDef FLAGS_FIN = flag("utcp.flags.fin", "FIN", FIN, "Closes a direction");
    public static final FieldDef FLAGS_NACK = flag("utcp.flags.nack", "NACK", NACK, "Payload lists missing seq ranges");
    public static final FieldDef FLAGS_DATA = flag("utcp.flags.data", "DATA", DATA, "Payload carries stream data");
    public static final FieldDef FLAGS_RESERVED = flag("utcp.flags.reserved", "Reserved", RESERVED_MASK, "Reserved bits (must be zero)");
    public static final FieldDef LEN = uint("utcp.len", "Payload length", 16, "Bytes of payload after the 40-byte header");
    public static final FieldDef PAYLOAD = of("utcp.payload", "Payload", FieldType.BYTES, "UTCP payload bytes");
    public static final FieldDef NACK_ENTRY = protocol("utcp.nack", "Missing range", "One NACK range {first, count}");
    public static final FieldDef NACK_FIRST = uint("utcp.nack.first", "First missing seq", 32, "First seq of a missing range");
    public static final FieldDef NACK_COUNT = uint("utcp.nack.count", "Missing count", 32, "Number of missing seqs in the range");

    public static final FieldDef STREAM = uint("utcp.stream", "Stream index", 32, "Conversation index (per CellID pair)");
    public static final FieldDef ANALYSIS = protocol("utcp.analysis", "Sequence analysis", "Results of UTCP conversation analysis");
    public static final FieldDef RETRANSMISSION = bool("utcp.analysis.retransmission", "Retransmission", "A DATA packet whose seq an earlier NACK asked for");
    public static final FieldDef DUPLICATE = bool("utcp.analysis.duplicate", "Duplicate", "A seq seen before with equal payload, not asked for by a NACK since");
    public static final FieldDef OUT_OF_ORDER = bool("utcp.analysis.out_of_order", "Out of order", "A seq below the highest seen, not seen before and not NACKed");
    public static final FieldDef GAP = bool("utcp.analysis.gap", "Gap", "The first packet after missing seqs");
    public static final FieldDef MISSING = uint("utcp.analysis.missing", "Missing before", 32, "Seqs missing before this packet (on a gap)");
    public static final FieldDef DATA_CHANGED = bool("utcp.analysis.data_changed", "Data changed", "A repeated seq whose payload differs from the first copy");
    public static final FieldDef ORIGINAL_FRAME = frame("utcp.analysis.original_frame", "Original in frame", "Frame where the tap first saw this seq");
    public static final FieldDef NACK_FRAME = frame("utcp.analysis.nack_frame", "Requested by NACK in frame", "NACK that asked for this retransmission");
    public static final FieldDef RETRANSMISSION_DELAY = of("utcp.analysis.retransmission_delay", "Time since the NACK", FieldType.RELTIME, "Delay from the NACK to this retransmission");
    public static final FieldDef ANSWERED_IN = frame("utcp.analysis.answered_in", "Answered in frame", "Retransmission answering this NACK (two-pass)");
    public static final FieldDef TAP_LOSS = bool("utcp.analysis.tap_loss", "Tap loss", "Seqs before this packet were never seen, NACKed or re-sent: the tap missed them");

    /** Fields only conversation analysis gives (state across frames): never set by a per-packet decode. */
    public static final java.util.List<FieldDef> CONVERSATION = java.util.List.of(STREAM, ANALYSIS, RETRANSMISSION, DUPLICATE,
            OUT_OF_ORDER, GAP, MISSING, DATA_CHANGED, ORIGINAL_FRAME, NACK_FRAME, RETRANSMISSION_DELAY, ANSWERED_IN, TAP_LOSS);
}
