package dev.cellscope.replay.peer;

import dev.cellscope.output.Json;
import dev.cellscope.protocol.sbi.SbiOps;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.Decoded;
import dev.cellscope.wire.SbiAck;
import dev.cellscope.wire.SbiBlockPut;
import dev.cellscope.wire.SbiBlockWant;
import dev.cellscope.wire.SbiDagSync;
import dev.cellscope.wire.SbiHandshake;
import dev.cellscope.wire.SbiMessage;
import dev.cellscope.wire.SbiNack;

import java.util.List;

/**
 * What a peer's message says, in the terms a replay compares (issue 15): the op, the ref_seq and
 * status or error code of an ACK/NACK, the block hash of a BLOCK_PUT or BLOCK_WANT, the root and
 * node list of a DAG_SYNC, the capabilities and required features of a HANDSHAKE. Decoded with the
 * protocol module's codec; a message it cannot decode keeps its op and the decoder's reason.
 *
 * @param index   msg_index of the message in its direction
 * @param op      the envelope's op (or -1 when even that could not be read)
 * @param refSeq  ACK/NACK ref_seq, else -1
 * @param code    ACK status or NACK error_code, else -1
 * @param hash    BLOCK_PUT/BLOCK_WANT block hash or DAG_SYNC root (hex), else ""
 * @param nodes   DAG_SYNC node CIDs (hex), else empty
 * @param detail  HANDSHAKE "caps=0x.. req=0x..", a NACK's error text, or why it did not decode; else ""
 */
public record Answer(int index, int op, long refSeq, int code, String hash, List<String> nodes, String detail) implements PeerAnswer {
    public Answer {
        nodes = List.copyOf(nodes);
    }

    public static Answer of(int index, byte[] message) {
        Decoded<SbiMessage> d = SbiMessage.decode(message);
        int op = message.length > 4 ? message[4] & 0xFF : -1;
        if (!(d instanceof Decoded.Ok<SbiMessage>(SbiMessage m, int _))) {
            String why = d instanceof Decoded.Invalid<SbiMessage> inv ? inv.cause() : "incomplete";
            return new Answer(index, op, -1, -1, "", List.of(), "undecodable: " + why);
        }
        return switch (m.container()) {
            case SbiAck a -> new Answer(index, m.op(), a.refSeq(), a.status(), "", List.of(), "");
            case SbiNack n -> new Answer(index, m.op(), n.refSeq(), n.errorCode(), "", List.of(), n.error());
            case SbiBlockPut p -> new Answer(index, m.op(), -1, -1, p.hash().hex(), List.of(), "");
            case SbiBlockWant w -> new Answer(index, m.op(), -1, -1, w.hash().hex(), List.of(), "");
            case SbiDagSync s -> new Answer(index, m.op(), -1, -1, s.root().hex(), s.nodes().stream().map(Bytes::hex).toList(), "");
            case SbiHandshake h -> new Answer(index, m.op(), -1, -1, "", List.of(),
                    "caps=0x" + Long.toHexString(h.capabilities()) + " req=0x" + Long.toHexString(h.requiredFeatures()));
            default -> new Answer(index, m.op(), -1, -1, "", List.of(), "");
        };
    }

    public String opName() {
        return op < 0 ? "?" : SbiOps.nameOrHex(op);
    }

    /** One line: {@code ACK ref=2 status=0}, {@code DAG_SYNC root ae02… nodes=3}, … */
    @Override
    public String describe() {
        StringBuilder b = new StringBuilder(opName());
        if (refSeq >= 0) b.append(" ref=").append(refSeq);
        if (code >= 0) b.append(op == SbiOps.NACK ? " error=" : " status=").append(code);
        if (!hash.isEmpty()) b.append(op == SbiOps.DAG_SYNC ? " root " : " block ").append(hash);
        if (op == SbiOps.DAG_SYNC) b.append(" nodes=").append(nodes.size());
        if (!detail.isEmpty()) b.append(' ').append(detail);
        return b.toString();
    }

    @Override
    public String json() {
        StringBuilder b = new StringBuilder("{\"index\": ").append(index).append(", \"op\": ");
        Json.quote(opName(), b);
        if (refSeq >= 0) b.append(", \"ref_seq\": ").append(refSeq);
        if (code >= 0) b.append(op == SbiOps.NACK ? ", \"error_code\": " : ", \"status\": ").append(code);
        if (!hash.isEmpty()) {
            b.append(op == SbiOps.DAG_SYNC ? ", \"root\": " : ", \"block_hash\": ");
            Json.quote(hash, b);
        }
        if (!nodes.isEmpty()) {
            b.append(", \"nodes\": [");
            for (int i = 0; i < nodes.size(); i++) {
                if (i > 0) b.append(", ");
                Json.quote(nodes.get(i), b);
            }
            b.append(']');
        }
        if (!detail.isEmpty()) {
            b.append(", \"detail\": ");
            Json.quote(detail, b);
        }
        return b.append('}').toString();
    }
}
