package dev.cellscope.wire;

import static dev.cellscope.field.UtcpFields.*;

/** UTCP header and NACK range (PROTOCOLS.md section 2, network byte order). */
public final class UtcpLayouts {
    private UtcpLayouts() {}

    public static final Layout HEADER = Layout.bigEndian("UtcpHeader")
            .at(0).bytes("src_cellid", 16, SRC)
            .at(16).bytes("dst_cellid", 16, DST)
            .at(32).u32("seq", SEQ)
            .at(36).u16("flags", FLAGS)
            .at(38).u16("payload_len", LEN)
            .at(40).build();

    public static final Layout NACK_RANGE = Layout.bigEndian("UtcpNackRange")
            .u32("first", NACK_FIRST).u32("count", NACK_COUNT).at(8).build();
}
