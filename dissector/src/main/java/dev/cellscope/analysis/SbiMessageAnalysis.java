package dev.cellscope.analysis;

/**
 * A recovered UTCP-SBI message with what the analysis linked to it.
 *
 * @param delivery     the message bytes and where they came from
 * @param responseTo   for ACK/NACK: the frame of the message it answers (its ref_seq, other direction), else -1
 * @param responseIn   the frame of the ACK/NACK answering this message (two-pass), else -1
 * @param wantIn       for BLOCK_PUT: the frame of the BLOCK_WANT it answers, else -1
 * @param latencyNanos for BLOCK_PUT: time since that BLOCK_WANT, else -1
 * @param putIn        for BLOCK_WANT: the frame of the BLOCK_PUT answering it (two-pass), else -1
 * @param handshake    on the HANDSHAKE completing a pair: the negotiation outcome, else null
 * @param verification for BLOCK_PUT: decompression and hash check (possibly still running), else null
 */
public record SbiMessageAnalysis(SbiDelivery delivery, long responseTo, long responseIn, long wantIn, long latencyNanos,
                                 long putIn, HandshakeOutcome handshake, PendingVerification verification) {}
