package dev.cellscope.session;

/**
 * Running counters of the conversation analysis that a long run reports as it goes (the probe's
 * metrics) rather than only in the end findings: loss in the capture's seq space and the memory
 * bounds the analysis hit. A snapshot taken by the analysis thread when one of them changed.
 *
 * @param tapLostSeqs           DATA seqs the peers exchanged that the tap never saw (settled gaps; {@code utcp.tap_loss} at the end)
 * @param networkLostSeqs       DATA seqs lost on the network (NACKed by the receiver)
 * @param holesGivenUp          reassembly holes given up at the per-direction cap or the held-bytes budget
 * @param conversationsForgotten conversations forgotten at the cap on live conversations
 */
public record AnalysisCounters(long tapLostSeqs, long networkLostSeqs, long holesGivenUp, long conversationsForgotten) {
    public static final AnalysisCounters NONE = new AnalysisCounters(0, 0, 0, 0);
}
