package dev.cellscope.flow;

import dev.cellscope.protocol.utcp.UtcpFlags;
import dev.cellscope.protocol.utcp.UtcpSeq;

/** Accumulates a {@link UtcpFlowRow}. */
final class UtcpFlow extends Flow {
    private final String src, dst;
    private long stream = FlowRow.NONE;
    private long packets, bytes, payloadBytes, dataPackets, uniquePayloadBytes, nackPackets, nackedSeqs;
    private long retransmissions, outOfOrder, duplicates, gaps, gapSeqs;
    private final SeqRanges open;
    private final Sample delays;
    /** The highest seq position seen on this direction, the reference for unwrapping the next; -1 before any. */
    private long near = -1;

    UtcpFlow(String src, String dst, long createdAt, FlowTable.Config config) {
        super(createdAt);
        this.src = src;
        this.dst = dst;
        open = new SeqRanges(config.maxOpenRanges());
        delays = new Sample(config.samples());
    }

    /** A frame of this direction. */
    void frame(FrameFacts f) {
        own(f);
        if (f.stream != FrameFacts.ABSENT) stream = f.stream;
        packets++;
        bytes += f.wireLength();
        payloadBytes += f.payloadLen;
        long seq = f.seq == FrameFacts.ABSENT ? FrameFacts.ABSENT : position(f.seq);
        if (f.gap && f.seq != FrameFacts.ABSENT) { // on DATA, or on a FIN that skips seqs
            gaps++;
            gapSeqs += f.missing;
            open.add(seq - f.missing, f.missing); // the skipped seqs, until they turn up
        }
        if ((f.flags & UtcpFlags.DATA) == 0 || f.seq == FrameFacts.ABSENT) return;
        dataPackets++;
        if (!f.seenBefore) uniquePayloadBytes += f.payloadLen;
        if (f.retransmission) retransmissions++;
        if (f.duplicate) duplicates++;
        if (f.outOfOrder) outOfOrder++;
        if (f.retransmissionDelay != FrameFacts.ABSENT) delays.add(f.retransmissionDelay);
        open.remove(seq);
    }

    /**
     * The position of a wire seq of this direction ({@link UtcpSeq}), unwrapped near the highest
     * seen as the analysis and the peer do; the first is placed at wire + 2^32 so positions stay positive.
     */
    private long position(long wire) {
        if (near < 0) near = wire + UtcpSeq.MODULUS;
        long p = UtcpSeq.unwrap(wire, near);
        near = Math.max(near, p);
        return p;
    }

    /** A NACK travelling back (dst → src) asking this direction for seqs. */
    void nackedBy(FrameFacts f) {
        nackPackets++;
        for (int i = 0; i < f.nackRanges; i++) {
            nackedSeqs += f.nackCount[i];
            open.add(position(f.nackFirst[i]), f.nackCount[i]);
        }
    }

    @Override
    UtcpFlowRow row() {
        return new UtcpFlowRow(src, dst, stream, firstNanos, lastNanos, firstFrame, lastFrame, packets, bytes, payloadBytes,
                dataPackets, uniquePayloadBytes, nackPackets, nackedSeqs, retransmissions, outOfOrder, duplicates, gaps,
                gapSeqs, open.size(), open.overflowed(), delays.percentile(50), delays.percentile(99));
    }
}
