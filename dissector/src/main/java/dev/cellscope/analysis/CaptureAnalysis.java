package dev.cellscope.analysis;

import dev.cellscope.dissect.Expert;

import java.util.List;

/**
 * The analysis state of one capture read in order: UTCP conversations and their UTCP-SBI
 * streams, and the Tether credit ledger. The dissector feeds it frame by frame and shows what it says. For a two-pass read
 * (tshark's {@code -2}) a {@link #firstPass} records links to later frames that a
 * {@link #secondPass} then shows on the earlier ones.
 */
public final class CaptureAnalysis {
    private final UtcpAnalysis utcp;
    private final TetherLedger tether = new TetherLedger();
    private final ForwardLinks recorded;

    private final BlockVerifier verifier;

    private CaptureAnalysis(AnalysisConfig config, ForwardLinks record, ForwardLinks links) {
        this.recorded = record;
        // One verifier per analysis: it reuses its decompression contexts and buffer (not thread-safe).
        this.verifier = config.verifyBlocks() ? new BlockVerifier() : null;
        SbiAnalysis sbi = new SbiAnalysis(verifier == null ? null : verifier::verify, record, links);
        this.utcp = new UtcpAnalysis(config, sbi, record, links);
    }

    /** A single pass: links to later frames are not known. */
    public static CaptureAnalysis singlePass(AnalysisConfig config) {
        return new CaptureAnalysis(config, null, null);
    }

    /** The first of two passes: records links to later frames. */
    public static CaptureAnalysis firstPass(AnalysisConfig config) {
        return new CaptureAnalysis(config, new ForwardLinks(), null);
    }

    /** The second pass, showing what {@code first} recorded; call after {@code first.finish()}. */
    public static CaptureAnalysis secondPass(AnalysisConfig config, CaptureAnalysis first) {
        if (first.recorded == null) throw new IllegalArgumentException("not a first pass");
        return new CaptureAnalysis(config, null, first.recorded);
    }

    public UtcpAnalysis utcp() {
        return utcp;
    }

    public TetherLedger tether() {
        return tether;
    }

    /** End of capture: findings about the capture as a whole (unanswered NACKs, tap loss…); frees the verifier. */
    public List<Expert> finish() {
        if (verifier != null) verifier.close();
        return utcp.finish();
    }
}
