package dev.cellscope.analysis;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import dev.cellscope.wire.Layout;
import dev.cellscope.wire.TetherLayouts;

import dev.cellscope.protocol.tether.TetherFlags;
import dev.cellscope.wire.Decoded;
import dev.cellscope.wire.Tai64n;
import dev.cellscope.wire.TetherControl;
import dev.cellscope.wire.TetherFrame;
import dev.cellscope.wire.TetherHeader;

/**
 * What {@link TetherLedger} needs from one Tether frame, independent of how it was parsed (a
 * decoded {@link TetherFrame}, the dissector's fields, or a synthetic test sequence).
 *
 * @param frameNumber      capture frame number (1-based), used to link findings to frames
 * @param timestampNanos   capture timestamp, UTC epoch nanoseconds
 * @param sender           48-bit sender identity
 * @param target           48-bit target identity
 * @param flow             flow id, 0 = control plane
 * @param flags            header flag bits ({@link TetherFlags#LAMP}, {@link TetherFlags#SYNC})
 * @param slot             slot id (unsigned)
 * @param grant            grant_amount in bytes (unsigned)
 * @param nackSlot         singleton NACK slot, 0 = none (unsigned)
 * @param tetherLength     header plus payload blocks, in bytes: what a non-LAMP frame spends
 * @param control          the decoded control message of a flow-0 frame; null when there is none,
 *                         it did not decode, or the frame is on a data flow
 * @param sendTimeUtcNanos the TAI64N send time as UTC epoch nanoseconds, {@link #NO_TIME} when
 *                         absent or implausible
 * @param cut              snaplen cut the frame: {@code tetherLength} is its length on the wire, and its
 *                         payload (a control message) is unknown, not absent (DECISIONS.md, "Snaplen")
 */
public record TetherObservation(long frameNumber, long timestampNanos, long sender, long target, int flow, int flags,
                                long slot, long grant, long nackSlot, int tetherLength, TetherControl control,
                                long sendTimeUtcNanos, boolean cut) {

    /** {@link #sendTimeUtcNanos} when the frame carries no usable send time. */
    public static final long NO_TIME = Long.MIN_VALUE;

    /** Largest TAI second whose UTC epoch nanoseconds still fit a long (year 2262). */
    private static final long MAX_TAI_SECONDS = Long.MAX_VALUE / 1_000_000_000L - 1;

    /** A frame captured whole. */
    public TetherObservation(long frameNumber, long timestampNanos, long sender, long target, int flow, int flags,
                             long slot, long grant, long nackSlot, int tetherLength, TetherControl control,
                             long sendTimeUtcNanos) {
        this(frameNumber, timestampNanos, sender, target, flow, flags, slot, grant, nackSlot, tetherLength, control,
                sendTimeUtcNanos, false);
    }

    public TetherObservation {
        if (flow < 0 || flow > 0xFFFF) throw new IllegalArgumentException("flow " + flow + " is not a u16");
        if (tetherLength < TetherHeader.SIZE) {
            throw new IllegalArgumentException("Tether length " + tetherLength + " is shorter than the header");
        }
        if (control != null && flow != 0) throw new IllegalArgumentException("control on data flow " + flow);
    }

    /** Builds the observation of a decoded frame captured at {@code ts} (UTC epoch nanoseconds). */
    public static TetherObservation from(long frameNumber, long ts, TetherFrame frame) {
        TetherHeader h = frame.header();
        TetherControl control = null;
        // Control only exists on flow 0 and only when the payload decodes; a damaged control
        // block still spends credit, so the frame is observed either way.
        if (h.flowId() == 0 && frame.payload().length() > 0
                && frame.control() instanceof Decoded.Ok<TetherControl>(TetherControl c, int ignored)) {
            control = c;
        }
        return new TetherObservation(frameNumber, ts, h.sender(), h.target(), h.flowId(), h.flags(), h.slotId(),
                h.grantAmount(), h.nackSlot(), frame.encodedSize(), control, sendTime(h.tai64nSec(), h.tai64nNano()));
    }

    /**
     * Builds the observation straight from a frame's bytes (the dissector's path: no payload
     * copy). {@code len} is the Tether length captured, in whole blocks, {@code wireLen} its length on
     * the wire (larger when snaplen cut the frame: then the control message is not decoded from a
     * part of it); control payloads are always little-endian, only the header follows {@code headerOrder}.
     */
    public static TetherObservation of(long frameNumber, long ts, MemorySegment seg, long off, int len, int wireLen, ByteOrder headerOrder) {
        boolean cut = wireLen > len;
        Layout h = TetherLayouts.HEADER.withOrder(headerOrder);
        int flow = (int) h.slot("flow_id").get(seg, off);
        long sender = (h.slot("sender_id_hi").get(seg, off) << 16) | h.slot("sender_id_lo").get(seg, off);
        long target = (h.slot("target_id_hi").get(seg, off) << 32) | h.slot("target_id_lo").get(seg, off);
        TetherControl control = null;
        if (flow == 0 && len > TetherHeader.SIZE && !cut
                && TetherControl.decode(seg, off + TetherHeader.SIZE, len - TetherHeader.SIZE) instanceof Decoded.Ok<TetherControl>(TetherControl c, int ignored)) {
            control = c;
        }
        return new TetherObservation(frameNumber, ts, sender, target, flow, (int) h.slot("flags").get(seg, off),
                h.slot("slot_id").get(seg, off), h.slot("grant_amount").get(seg, off), h.slot("nack_slot").get(seg, off),
                Math.max(len, wireLen), control, sendTime(h.slot("tai64n_sec").get(seg, off), h.slot("tai64n_nano").get(seg, off)), cut);
    }

    /** UTC nanoseconds of a TAI64N label, or {@link #NO_TIME} (zero, garbage, or nano out of range). */
    static long sendTime(long label, long nano) {
        if (!Tai64n.plausible(label) || nano < 0 || nano >= 1_000_000_000L) return NO_TIME;
        // plausible() admits labels up to 2^40 s; epoch nanoseconds overflow a long after 2262.
        if (label - Tai64n.LABEL_BASE > MAX_TAI_SECONDS) return NO_TIME;
        return Tai64n.toUtcNanos(label, nano);
    }

    public boolean lamp() {
        return TetherFlags.isLamp(flags);
    }

    public boolean hasSendTime() {
        return sendTimeUtcNanos != NO_TIME;
    }

    /** A frame on a data flow with at least one payload block: it carries slot {@link #slot}. */
    public boolean carriesData() {
        return flow != 0 && tetherLength > TetherHeader.SIZE;
    }
}
