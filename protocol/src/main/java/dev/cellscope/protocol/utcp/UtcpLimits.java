package dev.cellscope.protocol.utcp;

/** UTCP sizes and limits that follow from the header layout (PROTOCOLS.md section 2). */
public final class UtcpLimits {
    private UtcpLimits() {}

    /** Header bytes before the payload. */
    public static final int HEADER_SIZE = 40;
    /** A CellID: SipHash-128 of the node's Ed25519 key. */
    public static final int CELLID_SIZE = 16;
    /** payload_len is a u16. */
    public static final int MAX_PAYLOAD = 0xFFFF;
    /** One NACK range: {first u32, count u32}. */
    public static final int NACK_RANGE_SIZE = 8;
    /** Ranges that fit in one NACK payload. */
    public static final int MAX_NACK_RANGES = MAX_PAYLOAD / NACK_RANGE_SIZE;
}
