package dev.cellscope.dissect;

import dev.cellscope.crypto.SchemaFingerprints;
import dev.cellscope.blocks.SbiAdmission;
import dev.cellscope.expert.SbiExperts;
import dev.cellscope.field.FieldFormat;
import dev.cellscope.protocol.sbi.SbiCapability;
import dev.cellscope.protocol.sbi.SbiCompression;
import dev.cellscope.protocol.sbi.SbiErrorCode;
import dev.cellscope.protocol.sbi.SbiLimits;
import dev.cellscope.protocol.sbi.SbiOps;
import dev.cellscope.protocol.sbi.SbiPriority;
import dev.cellscope.wire.Decoded;
import dev.cellscope.wire.Layout;
import dev.cellscope.wire.SbiContainer;
import dev.cellscope.wire.SbiLayouts;
import dev.cellscope.wire.SbiNack;

import java.nio.charset.StandardCharsets;

import static dev.cellscope.field.SbiFields.*;
import static dev.cellscope.wire.SbiLayouts.*;

/**
 * UTCP-SBI messages (PROTOCOLS.md section 4). Per packet, messages are decoded when the
 * packet holds them whole, starting at the payload start; the envelope's frame_len is
 * checked before anything else, as a receiver must. Whether a container is malformed is the
 * wire codec's verdict ({@link SbiContainer#validate}), the one the peer acts on: the tap flags
 * exactly the containers a receiver rejects.
 */
final class SbiDissector {
    private SbiDissector() {}

    private static final int SPINE_PUT = BLOCK_PUT.size(), SPINE_DAG = DAG_SYNC.size(), SPINE_NACK = SbiLayouts.NACK.size();

    /** Decodes the messages of one UTCP DATA payload. */
    static void dissectPacket(Dissection d, int off, int len) {
        int pos = off, end = off + len;
        StringBuilder info = d.summary ? new StringBuilder() : null;
        while (end - pos >= ENVELOPE_SIZE) {
            long frameLen = d.u32(pos);
            int op = d.u8(pos + 4);
            if (!SbiLimits.frameLenInRange(frameLen)) {
                badFrameLen(d, pos, end - pos, frameLen, info);
                pos = end;
                break;
            }
            if (end - pos < ENVELOPE_SIZE + frameLen) {
                d.beginLayer(SBI, pos, end - pos, "sbi");
                d.emit(ENVELOPE, pos);
                if (d.summary) d.sink.appendText(": " + opName(op) + " (first " + (end - pos) + " of " + (ENVELOPE_SIZE + frameLen) + " bytes)");
                d.expert(SbiExperts.CONTINUES, "SBI message continues past this packet: "
                        + (end - pos) + " of " + (ENVELOPE_SIZE + frameLen) + " bytes here", pos, end - pos);
                d.endLayer();
                append(info, opName(op) + " [segment]");
                pos = end;
                break;
            }
            append(info, message(d, pos, (int) frameLen, op, null));
            pos += ENVELOPE_SIZE + (int) frameLen;
        }
        if (pos < end) {
            d.expert(SbiExperts.ENVELOPE_SPLIT, "SBI envelope split across packets: " + (end - pos) + " bytes here", pos, end - pos);
        }
        if (info != null && !info.isEmpty()) {
            d.protocolColumn = "UTCP-SBI";
            d.infoColumn = d.infoColumn + " " + info;
        }
    }

    static void append(StringBuilder info, String s) {
        if (info == null) return;
        if (!info.isEmpty()) info.append(", ");
        info.append(s);
    }

    private static void badFrameLen(Dissection d, int pos, int len, long frameLen, StringBuilder info) {
        boolean json = SbiLimits.startsLikeJson(frameLen);
        d.beginLayer(SBI, pos, len, "sbi");
        d.emit(ENVELOPE, pos);
        String msg = "invalid_frame_size: " + SbiLimits.frameLenOutOfRange(frameLen)
                + (json ? "; stream starts with '{': legacy JSON peer" : "") + "; a receiver NACKs and closes";
        d.expert(SbiExperts.FRAME_LEN_RANGE, msg, pos, 4);
        d.endLayer();
        append(info, json ? "legacy JSON peer" : "invalid frame_len " + frameLen);
    }

