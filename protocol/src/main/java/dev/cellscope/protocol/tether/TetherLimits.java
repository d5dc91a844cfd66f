package dev.cellscope.protocol.tether;

/** Tether sizes, magic and fixed values (PROTOCOLS.md section 3). */
public final class TetherLimits {
    private TetherLimits() {}

    /** Frames are whole 64-byte blocks. */
    public static final int BLOCK = 64;
    /** The header is the first block. */
    public static final int HEADER_SIZE = BLOCK;
    /** "OBOL", read as a u32 in the header's byte order ({@code 4C 4F 42 4F} little-endian on the wire). */
    public static final int MAGIC = 0x4F424F4C;
    /** Flow 0 is the control plane; flows 1-65535 carry data. */
    public static final int CONTROL_FLOW = 0;
    public static final int MAX_FLOW = 0xFFFF;
    /** A control payload's body starts after {tag u32, reserved u32}. */
    public static final int CONTROL_BODY_OFFSET = 8;
    /** What a Hail sent by cellscope announces. */
    public static final long HAIL_VERSION = 1, HAIL_CAPABILITIES = 0;
    /** IDs are 48-bit. */
    public static final int ID_BITS = 48;
}
