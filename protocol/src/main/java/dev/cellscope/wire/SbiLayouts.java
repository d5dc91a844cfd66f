package dev.cellscope.wire;

import dev.cellscope.protocol.sbi.SbiLimits;
import dev.cellscope.protocol.sbi.SbiOps;

import java.util.List;

import static dev.cellscope.field.SbiFields.*;

/**
 * UTCP-SBI envelope, preamble and the six containers (PROTOCOLS.md section 4). The
 * container layouts' {@link Layout#cld()} are exactly the CLD texts whose BLAKE3 gives
 * the schema fingerprints.
 */
public final class SbiLayouts {
    private SbiLayouts() {}

    public static final int ENVELOPE_SIZE = 5;
    public static final int PREAMBLE_SIZE = SbiLimits.PREAMBLE_SIZE;
    public static final int MAX_FRAME = SbiLimits.MAX_FRAME_LEN;
    // The op codes are the vocabulary's; these aliases keep the layouts' switch statements short.
    public static final int OP_HANDSHAKE = SbiOps.HANDSHAKE, OP_BLOCK_WANT = SbiOps.BLOCK_WANT, OP_BLOCK_PUT = SbiOps.BLOCK_PUT,
            OP_DAG_SYNC = SbiOps.DAG_SYNC, OP_ACK = SbiOps.ACK, OP_NACK = SbiOps.NACK;
    public static final int HASH_SIZE = 32;
    public static final int SCHEMA_SIZE = 16;

    /** Envelope: frame_len u32 big-endian, op u8. */
    public static final Layout ENVELOPE = Layout.bigEndian("SbiEnvelope")
            .u32("frame_len", FRAME_LEN).u8("op", OP).at(ENVELOPE_SIZE).build();

    public static final Layout PREAMBLE = Layout.littleEndian("SbiPreamble")
            .at(0).bytes("magic", 2, PREAMBLE_MAGIC)
            .at(2).u8("version", PREAMBLE_VERSION)
            .at(3).u8("flags", PREAMBLE_FLAGS)
            .at(4).u32("container_len", PREAMBLE_CONTAINER_LEN)
            .at(8).bytes("schema", SCHEMA_SIZE, SCHEMA)
            .at(PREAMBLE_SIZE).build();

    public static final Layout HANDSHAKE = Layout.littleEndian("SbiHandshake")
            .bytes("peer_id", 32, HANDSHAKE_PEER_ID)
            .at(32).u32("capabilities", HANDSHAKE_CAPABILITIES)
            .at(36).u32("required_features", HANDSHAKE_REQUIRED)
            .at(40).u32("optional_features", HANDSHAKE_OPTIONAL)
            .at(44).u32("block_size", HANDSHAKE_BLOCK_SIZE)
            .at(48).u16("version", HANDSHAKE_VERSION)
            .at(50).u8("replica_count", HANDSHAKE_REPLICA_COUNT)
            .at(51).u8("_pad", null)
            .at(52).build();

    public static final Layout BLOCK_WANT = Layout.littleEndian("SbiBlockWant")
            .bytes("block_hash", 32, WANT_HASH).at(32).u8("priority", WANT_PRIORITY).at(33).build();

    public static final Layout BLOCK_PUT = Layout.littleEndian("SbiBlockPut")
            .bytes("block_hash", 32, PUT_HASH)
            .at(32).u32("chunk_index", PUT_CHUNK_INDEX)
            .at(36).u8("comp_algo", PUT_COMP_ALGO)
            .at(37).u8("comp_level", PUT_COMP_LEVEL)
            .at(38).bytes("_pad", 2, null)
            .at(40).build();

    public static final Layout DAG_SYNC = Layout.littleEndian("SbiDagSync")
            .bytes("root_hash", 32, DAG_ROOT).at(32).u16("depth", DAG_DEPTH).at(34).u16("node_count", DAG_NODE_COUNT)
            .at(36).build();

    public static final Layout ACK = Layout.littleEndian("SbiAck")
            .u32("ref_seq", ACK_REF_SEQ).at(4).u8("status", ACK_STATUS).at(5).bytes("_pad", 3, null).at(8).build();

    public static final Layout NACK = Layout.littleEndian("SbiNack")
            .u32("ref_seq", NACK_REF_SEQ).at(4).u16("error_code", NACK_ERROR_CODE).at(6).u16("error_len", NACK_ERROR_LEN)
            .at(8).build();

    /** An op's container layout (its fixed part), or null for an unassigned op. */
    public static Layout containerOf(int op) {
        return switch (op) {
            case OP_HANDSHAKE -> HANDSHAKE;
            case OP_BLOCK_WANT -> BLOCK_WANT;
            case OP_BLOCK_PUT -> BLOCK_PUT;
            case OP_DAG_SYNC -> DAG_SYNC;
            case OP_ACK -> ACK;
            case OP_NACK -> NACK;
            default -> null;
        };
    }

    /** True when the op's container has a variable part after the fixed layout. */
    public static boolean isVariable(int op) {
        return op == OP_BLOCK_PUT || op == OP_DAG_SYNC || op == OP_NACK;
    }

    /** All six container layouts in op order. */
    public static final List<Layout> CONTAINERS = List.of(HANDSHAKE, BLOCK_WANT, BLOCK_PUT, DAG_SYNC, ACK, NACK);
}
