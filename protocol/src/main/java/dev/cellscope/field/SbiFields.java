package dev.cellscope.field;

import dev.cellscope.protocol.sbi.SbiCapability;
import dev.cellscope.protocol.sbi.SbiCompression;
import dev.cellscope.protocol.sbi.SbiErrorCode;
import dev.cellscope.protocol.sbi.SbiOps;
import dev.cellscope.protocol.sbi.SbiPriority;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.cellscope.field.FieldDef.*;

/** UTCP-SBI fields (PROTOCOLS.md section 4). */
public final class SbiFields {
    private SbiFields() {}

    // Value names for display, taken from the vocabulary (dev.cellscope.protocol.sbi).
    public static final Map<Long, String> OP_NAMES = names(SbiOps.NAMES.entrySet().stream(), Map.Entry::getKey, Map.Entry::getValue);
    public static final Map<Long, String> COMP_NAMES = names(Arrays.stream(SbiCompression.values()), SbiCompression::id, SbiCompression::wireName);
    public static final Map<Long, String> PRIORITY_NAMES = names(Arrays.stream(SbiPriority.values()), SbiPriority::value, SbiPriority::label);
    public static final Map<Long, String> ERROR_NAMES = names(Arrays.stream(SbiErrorCode.values()), SbiErrorCode::code, SbiErrorCode::wireName);

    private static <T> Map<Long, String> names(Stream<T> values, Function<T, Integer> code, Function<T, String> name) {
        return Map.copyOf(values.collect(Collectors.toMap(v -> (long) code.apply(v), name)));
    }

    public static final FieldDef SBI = protocol("sbi", "UTCP-SBI", "One UTCP-SBI message");
    public static final FieldDef FRAME_LEN = uint("sbi.frame_len", "Frame length", 32, "Bytes of the SBI frame after the 5-byte envelope");
    public static final FieldDef OP = enumerated("sbi.op", "Op", 8, OP_NAMES, "Message type");
    public static final FieldDef MSG_INDEX = uint("sbi.msg_index", "Message index", 32, "0-based position of the message in its direction");
    public static final FieldDef PREAMBLE = protocol("sbi.preamble", "Preamble", "24-byte SBI preamble");
    public static final FieldDef PREAMBLE_MAGIC = hex("sbi.preamble.magic", "Magic", 16, "0x5342 (\"SB\")");
    public static final FieldDef PREAMBLE_VERSION = uint("sbi.preamble.version", "Version", 8, "Preamble version (1)");
    public static final FieldDef PREAMBLE_FLAGS = hex("sbi.preamble.flags", "Flags", 8, "Preamble flags (0)");
    public static final FieldDef PREAMBLE_CONTAINER_LEN = uint("sbi.preamble.container_len", "Container length", 32, "frame_len - 24");
    public static final FieldDef SCHEMA = of("sbi.schema", "Schema fingerprint", FieldType.BYTES, "First 16 bytes of BLAKE3 of the container's CLD");
    public static final FieldDef SCHEMA_KNOWN = bool("sbi.schema.known", "Schema known", "True when the fingerprint is the op's own");
    public static final FieldDef CONTAINER = of("sbi.container", "Container", FieldType.BYTES, "Container bytes of an unknown or malformed message");

    public static final FieldDef HANDSHAKE_PEER_ID = of("sbi.handshake.peer_id", "Peer id", FieldType.BYTES, "32-byte peer identity");
    public static final FieldDef HANDSHAKE_CAPABILITIES = hex("sbi.handshake.capabilities", "Capabilities", 32, "Capability bits");
    public static final FieldDef HANDSHAKE_CAP_DEFLATE = flag("sbi.handshake.capabilities.deflate", SbiCapability.HAS_DEFLATE.label(), SbiCapability.HAS_DEFLATE.mask(), "Supports deflate");
    public static final FieldDef HANDSHAKE_CAP_ZSTD = flag("sbi.handshake.capabilities.zstd", SbiCapability.HAS_ZSTD.label(), SbiCapability.HAS_ZSTD.mask(), "Supports zstd");
    public static final FieldDef HANDSHAKE_CAP_DEDUP = flag("sbi.handshake.capabilities.dedup", SbiCapability.HAS_DEDUP.label(), SbiCapability.HAS_DEDUP.mask(), "Content-addressed deduplication");
    public static final FieldDef HANDSHAKE_CAP_RECOMPRESS = flag("sbi.handshake.capabilities.recompress", SbiCapability.HAS_RECOMPRESS.label(), SbiCapability.HAS_RECOMPRESS.mask(), "Can recompress across algorithms");
    public static final FieldDef HANDSHAKE_REQUIRED = hex("sbi.handshake.required", "Required features", 32, "Features this peer requires");
    public static final FieldDef HANDSHAKE_OPTIONAL = hex("sbi.handshake.optional", "Optional features", 32, "Features this peer supports optionally");
    public static final FieldDef HANDSHAKE_BLOCK_SIZE = uint("sbi.handshake.block_size", "Block size", 32, "Volume block size");
    public static final FieldDef HANDSHAKE_VERSION = uint("sbi.handshake.version", "Version", 16, "Protocol version");
    public static final FieldDef HANDSHAKE_REPLICA_COUNT = uint("sbi.handshake.replica_count", "Replica count", 8, "Scattered SB replica count");

    public static final FieldDef WANT_HASH = of("sbi.want.hash", "Block hash", FieldType.BYTES, "BLAKE3 CID of the wanted block");
    public static final FieldDef WANT_PRIORITY = enumerated("sbi.want.priority", "Priority", 8, PRIORITY_NAMES, "0 normal, 1 high, 2 critical");