    /**
     * Messages recovered by conversation analysis and completed in this frame: decoded from the
     * frame's bytes when they lie there whole, otherwise from the reassembled bytes (offset -1).
     * Returns their Info words.
     */
    static String delivered(Dissection d, java.util.List<dev.cellscope.analysis.SbiMessageAnalysis> messages) {
        StringBuilder info = d.summary ? new StringBuilder() : null;
        for (var m : messages) {
            var msg = m.delivery();
            Dissection src = msg.frameOffset() >= 0 ? d : d.over(msg.bytes());
            int pos = msg.frameOffset() >= 0 ? msg.frameOffset() : (int) msg.offset();
            append(info, message(src, pos, msg.length() - ENVELOPE_SIZE, msg.op(), m));
        }
        return info == null ? "" : info.toString();
    }

    /** One whole message at {@code pos}; returns its Info words. */
    private static String message(Dissection d, int pos, int frameLen, int op, dev.cellscope.analysis.SbiMessageAnalysis a) {
        d.beginLayer(SBI, pos, ENVELOPE_SIZE + frameLen, "sbi");
        if (d.summary) d.sink.appendText(": " + opName(op) + ", frame_len " + frameLen);
        d.emit(ENVELOPE, pos);
        if (a != null) SbiAnalysisFields.header(d, a);
        if (!SbiOps.assigned(op)) {
            d.expert(SbiExperts.UNKNOWN_OP, "unknown_op: op " + FieldFormat.hex(op, 8) + " is not assigned ("
                    + SbiOps.Range.of(op).label() + ")", pos + 4, 1);
        }
        int p = pos + ENVELOPE_SIZE;
        preamble(d, p, frameLen, op);
        String info = container(d, p + PREAMBLE_SIZE, frameLen - PREAMBLE_SIZE, op);
        if (a != null) info += SbiAnalysisFields.links(d, a);
        d.endLayer();
        return info;
    }

    private static void preamble(Dissection d, int p, int frameLen, int op) {
        d.protocol(dev.cellscope.field.SbiFields.PREAMBLE, p, PREAMBLE_SIZE);
        d.push();
        d.emit(SbiLayouts.PREAMBLE, p);
        if (d.u16(p) != 0x5342) {
            d.expert(SbiExperts.PREAMBLE_MAGIC, "Bad preamble magic " + FieldFormat.hex(d.u16(p), 16) + " (expected \"SB\")", p, 2);
        }
        if (!SbiAdmission.preambleVersionDefined(d.u8(p + 2))) { // the peer's rule: malformed_container, closes
            d.expert(SbiExperts.PREAMBLE_VERSION, "malformed_container: preamble version " + d.u8(p + 2)
                    + ", expected 1; a receiver NACKs and closes", p + 2, 1);
        }
        if (d.u8(p + 3) != 0) d.expert(SbiExperts.PREAMBLE_FLAGS, "Preamble flags " + FieldFormat.hex(d.u8(p + 3), 8) + ", expected 0", p + 3, 1);
        long containerLen = SbiLayouts.PREAMBLE.slot("container_len").get(d.seg, p);
        if (containerLen != frameLen - PREAMBLE_SIZE) {
            d.expert(SbiExperts.CONTAINER_LEN, "container_len " + containerLen + " != frame_len - 24 = " + (frameLen - PREAMBLE_SIZE), p + 4, 4);
        }
        int schemaOp = SchemaFingerprints.opOf(d.seg, p + 8);
        d.number(SCHEMA_KNOWN, p + 8, SCHEMA_SIZE, schemaOp == op ? 1 : 0);
        if (!SbiOps.assigned(op)) {
            // no schema of its own to compare with: a receiver NACKs unknown_op before reading the fingerprint
        } else if (schemaOp < 0) {
            d.expert(SbiExperts.UNKNOWN_SCHEMA, "unknown_schema: fingerprint " + FieldFormat.hex(d.seg, p + 8, SCHEMA_SIZE)
                    + " is not a known container schema", p + 8, SCHEMA_SIZE);
        } else if (schemaOp != op) {
            d.expert(SbiExperts.SCHEMA_OTHER_OP, "unknown_schema: fingerprint belongs to " + opName(schemaOp)
                    + ", not " + opName(op), p + 8, SCHEMA_SIZE);
        }
        d.pop();
    }

