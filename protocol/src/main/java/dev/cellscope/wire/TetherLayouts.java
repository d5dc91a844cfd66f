package dev.cellscope.wire;

import dev.cellscope.protocol.tether.TetherLimits;

import static dev.cellscope.field.TetherFields.*;

/**
 * Tether header and control bodies (PROTOCOLS.md section 3), little-endian.
 * Control bodies are laid out from payload byte 8, after {tag u32, reserved u32}.
 */
public final class TetherLayouts {
    private TetherLayouts() {}

    public static final int BLOCK = TetherLimits.BLOCK;
    public static final int MAGIC_VALUE = TetherLimits.MAGIC;
    /** Payload offset of a control body (after tag and reserved). */
    public static final int CTRL_BODY = TetherLimits.CONTROL_BODY_OFFSET;

    public static final Layout HEADER = Layout.littleEndian("TetherHeader")
            .at(0).u32("magic", MAGIC)
            .at(4).u16("flow_id", FLOW)
            .at(6).u8("flags", FLAGS)
            .at(7).u8("reserved", RESERVED)
            .at(8).u32("sender_id_hi", null)
            .at(12).u16("sender_id_lo", null)
            .at(14).u16("target_id_hi", null)
            .at(16).u32("target_id_lo", null)
            .at(20).u32("tai64n_nano", TAI64N_NANO)
            .at(24).u64("slot_id", SLOT)
            .at(32).u64("grant_amount", GRANT)
            .at(40).u64("nack_slot", NACK_SLOT)
            .at(48).u64("checksum", CHECKSUM)
            .at(56).u64("tai64n_sec", TAI64N_SEC)
            .at(64).build();

    public static final Layout CTRL_PREFIX = Layout.littleEndian("TetherControl")
            .u32("tag", CTRL_TAG).u32("reserved", CTRL_RESERVED).at(CTRL_BODY).build();

    public static final Layout HAIL = Layout.littleEndian("Hail")
            .u32("version", HAIL_VERSION).u32("capabilities", HAIL_CAPABILITIES).at(8).build();

    public static final Layout DEFINE = Layout.littleEndian("Define")
            .u16("target_flow", DEFINE_FLOW).u16("reserved", null).u32("slot_size", DEFINE_SLOT_SIZE)
            .u64("total_bytes", DEFINE_TOTAL_BYTES).at(16).build();

    /**
     * [decided by cellscope] The table lists u16,u16,u32,u32,u64,u64 and says fields are
     * naturally aligned, as an extern struct lays them out: that puts 4 bytes of padding
     * before total_slots, which therefore sits at body offset 16.
     */
    public static final Layout MANIFEST = Layout.littleEndian("Manifest")
            .u16("target_flow", MANIFEST_FLOW).u16("reserved", null).u32("checksum_lo", null)
            .u32("checksum_hi", null).u32("_pad", null)
            .at(16).u64("total_slots", MANIFEST_TOTAL_SLOTS).u64("total_frames", MANIFEST_TOTAL_FRAMES).at(32).build();

    /** Bulk Nack spine; {@code count} u64 slots follow at body offset 8. */
    public static final Layout NACK = Layout.littleEndian("Nack")
            .u16("target_flow", NACK_FLOW).u16("reserved", null).u32("count", NACK_COUNT).at(8).build();

    /** Sideband spine; {@code count} u64 tranches follow at body offset 8. */
    public static final Layout SIDEBAND = Layout.littleEndian("Sideband")
            .u16("target_flow", SIDEBAND_FLOW).u16("attention", SIDEBAND_ATTENTION).u32("count", SIDEBAND_COUNT)
            .at(8).build();
}