    public static final FieldDef PUT_HASH = of("sbi.put.hash", "Block hash", FieldType.BYTES, "BLAKE3 CID of the uncompressed block");
    public static final FieldDef PUT_CHUNK_INDEX = uint("sbi.put.chunk_index", "Chunk index", 32, "Chunk position within its file");
    public static final FieldDef PUT_COMP_ALGO = enumerated("sbi.put.comp_algo", "Compression", 8, COMP_NAMES, "0 none, 1 deflate (zlib), 2 zstd; 3-15 rejected");
    public static final FieldDef PUT_COMP_LEVEL = uint("sbi.put.comp_level", "Compression level", 8, "Level used (0 = default)");
    public static final FieldDef PUT_DATA_LEN = uint("sbi.put.data_len", "Data length", 32, "Bytes of (compressed) DATA after the spine");
    public static final FieldDef PUT_DATA = of("sbi.put.data", "Data", FieldType.BYTES, "The block's (compressed) bytes");
    public static final FieldDef PUT_VERIFIED = bool("sbi.put.verified", "Verified", "BLAKE3(decompress(DATA)) == block_hash; absent when not checked");

    public static final FieldDef DAG_ROOT = of("sbi.dag.root", "Root hash", FieldType.BYTES, "Merkle DAG root CID");
    public static final FieldDef DAG_DEPTH = uint("sbi.dag.depth", "Depth", 16, "Tree depth");
    public static final FieldDef DAG_NODE_COUNT = uint("sbi.dag.node_count", "Node count", 16, "Number of node hashes");
    public static final FieldDef DAG_NODE = of("sbi.dag.node", "Node hash", FieldType.BYTES, "A node hash (repeated)");

    public static final FieldDef ACK_REF_SEQ = uint("sbi.ack.ref_seq", "Ref seq", 32, "msg_index of the acknowledged message (other direction)");
    public static final FieldDef ACK_STATUS = uint("sbi.ack.status", "Status", 8, "0 = ok");

    public static final FieldDef NACK_REF_SEQ = uint("sbi.nack.ref_seq", "Ref seq", 32, "msg_index of the rejected message (other direction)");
    public static final FieldDef NACK_ERROR_CODE = enumerated("sbi.nack.error_code", "Error code", 16, ERROR_NAMES, "Machine-readable error code");
    public static final FieldDef NACK_ERROR_LEN = uint("sbi.nack.error_len", "Error length", 16, "Bytes of the error string");
    public static final FieldDef NACK_ERROR = of("sbi.nack.error", "Error", FieldType.STRING, "UTF-8 error string (the code's name)");

    public static final FieldDef SEGMENT = frame("sbi.segment", "Carried in frame", "A frame that carried part of this message (repeated)");
    public static final FieldDef SEGMENT_COUNT = uint("sbi.segment.count", "Frames carrying it", 32, "Number of frames that carried the message");
    public static final FieldDef SKIPPED = uint("sbi.resync.skipped", "Bytes skipped", 32, "Bytes skipped after a hole before this message start was found");
    public static final FieldDef PUT_WANT_IN = frame("sbi.put.want_in", "Wanted in frame", "BLOCK_WANT this BLOCK_PUT answers");
    public static final FieldDef PUT_LATENCY = of("sbi.put.latency", "Time since the WANT", FieldType.RELTIME, "Delay from the BLOCK_WANT to this BLOCK_PUT");
    public static final FieldDef PUT_UNCOMPRESSED = uint("sbi.put.uncompressed_len", "Uncompressed length", 32, "Bytes after decompression (when verified)");
    public static final FieldDef WANT_PUT_IN = frame("sbi.want.put_in", "Answered by BLOCK_PUT in frame", "BLOCK_PUT answering this BLOCK_WANT (two-pass)");
    public static final FieldDef HANDSHAKE_INTERSECTION = hex("sbi.handshake.intersection", "Common capabilities", 32, "Both peers' capabilities ANDed (on the second HANDSHAKE)");
    public static final FieldDef HANDSHAKE_MISSING = hex("sbi.handshake.missing", "Missing required features", 32, "Required features one side lacks (non-zero: NACK and close)");
    public static final FieldDef HANDSHAKE_COMPRESSION = of("sbi.handshake.compression", "Chosen compression", FieldType.STRING, "zstd, deflate or none, by the sender preference order");
    public static final FieldDef REASSEMBLED_IN = frame("sbi.reassembled_in", "Reassembled in", "Frame that completes the message this frame carries part of");
    public static final FieldDef RESPONSE_TO = frame("sbi.response_to", "Response to", "Frame of the message this ACK/NACK answers");
    public static final FieldDef RESPONSE_IN = frame("sbi.response_in", "Response in", "Frame of the ACK/NACK answering this message");

    /** Fields only stream reassembly and message analysis give (state across frames): never set by a per-packet decode. */
    public static final java.util.List<FieldDef> CONVERSATION = java.util.List.of(MSG_INDEX, SEGMENT, SEGMENT_COUNT, SKIPPED,
            PUT_WANT_IN, PUT_LATENCY, PUT_UNCOMPRESSED, PUT_VERIFIED, WANT_PUT_IN, HANDSHAKE_INTERSECTION, HANDSHAKE_MISSING,
            HANDSHAKE_COMPRESSION, REASSEMBLED_IN, RESPONSE_TO, RESPONSE_IN);
}
