package dev.cellscope.analysis;

import dev.cellscope.crypto.SchemaFingerprints;
import dev.cellscope.expert.Expert;
import dev.cellscope.expert.SbiExperts;
import dev.cellscope.field.SbiFields;
import dev.cellscope.protocol.sbi.SbiDeliveryProof;
import dev.cellscope.protocol.sbi.SbiLimits;
import dev.cellscope.protocol.sbi.SbiOps;
import dev.cellscope.wire.SbiFramer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The tap's side of UTCP-SBI framing (PROTOCOLS.md section 4): the protocol's {@link SbiFramer}
 * cuts one direction's reassembled stream into messages, with frame_len checked before anything
 * is buffered; an out-of-range value stops the direction, as a receiver would NACK and close.
 * What is the tap's own: it numbers messages ({@code sbi.msg_index}), remembers which frames
 * carried each, and handles loss through the framer's hole hook: a message cut by a hole is
 * reported lost (never decoded as corrupt data), and the next message start is found by its
 * signature, including a known schema fingerprint, with the skipped bytes counted.
 *
 * <p>While the direction has no hole, it also records where each message ends as the first seq an
 * SBI answer to it does not prove delivered ({@link SbiDeliveryProof}, the peer's rule), so that
 * {@link #answered} turns the other direction's ACK or NACK into the seqs the receiver has.
 */
final class SbiStreamParser implements StreamSink, SbiFramer.Sink {
    /** The fingerprint part of a message start's signature (the framer checks the rest). */
    private static final SbiFramer.StartCheck KNOWN_SCHEMA =
            (s, p) -> SchemaFingerprints.opOf(s, p + dev.cellscope.wire.SbiEnvelope.SIZE + 8) >= 0;

    private final SbiFramer framer = new SbiFramer(KNOWN_SCHEMA);
    private final List<Long> carriers = new ArrayList<>(2);
    private long msgIndex;
    private boolean uncertain;
    private long skipped;
    private long rejectedFrameLen = -1;
    /** The msg_index the rejected envelope took (the peer counts it: SbiPeer.badFrameLen), or -1 when uncertain. */
    private long rejectedIndex = -1;

    // The latest frame that carried any byte fed so far, and its time: what completes a message.
    private long latestFrame = -1, latestNanos;

    // The chunk being fed, for the messages the framer finds in it.
    private long frame;
    private long chunkStart;
    private int frameOffset;

    /** Messages the tap recorded ends for: fewer than the peer's 4096, as the tap holds many directions. */
    static final int PROOF_MESSAGES = 1024;
    /** Where recent messages end, as seq ends (made with the first message; recorded only while no hole). */
    private SbiDeliveryProof ends;
    // Stream bytes before the chunk being fed, the packet seq of that chunk, and the bytes of whole messages so far.
    private long streamBytes, chunkSeq, messageBytes;
    private int chunkLen;

    private final List<SbiDelivery> delivered = new ArrayList<>(2);
    private final List<Expert> findings = new ArrayList<>(0);

    /** Messages completed since the last call, in stream order. */
    List<SbiDelivery> takeDelivered() {
        if (delivered.isEmpty()) return List.of();
        List<SbiDelivery> out = List.copyOf(delivered);
        delivered.clear();
        return out;
    }

    /** Findings since the last call. */
    List<Expert> takeFindings() {
        if (findings.isEmpty()) return List.of();
        List<Expert> out = List.copyOf(findings);
        findings.clear();
        return out;
    }

    /** The out-of-range frame_len that closed the direction since the last call, or -1. */
    long takeRejectedFrameLen() {
        long r = rejectedFrameLen;
        rejectedFrameLen = -1;
        return r;
    }

    /** The msg_index of the envelope {@link #takeRejectedFrameLen} rejected, or -1 (none, or a hole made it uncertain). */
    long rejectedIndex() {
        return rejectedIndex;
    }

    boolean closed() {
        return framer.stopped();
    }

    /** Frames whose bytes belong to the message being assembled (for reassembled_in links). */
    List<Long> pendingCarriers() {
        return carriers;
    }

    /** The msg_index the next message will get. */
    long nextIndex() {
        return msgIndex;
    }

    /** Whether a hole has made msg_index uncertain (whole messages may have been lost in it). */
    boolean uncertain() {
        return uncertain;
    }

    /**
     * The receiver answered message {@code ref} of this direction: the seq end that proves, if it is
     * further than any earlier answer proved (see {@link SbiDeliveryProof#answered}); else -1.
     */
    long answered(long ref) {
        return ends == null ? -1 : ends.answered(ref);
    }

    @Override
    public void bytes(long seq, MemorySegment seg, long off, int len, long frame, int frameOffset, long nanos) {
        if (frame > latestFrame) {
            latestFrame = frame;
            latestNanos = nanos;
        }
        this.frame = frame;
        this.chunkStart = off;
        this.frameOffset = frameOffset;
        this.chunkSeq = seq;
        this.chunkLen = len;
        framer.feed(seg, off, len, this);
        streamBytes += len;
        if (framer.bufferedBytes() > 0) addCarrier(frame); // part of the next message came in this frame
    }

    @Override
    public void hole(long missingSeqs, long frame) {
        lost(cut -> cut.missing() + " of its bytes were in " + missingSeqs + " packet(s) the tap never saw", "lost");
    }

    /** A packet the tap saw but snaplen cut: the message it carried part of is not analysed (nothing is guessed). */
    @Override
    public void uncaptured(long seq, long frame) {
        lost(cut -> "frame " + frame + ", which carried part of it, was cut by snaplen", "not analysed");
    }

    /** The stream jumps over bytes the tap does not have: the message they cut is reported, and framing resyncs. */
    private void lost(java.util.function.Function<SbiFramer.Cut, String> why, String verdict) {
        if (framer.stopped()) return;
        framer.hole().ifPresent(cut -> {
            String what = cut.op() >= 0 ? SbiOps.NAMES.getOrDefault(cut.op(), "op " + cut.op()) + " of " + cut.length() + " bytes"
                    : "envelope";
            findings.add(new Expert(SbiExperts.MESSAGE_LOST, "SBI message " + msgIndex + " (" + what + ") " + verdict + ": " + why.apply(cut)));
            msgIndex++;
        });
        carriers.clear();
        uncertain = true;
    }

    @Override
    public boolean message(MemorySegment seg, long off, int len, boolean inInput) {
        addCarrier(frame);
        long[] by = new long[carriers.size()];
        for (int i = 0; i < by.length; i++) by[i] = carriers.get(i);
        carriers.clear();
        int at = inInput && frameOffset >= 0 ? (int) (frameOffset + off - chunkStart) : -1;
        if (!uncertain) {
            // No hole yet: messages lie end to end from the first byte, and this one's last byte is in this chunk.
            messageBytes += len;
            if (ends == null) ends = new SbiDeliveryProof(PROOF_MESSAGES);
            ends.record(msgIndex, SbiDeliveryProof.seqEnd(chunkSeq, streamBytes + chunkLen, messageBytes));
        }
        delivered.add(new SbiDelivery(msgIndex++, uncertain, seg.get(ValueLayout.JAVA_BYTE, off + 4) & 0xFF, seg, off, len,
                at, by, skipped, latestFrame, latestNanos));
        skipped = 0;
        return true;
    }

    @Override
    public void frameLenRejected(long frameLen, boolean atStreamStart) {
        rejectedFrameLen = frameLen;
        // The receiver counts the envelope it refuses as a message and NACKs invalid_frame_size with its index as ref_seq
        // (SbiPeer.badFrameLen): so does the tap, or that NACK answers nothing (the independent encoder's finding).
        rejectedIndex = uncertain ? -1 : msgIndex;
        msgIndex++;
        findings.add(new Expert(SbiExperts.FRAME_LEN_RANGE, "invalid_frame_size: " + SbiLimits.frameLenOutOfRange(frameLen)
                + (SbiLimits.startsLikeJson(frameLen) ? "; stream starts with '{': legacy JSON peer" : "")
                + "; a receiver NACKs and closes, so this direction is not parsed further"));
    }

    @Override
    public void resynchronised(long skipped) {
        this.skipped = skipped;
        findings.add(new Expert(SbiExperts.RESYNC, "SBI stream resynchronised after a hole: " + skipped
                + " bytes skipped before the next message start"));
    }

    private void addCarrier(long frame) {
        if (carriers.isEmpty() || carriers.getLast() != frame) carriers.add(frame);
    }

    long ignoredBytes() {
        return framer.ignoredBytes();
    }
}
