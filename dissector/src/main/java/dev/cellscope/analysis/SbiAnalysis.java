package dev.cellscope.analysis;

import dev.cellscope.blocks.SbiAdmission;
import dev.cellscope.expert.Expert;
import dev.cellscope.expert.SbiExperts;
import dev.cellscope.field.SbiFields;
import dev.cellscope.protocol.sbi.SbiCompression;
import dev.cellscope.protocol.sbi.SbiErrorCode;
import dev.cellscope.protocol.sbi.SbiNegotiation;
import dev.cellscope.wire.SbiLayouts;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What UTCP-SBI messages mean together: ACK/NACK linked to the message they answer (ref_seq is
 * the answered message's msg_index in the other direction), BLOCK_WANT linked to its BLOCK_PUT
 * by hash with the latency, the HANDSHAKE pair's outcome and peers that ignore it, and the
 * verification of every BLOCK_PUT.
 */
public final class SbiAnalysis {
    /** Outstanding BLOCK_WANTs per direction. */
    static final int WANT_MEMORY = 65_536;
    private static final int CONTAINER = SbiLayouts.ENVELOPE_SIZE + SbiLayouts.PREAMBLE_SIZE;
    private static final ValueLayout.OfInt U32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Decompresses and hash-checks a BLOCK_PUT's data, now or later. */
    @FunctionalInterface
    public interface BlockCheck {
        PendingVerification verify(int compAlgo, MemorySegment data, long off, int len, MemorySegment hash, long hashOff);
    }

    private final BlockCheck check;
    private final ForwardLinks record;
    private final ForwardLinks links;

    public SbiAnalysis(BlockCheck check, ForwardLinks record, ForwardLinks links) {
        this.check = check;
        this.record = record;
        this.links = links;
    }

    private record Want(long frame, long index, long time) {}

    private record Handshake(long caps, long required, int version) {}

    /** Per-conversation state: recent message frames, outstanding wants, the handshake pair (made on first use). */
    static final class Links {
        /** msg_index → completing frame, for the recent messages of each direction (a primitive ring). */
        private final SeqWindow[] messageFrames = new SeqWindow[2];
        @SuppressWarnings("unchecked")
        private final Map<String, Want>[] wants = new Map[2];

        SeqWindow messageFrames(int d) {
            if (messageFrames[d] == null) messageFrames[d] = new SeqWindow();
            return messageFrames[d];
        }

        Map<String, Want> wants(int d) {
            if (wants[d] == null) wants[d] = bounded(WANT_MEMORY);
            return wants[d];
        }
        final Handshake[] handshakes = new Handshake[2];
        HandshakeOutcome outcome;
        final boolean[] warnedContinuing = new boolean[2];
        /** Direction d was seen from its SYN (set by UtcpAnalysis): a data op before its HANDSHAKE is then known. */
        final boolean[] fromStart = new boolean[2];
        final boolean[] warnedEarlyData = new boolean[2];

        private static <K, V> Map<K, V> bounded(int max) {
            return new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                    return size() > max;
                }
            };
        }

        /** Whether the sender of direction {@code d} must NACK missing_required_features and close. */
        boolean mustReject(int d) {
            // The peer's rule (SbiNegotiation.rejectedBy): either side's unmet requirements, or a version other
            // than 1, fail the exchange for both.
            return outcome != null && outcome.rejectedBy(d);
        }
    }

    List<SbiMessageAnalysis> messages(Links l, int d, long frame, long ts, List<SbiDelivery> deliveries, List<Expert> findings) {
        if (deliveries.isEmpty()) return List.of();
        List<SbiMessageAnalysis> out = new ArrayList<>(deliveries.size());
        for (SbiDelivery m : deliveries) out.add(message(l, d, frame, ts, m, findings));
        return out;
    }

    /** For an ACK or NACK: its ref_seq (the msg_index it answers in the other direction), else -1. */
    static long refSeq(SbiDelivery m) {
        if ((m.op() != SbiLayouts.OP_ACK && m.op() != SbiLayouts.OP_NACK) || m.length() - CONTAINER < 4) return -1;
        return m.bytes().get(U32_LE, m.offset() + CONTAINER) & 0xFFFF_FFFFL;
    }

    private SbiMessageAnalysis message(Links l, int d, long delivering, long ts, SbiDelivery m, List<Expert> findings) {
        // A first pass names every message by the frame that completes it (not the later frame that
        // gave up a hole before it): the second pass, which gives such holes up at once, shows it there.
        long frame = record != null ? m.completedIn() : delivering;
        MemorySegment s = m.bytes();
        long c = m.offset() + CONTAINER;
        int containerLen = m.length() - CONTAINER;
        long responseTo = -1, wantIn = -1, latency = -1;
        HandshakeOutcome outcome = null;
        PendingVerification verification = null;
        if (SbiAdmission.needsHandshakeFirst(m.op()) && l.handshakes[d] == null && l.fromStart[d] && !m.indexUncertain()
                && !l.warnedEarlyData[d] && SbiAdmission.judge(s, m.offset(), m.length()) instanceof SbiAdmission.Admitted) {
            // The peer's rule (SbiPeer.dispatch): no agreed capabilities yet, "one exchange, done or dead": it closes.
            l.warnedEarlyData[d] = true;
            findings.add(new Expert(SbiExperts.DATA_BEFORE_HANDSHAKE, "Protocol violation: " + dev.cellscope.protocol.sbi.SbiOps.nameOrHex(m.op())
                    + " before this peer's HANDSHAKE; a receiver closes the connection (no NACK)"));
        }
        switch (m.op()) {
            case SbiLayouts.OP_ACK, SbiLayouts.OP_NACK -> {
                if (containerLen >= 4) {
                    long ref = refSeq(m);
                    responseTo = l.messageFrames(1 - d).frameOf(ref);
                    if (record != null && responseTo >= 0) record.responseIn(responseTo, ref, frame);
                }
                if (m.op() == SbiLayouts.OP_NACK && containerLen >= 8) nackChecks(l, d, s.get(U16_LE, c + 4) & 0xFFFF, findings);
            }
            case SbiLayouts.OP_BLOCK_WANT -> {
                if (containerLen >= 32) l.wants(d).put(hashKey(s, c), new Want(frame, m.msgIndex(), ts));
            }
            case SbiLayouts.OP_BLOCK_PUT -> {
                if (containerLen >= SbiLayouts.BLOCK_PUT.size()) {
                    Want w = l.wants(1 - d).remove(hashKey(s, c));
                    if (w != null) {
                        wantIn = w.frame();
                        latency = ts - w.time();
                        if (record != null) record.putIn(w.frame(), w.index(), frame);
                    }
                    int algo = s.get(ValueLayout.JAVA_BYTE, c + 36) & 0xFF;
                    // Reserved and experimental ids are unsupported whatever was agreed: the dissector's sbi.comp_unsupported
                    // says so once; this is for deflate/zstd the HANDSHAKEs did not agree on.
                    if (l.outcome != null && SbiCompression.of(algo).filter(SbiCompression::supported).isPresent() && !l.outcome.allows(algo)) {
                        findings.add(new Expert(SbiExperts.COMP_NOT_AGREED, "BLOCK_PUT uses " + SbiCompression.of(algo).map(SbiCompression::wireName)
                                .orElse("comp_algo " + algo) + ", which the HANDSHAKE did not agree on (common: "
                                + HandshakeOutcome.names(l.outcome.intersection()) + ")"));
                    }
                    if (check != null) {
                        int put = SbiLayouts.BLOCK_PUT.size();
                        verification = check.verify(algo, s, c + put, containerLen - put, s, c);
                    }
                }
            }
            case SbiLayouts.OP_HANDSHAKE -> {
                // The connection's HANDSHAKE is the first one the peer would admit (SbiAdmission, the peer's checks):
                // one it refuses (another op's fingerprint, a bad container, preamble version) is not, nor a second one.
                if (l.handshakes[d] == null && SbiAdmission.judge(s, m.offset(), m.length()) instanceof SbiAdmission.Admitted) {
                    outcome = handshake(l, d, s, c, findings);
                }
            }
            default -> { }
        }
        if (l.mustReject(d) && m.op() != SbiLayouts.OP_NACK && m.op() != SbiLayouts.OP_HANDSHAKE && !l.warnedContinuing[d]) {
            l.warnedContinuing[d] = true;
            findings.add(new Expert(SbiExperts.MISSING_FEATURES_IGNORED, "Peer carries on despite "
                    + (l.outcome.missing() != 0 ? "missing required features " + HandshakeOutcome.names(l.outcome.missing())
                    : "a HANDSHAKE version other than 1") + ": it should have NACKed missing_required_features and closed"));
        }
        l.messageFrames(d).record(m.msgIndex(), frame, 0, m.msgIndex() + 1);
        long responseIn = links == null ? -1 : links.responseIn(frame, m.msgIndex());
        long putIn = links == null ? -1 : links.putIn(frame, m.msgIndex());
        return new SbiMessageAnalysis(m, responseTo, responseIn, wantIn, latency, putIn, outcome, verification);
    }

    private static HandshakeOutcome handshake(Links l, int d, MemorySegment s, long c, List<Expert> findings) {
        long caps = s.get(U32_LE, c + 32) & 0xFFFF_FFFFL, required = s.get(U32_LE, c + 36) & 0xFFFF_FFFFL;
        l.handshakes[d] = new Handshake(caps, required, s.get(U16_LE, c + 48) & 0xFFFF);
        Handshake other = l.handshakes[1 - d];
        if (other == null || l.outcome != null) return null;
        Handshake first = l.handshakes[0], second = l.handshakes[1];
        l.outcome = HandshakeOutcome.of(first.caps(), first.required(), first.version(), second.caps(), second.required(), second.version());
        if (l.outcome.fails()) {
            findings.add(new Expert(SbiExperts.HANDSHAKE_FAILS, "Handshake fails: " + describe(l, l.outcome)));
        } else {
            findings.add(new Expert(SbiExperts.HANDSHAKE_AGREED, "Handshake agreed: common " + HandshakeOutcome.names(l.outcome.intersection())
                    + ", compression " + l.outcome.compression()));
        }
        return l.outcome;
    }

    private static String describe(Links l, HandshakeOutcome o) {
        StringBuilder b = new StringBuilder();
        for (int side = 0; side < 2; side++) {
            int v = l.handshakes[side].version();
            if (v != SbiNegotiation.VERSION) {
                if (!b.isEmpty()) b.append("; ");
                b.append("the ").append(side == 0 ? "first" : "second").append(" peer announces version ").append(v)
                        .append(", not ").append(SbiNegotiation.VERSION);
            }
        }
        if (o.missingAtFirst() != 0) b.append(b.isEmpty() ? "" : "; ").append("the first peer must reject: the second requires ").append(HandshakeOutcome.names(o.missingAtFirst()));
        if (o.missingAtSecond() != 0) {
            if (!b.isEmpty()) b.append("; ");
            b.append("the second peer must reject: the first requires ").append(HandshakeOutcome.names(o.missingAtSecond()));
        }
        return b.append(" (missing_required_features)").toString();
    }

    private static void nackChecks(Links l, int d, int code, List<Expert> findings) {
        if (code == SbiErrorCode.MISSING_REQUIRED_FEATURES.code() && l.outcome != null && !l.mustReject(d)) {
            findings.add(new Expert(SbiExperts.NACK_FEATURES_SPURIOUS, "NACK missing_required_features although this peer was missing nothing"));
        }
    }

    private static String hashKey(MemorySegment s, long off) {
        return dev.cellscope.field.FieldFormat.hex(s, off, 32);
    }
}
