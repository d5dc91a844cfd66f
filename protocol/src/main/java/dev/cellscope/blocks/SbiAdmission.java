package dev.cellscope.blocks;

import dev.cellscope.crypto.SchemaFingerprints;
import dev.cellscope.protocol.sbi.SbiErrorCode;
import dev.cellscope.protocol.sbi.SbiOps;
import dev.cellscope.wire.Decoded;
import dev.cellscope.wire.SbiEnvelope;
import dev.cellscope.wire.SbiMessage;
import dev.cellscope.wire.SbiPreamble;

import java.lang.foreign.MemorySegment;

/**
 * The checks a receiver makes on one whole UTCP-SBI message before acting on it, in the order of
 * docs/ENDPOINT-SBI.md (op assigned, then the preamble fingerprint is this op's, then the container
 * decodes, then the preamble version is 1), each with its strictness-table NACK code; and the
 * rules that follow the dispatch (a data op before the sender's HANDSHAKE, DAG_SYNC depth). Written
 * once: the peer ({@code SbiPeer}) acts on the verdicts, the tap ({@code SbiAnalysis},
 * {@code SbiDissector}) takes a HANDSHAKE only when the peer would admit it and flags what the peer
 * refuses.
 */
public final class SbiAdmission {
    private SbiAdmission() {}

    /** What a receiver does with one whole message. */
    public sealed interface Verdict permits Admitted, Refused {}

    /** The message passed every check: the receiver acts on it. */
    public record Admitted(SbiMessage message) implements Verdict {}

    /** The message is refused: NACK {@code error} (and close when the table says so). */
    public record Refused(SbiErrorCode error, String detail) implements Verdict {}

    /** Judges the whole message of {@code len} bytes at {@code off} (envelope included); never throws. */
    public static Verdict judge(MemorySegment seg, long off, int len) {
        if (len < SbiEnvelope.SIZE || off < 0 || off + len > seg.byteSize()) {
            return new Refused(SbiErrorCode.MALFORMED_CONTAINER, "a message of " + len + " bytes");
        }
        int op = seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, off + 4) & 0xFF;
        if (!SbiOps.assigned(op)) return new Refused(SbiErrorCode.UNKNOWN_OP, String.format("op 0x%02x is not assigned", op));
        // The fingerprint decides how to read the container, so it is checked before the container.
        int schemaOp = SchemaFingerprints.opOf(seg.asSlice(off, len), SbiEnvelope.SIZE + 8);
        if (schemaOp != op) {
            return new Refused(SbiErrorCode.UNKNOWN_SCHEMA, schemaOp < 0 ? "unknown schema fingerprint for " + SbiOps.nameOrHex(op)
                    : "fingerprint of " + SbiOps.nameOrHex(schemaOp) + " on " + SbiOps.nameOrHex(op));
        }
        return switch (SbiMessage.decode(seg, off, len)) {
            case Decoded.Ok<SbiMessage>(SbiMessage m, int n) -> preambleVersionDefined(m.preamble().version()) ? new Admitted(m)
                    : new Refused(SbiErrorCode.MALFORMED_CONTAINER, "preamble version " + m.preamble().version());
            case Decoded.Invalid<SbiMessage> bad -> new Refused(SbiErrorCode.MALFORMED_CONTAINER, bad.cause());
            case Decoded.Incomplete<SbiMessage> inc -> new Refused(SbiErrorCode.MALFORMED_CONTAINER, inc.cause());
        };
    }

    /** As {@link #judge(MemorySegment, long, int)}, for a message that is an array of its own. */
    public static Verdict judge(byte[] message) {
        return judge(MemorySegment.ofArray(message), 0, message.length);
    }

    /** The preamble version a receiver reads; any other is malformed_container (and closes). */
    public static boolean preambleVersionDefined(int version) {
        return version == SbiPreamble.VERSION;
    }

    /** Only depth 1 is defined: any other DAG_SYNC depth is malformed_container (and closes). */
    public static boolean dagDepthDefined(int depth) {
        return depth == 1;
    }

    /**
     * Whether {@code op} needs the sender's HANDSHAKE first: a data op (BLOCK_WANT, BLOCK_PUT, DAG_SYNC)
     * before it is a protocol violation; the receiver closes without a NACK (no code fits).
     */
    public static boolean needsHandshakeFirst(int op) {
        return op == SbiOps.BLOCK_WANT || op == SbiOps.BLOCK_PUT || op == SbiOps.DAG_SYNC;
    }
}
