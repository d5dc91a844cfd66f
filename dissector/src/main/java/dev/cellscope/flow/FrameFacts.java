package dev.cellscope.flow;

import java.util.Arrays;

/**
 * What the flow table takes from one frame, gathered as the dissector reports fields and used
 * at {@code endFrame}: the fields of a frame arrive in layer order, but a row is only known once
 * the addresses are, and NACKs and grants belong to the reverse direction's row.
 * Reused from frame to frame (no allocation on the hot path).
 */
final class FrameFacts {
    static final long ABSENT = Long.MIN_VALUE;

    long number, time, len;
    /** The wire length of this datagram of a GSO train (the frame holds several), or ABSENT: the frame's. */
    long gsoLen = ABSENT;

    /** Bytes this packet had on the wire. */
    long wireLength() {
        return gsoLen != ABSENT ? gsoLen : len;
    }

    // UTCP
    boolean utcp;
    long srcHi, srcLo, dstHi, dstLo;
    int idsSeen; // 0: none yet, 1: src, 2: src and dst
    long seq = ABSENT, flags, payloadLen, stream = ABSENT;
    boolean retransmission, duplicate, outOfOrder, gap;
    long missing, retransmissionDelay = ABSENT;
    boolean seenBefore; // utcp.analysis.original_frame: the tap saw this seq earlier
    long[] nackFirst = new long[8], nackCount = new long[8];
    int nackRanges;

    // UTCP-SBI (possibly several messages)
    int messages;
    final long[] byOp = new long[SbiFlowRow.OPS.size() + 1];
    final long[] byError = new long[SbiFlowRow.ERRORS.size() + 1];
    long puts, verified, failed, putDataBytes, verifiedCompressed, verifiedUncompressed;
    long currentDataLen; // of the message being reported, for the verified total
    long handshakeMissing = ABSENT;
    String compression;
    long[] latencies = new long[4];
    int latencyCount;

    // Tether
    boolean tether;
    long sender = ABSENT, target = ABSENT, flow, tetherFlags, grant, nackSlot, blocks;
    long spent = ABSENT, creditAfter = ABSENT, delay = ABSENT;
    /** The frame's CRC-64 is bad: the ledger left it unaccounted, and so do the rows (no grant, NACK or Manifest). */
    boolean overrun, resent, crcBad;
    long bulkNackFlow = ABSENT, bulkNackSlots;
    long manifestFlow = ABSENT, manifestMatch = ABSENT;

    void reset() {
        gsoLen = ABSENT;
        utcp = false;
        idsSeen = 0;
        seq = ABSENT;
        flags = payloadLen = 0;
        stream = ABSENT;
        retransmission = duplicate = outOfOrder = gap = seenBefore = false;
        missing = 0;
        retransmissionDelay = ABSENT;
        nackRanges = 0;
        messages = 0;
        Arrays.fill(byOp, 0);
        Arrays.fill(byError, 0);
        puts = verified = failed = putDataBytes = verifiedCompressed = verifiedUncompressed = currentDataLen = 0;
        handshakeMissing = ABSENT;
        compression = null;
        latencyCount = 0;
        tether = false;
        sender = target = ABSENT;
        flow = tetherFlags = grant = nackSlot = blocks = 0;
        spent = creditAfter = delay = ABSENT;
        overrun = resent = crcBad = false;
        bulkNackFlow = ABSENT;
        bulkNackSlots = 0;
        manifestFlow = manifestMatch = ABSENT;
    }

    void nackRange(long first, long count) {
        if (nackRanges == nackFirst.length) {
            nackFirst = Arrays.copyOf(nackFirst, nackRanges * 2);
            nackCount = Arrays.copyOf(nackCount, nackRanges * 2);
        }
        nackFirst[nackRanges] = first;
        nackCount[nackRanges++] = count;
    }

    void latency(long nanos) {
        if (latencyCount == latencies.length) latencies = Arrays.copyOf(latencies, latencyCount * 2);
        latencies[latencyCount++] = nanos;
    }
}
