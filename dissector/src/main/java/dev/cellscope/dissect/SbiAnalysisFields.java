package dev.cellscope.dissect;

import dev.cellscope.analysis.HandshakeOutcome;
import dev.cellscope.analysis.SbiDelivery;
import dev.cellscope.analysis.SbiMessageAnalysis;
import dev.cellscope.expert.Expert;
import dev.cellscope.expert.SbiExperts;
import dev.cellscope.blocks.Verification;

import static dev.cellscope.field.SbiFields.*;

/** Emits what conversation analysis knows about a UTCP-SBI message, inside its layer. */
final class SbiAnalysisFields {
    private SbiAnalysisFields() {}

    /** Position in the stream and the frames that carried the message. */
    static void header(Dissection d, SbiMessageAnalysis a) {
        SbiDelivery m = a.delivery();
        d.number(MSG_INDEX, -1, 0, m.msgIndex());
        if (m.indexUncertain()) {
            d.expert(SbiExperts.MSG_INDEX_UNCERTAIN, "msg_index counted after a hole: messages lost in it are not counted", -1, 0);
        }
        // Listed when other frames carried it (the message may even lie wholly in earlier frames).
        if (m.carriedBy().length > 1 || m.carriedBy()[0] != d.packet.number()) {
            for (long f : m.carriedBy()) d.number(SEGMENT, -1, 0, f);
            d.number(SEGMENT_COUNT, -1, 0, m.carriedBy().length);
        }
        if (m.skippedBefore() > 0) d.number(SKIPPED, -1, 0, m.skippedBefore());
    }

    /** Links to other messages, negotiation and verification; returns extra Info words. */
    static String links(Dissection d, SbiMessageAnalysis a) {
        String info = "";
        if (a.responseTo() >= 0) d.number(RESPONSE_TO, -1, 0, a.responseTo());
        if (a.responseIn() >= 0) d.number(RESPONSE_IN, -1, 0, a.responseIn());
        if (a.wantIn() >= 0) {
            d.number(PUT_WANT_IN, -1, 0, a.wantIn());
            d.number(PUT_LATENCY, -1, 0, a.latencyNanos());
        }
        if (a.putIn() >= 0) d.number(WANT_PUT_IN, -1, 0, a.putIn());
        HandshakeOutcome h = a.handshake();
        if (h != null) {
            d.number(HANDSHAKE_INTERSECTION, -1, 0, h.intersection());
            d.number(HANDSHAKE_MISSING, -1, 0, h.missing());
            d.text(HANDSHAKE_COMPRESSION, -1, 0, h.compression());
            if (d.summary) info += h.fails() ? (h.missing() != 0 ? " [missing required features]" : " [version not 1]") : " [agreed: " + h.compression() + "]";
        }
        if (a.verification() != null) {
            Verification v = a.verification().get();
            // Data that could not be checked (a compression the tap cannot decode) is neither verified nor
            // failed: sbi.put.verified is absent, as PROTOCOLS.md and the field's description say.
            boolean checked = v.outcome() != Verification.Outcome.UNSUPPORTED_COMPRESSION;
            if (checked) d.number(PUT_VERIFIED, -1, 0, v.verified() ? 1 : 0);
            if (v.verified()) d.number(PUT_UNCOMPRESSED, -1, 0, v.uncompressedSize());
            else if (checked || !flaggedByTheDissector(a.delivery())) d.expert(finding(v), -1, 0);
            if (d.summary) info += v.verified() ? " verified" : " [" + v.outcome().name().toLowerCase(java.util.Locale.ROOT) + "]";
        }
        return info;
    }

    /**
     * Whether the BLOCK_PUT's comp_algo is one the dissector already flags {@code sbi.comp_unsupported} for
     * (reserved, experimental, unknown): the verification's unsupported_compression would say it twice.
     */
    private static boolean flaggedByTheDissector(SbiDelivery m) {
        int algo = m.bytes().get(java.lang.foreign.ValueLayout.JAVA_BYTE,
                m.offset() + dev.cellscope.wire.SbiLayouts.ENVELOPE_SIZE + dev.cellscope.wire.SbiLayouts.PREAMBLE_SIZE + 36) & 0xFF;
        return dev.cellscope.protocol.sbi.SbiCompression.of(algo).filter(dev.cellscope.protocol.sbi.SbiCompression::supported).isEmpty();
    }

    private static Expert finding(Verification v) {
        return switch (v.outcome()) {
            case HASH_MISMATCH -> new Expert(SbiExperts.HASH_MISMATCH, "hash_mismatch: " + v.detail());
            case TOO_LARGE -> new Expert(SbiExperts.DECOMPRESSION_BOMB, "Decompression bomb: " + v.detail());
            case UNSUPPORTED_COMPRESSION -> new Expert(SbiExperts.BLOCK_COMP_UNSUPPORTED, "unsupported_compression: " + v.detail());
            case CORRUPT -> new Expert(SbiExperts.BLOCK_CORRUPT, "Block data cannot be decompressed: " + v.detail());
            case VERIFIED -> throw new IllegalArgumentException("verified blocks have no finding");
        };
    }
}
