package dev.cellscope.session;

import dev.cellscope.analysis.AnalysisConfig;
import dev.cellscope.dissect.DissectorConfig;

/**
 * How a session reads its source.
 *
 * @param dissector how frames are dissected (e.g. extra UDP ports)
 * @param analysis  conversation analysis to run, or null for none (dissection only, faster)
 * @param twoPass   read twice, so that frames show links to later frames (needs a re-openable source)
 * @param maxFrames stop after this many frames
 */
public record SessionOptions(DissectorConfig dissector, AnalysisConfig analysis, boolean twoPass, long maxFrames) {

    public SessionOptions {
        if (dissector == null) throw new IllegalArgumentException("dissector configuration missing");
        if (twoPass && analysis == null) throw new IllegalArgumentException("two passes only make sense with analysis");
        if (maxFrames < 0) throw new IllegalArgumentException("maxFrames < 0");
    }

    /** Every frame, dissected with the defaults and analysed with {@code analysis} (null: none), one pass. */
    public static SessionOptions of(AnalysisConfig analysis) {
        return new SessionOptions(DissectorConfig.defaults(), analysis, false, Long.MAX_VALUE);
    }

    public SessionOptions withDissector(DissectorConfig config) {
        return new SessionOptions(config, analysis, twoPass, maxFrames);
    }

    public SessionOptions withTwoPass(boolean two) {
        return new SessionOptions(dissector, analysis, two, maxFrames);
    }

    public SessionOptions withMaxFrames(long n) {
        return new SessionOptions(dissector, analysis, twoPass, n);
    }
}
