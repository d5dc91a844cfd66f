package dev.cellscope.analysis;

import dev.cellscope.expert.Expert;

import java.util.List;

/**
 * What conversation analysis says about one UTCP frame.
 *
 * @param stream           conversation index ({@code utcp.stream})
 * @param retransmission   DATA whose seq an earlier NACK asked for
 * @param duplicate        a seq seen before with equal payload, not NACKed since
 * @param outOfOrder       below the highest seq, not seen before, not NACKed
 * @param gap              the first packet after missing seqs ({@code missing} of them)
 * @param dataChanged      a repeated seq whose payload differs
 * @param originalFrame    where the tap first saw this seq, or -1
 * @param nackFrame        the NACK a retransmission answers, or -1
 * @param retransmissionDelayNanos time from that NACK, or -1
 * @param answeredIn       for a NACK: frames re-sending what it asked for (two-pass), else empty
 * @param tapLoss          (two-pass) the seqs missing before this gap were never NACKed nor re-sent
 * @param messages         UTCP-SBI messages this frame completes
 * @param rejectedFrameLen an out-of-range SBI frame_len found in this frame (the direction stops), or -1
 * @param reassembledIn    frames completing messages this frame carried part of (two-pass), else empty
 * @param findings         expert findings for this frame
 */
public record UtcpVerdict(int stream, boolean retransmission, boolean duplicate, boolean outOfOrder, boolean gap,
                          long missing, boolean dataChanged, long originalFrame, long nackFrame,
                          long retransmissionDelayNanos, long[] answeredIn, boolean tapLoss,
                          List<SbiMessageAnalysis> messages, long rejectedFrameLen, long[] reassembledIn,
                          List<Expert> findings) {}