    private static String container(Dissection d, int c, int len, int op) {
        Layout layout = SbiLayouts.containerOf(op);
        if (layout == null) {
            if (len > 0) d.bytes(CONTAINER, c, len);
            return "op " + FieldFormat.hex(op, 8);
        }
        Decoded.Invalid<SbiContainer> invalid = SbiContainer.validate(op, d.seg, c, len);
        if (invalid != null && invalid.offset() == 0) { // the size disagrees with the op's layout
            boolean variable = SbiLayouts.isVariable(op);
            d.expert(SbiExperts.CONTAINER_SHORT, "malformed_container: " + opName(op) + " container is " + len
                    + " bytes, needs " + (variable ? "at least " : "") + layout.size(), c, len);
            if (len > 0) d.bytes(CONTAINER, c, len);
            return opName(op) + " [malformed]";
        }
        return switch (op) {
            case OP_HANDSHAKE -> handshake(d, c);
            case OP_BLOCK_WANT -> {
                d.emit(layout, c);
                int prio = d.u8(c + 32);
                if (SbiPriority.of(prio).isEmpty()) d.expert(SbiExperts.WANT_PRIORITY, "Unknown BLOCK_WANT priority " + prio, c + 32, 1);
                yield !d.summary ? "" : "BLOCK_WANT " + FieldFormat.shortHash(d.seg, c) + (prio != 0 ? " " + name(PRIORITY_NAMES, prio) : "");
            }
            case OP_BLOCK_PUT -> blockPut(d, c, len);
            case OP_DAG_SYNC -> dagSync(d, c, len, invalid);
            case OP_ACK -> {
                d.emit(layout, c);
                long status = d.u8(c + 4);
                yield !d.summary ? "" : "ACK ref=" + ACK.slot("ref_seq").get(d.seg, c) + (status != 0 ? " status=" + status : "");
            }
            case OP_NACK -> nack(d, c, len, invalid);
            default -> throw new IllegalStateException("layout without handler: " + op);
        };
    }

    private static String handshake(Dissection d, int c) {
        long caps = HANDSHAKE.slot("capabilities").get(d.seg, c);
        for (var slot : HANDSHAKE.slots()) {
            d.emit(slot, c);
            if (slot.name().equals("capabilities")) {
                d.flagBits(caps, c + slot.offset(), 4, HANDSHAKE_CAP_DEFLATE, HANDSHAKE_CAP_ZSTD, HANDSHAKE_CAP_DEDUP, HANDSHAKE_CAP_RECOMPRESS);
            }
        }
        if ((caps & SbiCapability.RESERVED) != 0) {
            d.expert(SbiExperts.CAPS_RESERVED, "Reserved capability bits set: " + FieldFormat.hex(caps & SbiCapability.RESERVED, 32),
                    c + 32, 4);
        }
        if (!d.summary) return "";
        return "HANDSHAKE caps=" + FieldFormat.hex(caps, 4) + " req=" + FieldFormat.hex(HANDSHAKE.slot("required_features").get(d.seg, c), 4);
    }

    private static String blockPut(Dissection d, int c, int len) {
        d.emit(BLOCK_PUT, c);
        int algo = d.u8(c + 36);
        int dataLen = len - SPINE_PUT;
        d.number(PUT_DATA_LEN, c + SPINE_PUT, dataLen, dataLen);
        if (dataLen > 0) d.bytes(PUT_DATA, c + SPINE_PUT, dataLen);
        if (!SbiCompression.of(algo).filter(SbiCompression::supported).isPresent()) { // 3-14 reserved, 15 experimental
            d.expert(SbiExperts.COMP_UNSUPPORTED, "unsupported_compression: comp_algo " + algo
                    + (algo == SbiCompression.EXPERIMENTAL.id() ? " (experimental)" : " (reserved)") + "; a receiver rejects it", c + 36, 1);
        }
        if (!d.summary) return "";
        return "BLOCK_PUT " + FieldFormat.shortHash(d.seg, c) + " " + name(COMP_NAMES, algo) + " " + dataLen + "B";
    }

