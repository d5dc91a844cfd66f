package dev.cellscope.analysis;

import dev.cellscope.expert.Expert;

import java.util.List;

/**
 * What the ledger concluded about one frame. Credits are the sender's balance towards the
 * target on the frame's flow; they are exact and go negative after an overrun.
 *
 * @param frameNumber          the observed frame
 * @param tracked              false when the flow table was full and the frame was not accounted
 *                             (all numbers are then zero / absent)
 * @param creditBefore         balance before this frame
 * @param spent                bytes this frame spent: its Tether length, or 0 for a LAMP frame
 * @param creditAfter          {@code creditBefore - spent}
 * @param overrun              sent with less credit than it spends ({@code tether.analysis.overrun})
 * @param lamp                 the frame is LAMP-flagged
 * @param retransmission       a re-send: a data slot an earlier NACK asked for, whether or not the tap saw the original
 * @param sendToTapDelayNanos  capture time minus TAI64N send time; {@link #NO_DELAY} without a send time
 * @param answersNackInFrame   the frame whose NACK (singleton or bulk) this re-send answers, or {@link #NONE}
 * @param answersLampInFrame   the Lamp this frame replies to, or {@link #NONE}
 * @param findings             expert findings for this frame, possibly empty
 */
public record TetherFrameResult(long frameNumber, boolean tracked, long creditBefore, long spent, long creditAfter,
                                boolean overrun, boolean lamp, boolean retransmission, long sendToTapDelayNanos,
                                long answersNackInFrame, long answersLampInFrame, List<Expert> findings) {

    /** No linked frame. */
    public static final long NONE = -1;
    /** {@link #sendToTapDelayNanos} when the frame carries no usable send time. */
    public static final long NO_DELAY = Long.MIN_VALUE;

    public TetherFrameResult {
        findings = List.copyOf(findings);
    }

    /** Bytes missing to pay for this frame (0 unless {@link #overrun}). */
    public long deficit() {
        return overrun ? spent - creditBefore : 0;
    }

    public boolean hasDelay() {
        return sendToTapDelayNanos != NO_DELAY;
    }
}
