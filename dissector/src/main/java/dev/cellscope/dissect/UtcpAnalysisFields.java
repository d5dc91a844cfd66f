package dev.cellscope.dissect;

import dev.cellscope.analysis.UtcpVerdict;
import dev.cellscope.expert.Expert;
import dev.cellscope.expert.UtcpExperts;

import static dev.cellscope.field.UtcpFields.*;

/** Emits conversation analysis results for a UTCP frame, inside the UTCP layer. */
final class UtcpAnalysisFields {
    private UtcpAnalysisFields() {}

    /** Returns the Info tag ("[Retransmission] "…) or "". */
    static String emit(Dissection d, UtcpVerdict v, int off) {
        d.number(STREAM, -1, 0, v.stream());
        boolean any = v.retransmission() || v.duplicate() || v.outOfOrder() || v.gap() || v.dataChanged()
                || v.answeredIn().length > 0 || v.tapLoss() || v.originalFrame() >= 0;
        if (any) {
            d.protocol(ANALYSIS, off + 32, 4);
            d.push();
            if (v.retransmission()) d.number(RETRANSMISSION, off + 32, 4, 1);
            if (v.duplicate()) d.number(DUPLICATE, off + 32, 4, 1);
            if (v.outOfOrder()) d.number(OUT_OF_ORDER, off + 32, 4, 1);
            if (v.gap()) {
                d.number(GAP, off + 32, 4, 1);
                d.number(MISSING, off + 32, 4, v.missing());
            }
            if (v.tapLoss()) d.number(TAP_LOSS, off + 32, 4, 1);
            if (v.dataChanged()) d.number(DATA_CHANGED, off + 32, 4, 1);
            if (v.originalFrame() >= 0) d.number(ORIGINAL_FRAME, -1, 0, v.originalFrame());
            if (v.nackFrame() >= 0) {
                d.number(NACK_FRAME, -1, 0, v.nackFrame());
                d.number(RETRANSMISSION_DELAY, -1, 0, v.retransmissionDelayNanos());
            }
            for (long f : v.answeredIn()) d.number(ANSWERED_IN, -1, 0, f);
            d.pop();
        }
        for (Expert e : v.findings()) d.expert(e, off, 40);
        if (v.tapLoss()) {
            d.expert(new Expert(UtcpExperts.TAP_MISSED, "The seqs missing before this packet were never NACKed nor re-sent: the tap missed them"), off + 32, 4);
        }
        if (!d.summary) return "";
        return v.retransmission() ? "[Retransmission] " : v.duplicate() ? "[Duplicate] " : v.outOfOrder() ? "[Out-Of-Order] "
                : v.gap() ? "[Gap " + v.missing() + "] " : "";
    }
}
