package dev.cellscope.field;

import dev.cellscope.protocol.tether.TetherControlTags;
import dev.cellscope.protocol.tether.TetherFlags;
import dev.cellscope.protocol.tether.TetherLimits;

import java.util.Map;

import static dev.cellscope.field.FieldDef.*;

/** Tether fields (PROTOCOLS.md section 3). */
public final class TetherFields {
    private TetherFields() {}

    /** Flag bits and control tags as {@link TetherFlags} and {@link TetherControlTags} declare them. */
    public static final long LAMP = TetherFlags.LAMP, SYNC = TetherFlags.SYNC;
    public static final int TAG_HAIL = TetherControlTags.HAIL, TAG_DEFINE = TetherControlTags.DEFINE,
            TAG_MANIFEST = TetherControlTags.MANIFEST, TAG_NACK = TetherControlTags.NACK,
            TAG_SIDEBAND = TetherControlTags.SIDEBAND;
    public static final Map<Long, String> TAG_NAMES = TetherControlTags.NAMES;
    public static final Map<Long, String> CHECKSUM_STATUS = Map.of(0L, "unverified", 1L, "good", 2L, "bad");

    public static final FieldDef TETHER = protocol("tether", "Tether", "Tether frame (64-byte header block and payload blocks)");
    public static final FieldDef MAGIC = hex("tether.magic", "Magic", 32, String.format("0x%08x (\"OBOL\")", TetherLimits.MAGIC));
    public static final FieldDef FLOW = uint("tether.flow", "Flow", 16, "Flow id; 0 is the control plane");
    public static final FieldDef FLAGS = hex("tether.flags", "Flags", 8, "Flag bits LAMP, SYNC");
    public static final FieldDef FLAGS_LAMP = flag("tether.flags.lamp", "LAMP", LAMP, "Speculative (Lamp) transmission: spends no credit");
    public static final FieldDef FLAGS_SYNC = flag("tether.flags.sync", "SYNC", SYNC, "Synchronisation flag");
    public static final FieldDef RESERVED = uint("tether.reserved", "Reserved", 8, "Reserved byte (must be 0)");
    public static final FieldDef SENDER = of("tether.sender", "Sender", FieldType.TETHER_ID, "48-bit sender identity");
    public static final FieldDef TARGET = of("tether.target", "Target", FieldType.TETHER_ID, "48-bit target identity");
    public static final FieldDef TAI64N_NANO = uint("tether.tai64n.nano", "TAI64N nanoseconds", 32, "Nanosecond part of the send time");
    public static final FieldDef SLOT = uint("tether.slot", "Slot", 64, "Slot id; data lands at slot * slot_size");
    public static final FieldDef GRANT = uint("tether.grant", "Grant", 64, "Bytes of credit granted to the target on this flow");
    public static final FieldDef NACK_SLOT = uint("tether.nack_slot", "NACK slot", 64, "Singleton NACK: the sender misses this slot (0 = none)");
    public static final FieldDef CHECKSUM = hex("tether.checksum", "Checksum", 64, "CRC-64/GO-ISO over the frame with this field zeroed");
    public static final FieldDef CHECKSUM_STATUS_FIELD = symbol("tether.checksum.status", "Checksum status", CHECKSUM_STATUS, "good, bad or unverified");
    public static final FieldDef TAI64N_SEC = hex("tether.tai64n.sec", "TAI64 label", 64, "TAI64 label: 2^62 + TAI seconds since 1970");
    public static final FieldDef TAI64N = of("tether.tai64n", "Send time (UTC)", FieldType.ABSTIME, "Sender's TAI64N time converted to UTC");
    public static final FieldDef BLOCKS = uint("tether.blocks", "Blocks", 32, "Number of 64-byte blocks including the header");
    public static final FieldDef PAYLOAD = of("tether.payload", "Payload", FieldType.BYTES, "Raw data blocks of a data flow");

