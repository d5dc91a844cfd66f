package dev.cellscope.analysis;

import dev.cellscope.expert.Expert;
import dev.cellscope.blocks.BlockCodec;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The analysis state of one capture read in order: UTCP conversations and their UTCP-SBI
 * streams, and the Tether credit ledger. The dissector feeds it frame by frame and shows what it says. For a two-pass read
 * (tshark's {@code -2}) a {@link #firstPass} records links to later frames that a
 * {@link #secondPass} then shows on the earlier ones.
 */
public final class CaptureAnalysis implements FrameAnalysis {
    private final UtcpAnalysis utcp;
    private final TetherLedger tether = new TetherLedger();
    private final ForwardLinks recorded;

    private final BlockCodec verifier;

    private CaptureAnalysis(AnalysisConfig config, ForwardLinks record, ForwardLinks links) {
        this.recorded = record;
        SbiAnalysis.BlockCheck check = null;
        if (!config.verifyBlocks()) {
            this.verifier = null;
        } else if (config.parallelVerification()) {
            // Blocks are independent: verify them on the worker threads while the stream goes on.
            this.verifier = null;
            check = (algo, data, off, len, hash, hashOff) -> new PendingVerification(java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> VerificationPool.verifier().verify(algo, data, off, len, hash, hashOff), VerificationPool.executor()));
        } else {
            // One verifier per analysis: it reuses its decompression contexts and buffer (not thread-safe).
            this.verifier = new BlockCodec();
            check = (algo, data, off, len, hash, hashOff) -> PendingVerification.done(verifier.verify(algo, data, off, len, hash, hashOff));
        }
        // A block carried again (replicated to several peers, put again after a loss) is verified once.
        if (check != null) check = new RepeatedBlocks(check);
        SbiAnalysis sbi = new SbiAnalysis(check, record, links);
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

    @Override
    public UtcpVerdict utcp(long frame, long ts, MemorySegment seg, long off, int present, int payloadFrameOffset) {
        return utcp.observe(frame, ts, seg, off, present, payloadFrameOffset);
    }

    @Override
    public TetherFrameResult tether(long frame, long ts, MemorySegment seg, long off, int len, int wireLen, ByteOrder headerOrder, boolean badChecksum) {
        if (badChecksum) return tether.corrupt(frame);
        int payload = len - dev.cellscope.wire.TetherHeader.SIZE;
        // A cut frame's payload is not all there: its content is unknown (null), not what was captured.
        return tether.observe(TetherObservation.of(frame, ts, seg, off, len, wireLen, headerOrder),
                payload > 0 && wireLen == len ? seg.asSlice(off + dev.cellscope.wire.TetherHeader.SIZE, payload) : null);
    }

    /** Messages the end of the capture released from behind holes, analysed; valid after {@link #finish()}. */
    public List<ReleasedMessage> released() {
        return utcp.released();
    }

    /** End of capture: findings about the capture as a whole (unanswered NACKs, tap loss…); frees the verifier. */
    public List<Expert> finish() {
        List<Expert> findings = new ArrayList<>(utcp.finish()); // released messages are verified here too
        findings.addAll(tether.finish());
        if (verifier != null) verifier.close();
        return findings;
    }
}