    /** {@code invalid}: the codec's verdict on a container of the right shape (node_count disagrees), or null. */
    private static String dagSync(Dissection d, int c, int len, Decoded.Invalid<SbiContainer> invalid) {
        d.emit(DAG_SYNC, c);
        int count = d.u8(c + 34) | d.u8(c + 35) << 8;
        int room = (len - SPINE_DAG) / HASH_SIZE;
        int depth = d.u8(c + 32) | d.u8(c + 33) << 8;
        if (!SbiAdmission.dagDepthDefined(depth)) { // the peer's rule (ObjectTransfers): malformed_container, closes
            d.expert(SbiExperts.DAG_DEPTH, "malformed_container: DAG_SYNC depth " + depth + ", only depth 1 is defined; a receiver NACKs and closes",
                    c + 32, 2);
        }
        if (invalid != null) {
            d.expert(SbiExperts.DAG_NODE_COUNT, "malformed_container: node_count " + count + " needs " + count * HASH_SIZE
                    + " bytes of hashes, container has " + (len - SPINE_DAG), c + (int) invalid.offset(), 2);
        }
        for (int i = 0; i < Math.min(count, room); i++) d.bytes(DAG_NODE, c + SPINE_DAG + i * HASH_SIZE, HASH_SIZE);
        if (!d.summary) return "";
        return "DAG_SYNC root " + FieldFormat.shortHash(d.seg, c) + " nodes=" + count;
    }

    /** {@code invalid}: the codec's verdict on a container of the right shape (error_len or the text), or null. */
    private static String nack(Dissection d, int c, int len, Decoded.Invalid<SbiContainer> invalid) {
        d.emit(SbiLayouts.NACK, c);
        long ref = SbiLayouts.NACK.slot("ref_seq").get(d.seg, c);
        int code = (int) SbiLayouts.NACK.slot("error_code").get(d.seg, c);
        int errLen = (int) SbiLayouts.NACK.slot("error_len").get(d.seg, c);
        int room = len - SPINE_NACK;
        if (invalid != null && invalid.offset() == SbiNack.errorLenOffset()) {
            d.expert(SbiExperts.NACK_ERROR_LEN, "malformed_container: error_len " + errLen + " but "
                    + room + " bytes follow the spine", c + 6, 2);
        }
        int shown = Math.min(errLen, room);
        // The sender's text, shown with its control characters escaped (FieldFormat.printable).
        String error = FieldFormat.printable(new String(d.seg.asSlice(c + SPINE_NACK, shown).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8));
        if (shown > 0) d.text(NACK_ERROR, c + SPINE_NACK, shown, error);
        if (invalid != null && invalid.offset() >= SbiNack.errorOffset()) {
            // the receiver rejects the NACK (malformed_container); shown above with replacement characters
            d.expert(SbiExperts.NACK_ERROR_UTF8, "malformed_container: NACK error string is not valid UTF-8",
                    c + SPINE_NACK, shown);
        }
        String codeName = SbiErrorCode.of(code).map(SbiErrorCode::wireName).orElse(null);
        if (codeName == null) {
            d.expert(SbiExperts.NACK_CODE_UNKNOWN, "Unknown NACK error code " + code, c + 4, 2);
        } else if (shown > 0 && !codeName.equals(error)) {
            d.expert(SbiExperts.NACK_STRING_DIFFERS, "NACK error string \"" + error + "\" differs from the code's name " + codeName, c + SPINE_NACK, shown);
        }
        if (!d.summary) return "";
        return "NACK ref=" + ref + " " + (codeName != null ? codeName : "code " + code);
    }

    static String opName(int op) {
        String n = SbiOps.name(op);
        return n != null ? n : "op " + FieldFormat.hex(op, 8);
    }

    private static String name(java.util.Map<Long, String> names, long v) {
        String n = names.get(v);
        return n != null ? n : Long.toString(v);
    }
}