    public static final FieldDef CTRL = protocol("tether.ctrl", "Control block", "Flow 0 control payload");
    public static final FieldDef CTRL_TAG = enumerated("tether.ctrl.tag", "Tag", 32, TAG_NAMES, "Control tag: 1 Hail, 2 Define, 3 Manifest, 4 Nack, 5 Sideband");
    public static final FieldDef CTRL_RESERVED = uint("tether.ctrl.reserved", "Reserved", 32, "Reserved word after the tag");
    public static final FieldDef HAIL_VERSION = uint("tether.hail.version", "Version", 32, "Hail protocol version");
    public static final FieldDef HAIL_CAPABILITIES = hex("tether.hail.capabilities", "Capabilities", 32, "Hail capability bits");
    public static final FieldDef DEFINE_FLOW = uint("tether.define.flow", "Target flow", 16, "Flow being defined");
    public static final FieldDef DEFINE_SLOT_SIZE = uint("tether.define.slot_size", "Slot size", 32, "Bytes per slot");
    public static final FieldDef DEFINE_TOTAL_BYTES = uint("tether.define.total_bytes", "Total bytes", 64, "Bytes the flow will carry");
    public static final FieldDef MANIFEST_FLOW = uint("tether.manifest.flow", "Target flow", 16, "Flow being closed");
    public static final FieldDef MANIFEST_CHECKSUM = hex("tether.manifest.checksum", "Checksum", 64, "Checksum of the flow's content (hi << 32 | lo)");
    public static final FieldDef MANIFEST_TOTAL_SLOTS = uint("tether.manifest.total_slots", "Total slots", 64, "Slots the flow carried");
    public static final FieldDef MANIFEST_TOTAL_FRAMES = uint("tether.manifest.total_frames", "Total frames", 64, "Frames the flow carried");
    public static final FieldDef NACK_FLOW = uint("tether.nack.flow", "Target flow", 16, "Flow whose slots are missing");
    public static final FieldDef NACK_COUNT = uint("tether.nack.count", "Count", 32, "Number of missing slots listed");
    public static final FieldDef NACK_SLOT_LIST = uint("tether.nack.slot", "Missing slot", 64, "A missing slot (repeated)");
    public static final FieldDef SIDEBAND_FLOW = uint("tether.sideband.flow", "Target flow", 16, "Flow the sideband refers to");
    public static final FieldDef SIDEBAND_ATTENTION = hex("tether.sideband.attention", "Attention", 16, "Attention bits");
    public static final FieldDef SIDEBAND_COUNT = uint("tether.sideband.count", "Count", 32, "Number of tranches listed");
    public static final FieldDef SIDEBAND_TRANCHE = uint("tether.sideband.tranche", "Tranche", 64, "A tranche (repeated)");

    public static final FieldDef ANALYSIS = protocol("tether.analysis", "Credit analysis", "Results of Tether credit accounting");
    public static final FieldDef OVERRUN = bool("tether.analysis.overrun", "Grant overrun", "Sent with too little credit");
    public static final FieldDef CREDIT_BEFORE = signed("tether.analysis.credit", "Credit before", 64, "Sender's credit towards the target on this flow before the frame");
    public static final FieldDef SPENT = uint("tether.analysis.spent", "Spent", 64, "Bytes of credit this frame spends (0 for LAMP)");
    public static final FieldDef CREDIT_AFTER = signed("tether.analysis.credit_after", "Credit after", 64, "Credit left after the frame");
    public static final FieldDef RESENT = bool("tether.analysis.resent", "Slot re-sent", "A data slot an earlier NACK asked for (whether or not the tap saw the original)");
    public static final FieldDef RESENT_NACK_FRAME = frame("tether.analysis.nack_frame", "NACKed in frame", "Frame whose NACK this re-sent slot answers");
    public static final FieldDef DELAY = of("tether.analysis.delay", "Sender-to-tap delay", FieldType.RELTIME, "Capture time minus the TAI64N send time");
    public static final FieldDef MANIFEST_MATCH = bool("tether.analysis.manifest_match", "Manifest matches",
            "On a Manifest: 1 when its totals match the slots and frames the tap saw on the flow (and its checksum the content's"
                    + " CRC-64, when the tap saw every slot whole), 0 when not");

    /** Fields only the credit ledger gives (state across frames): never set by a per-packet decode. */
    public static final java.util.List<FieldDef> CONVERSATION = java.util.List.of(ANALYSIS, OVERRUN, CREDIT_BEFORE, SPENT,
            CREDIT_AFTER, RESENT, RESENT_NACK_FRAME, DELAY, MANIFEST_MATCH);
}
