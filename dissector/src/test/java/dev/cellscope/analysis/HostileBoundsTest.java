package dev.cellscope.analysis;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.UtcpFields;
import dev.cellscope.protocol.utcp.UtcpFlags;
import dev.cellscope.session.CaptureSession;
import dev.cellscope.session.FileSource;
import dev.cellscope.session.FrameConsumer;
import dev.cellscope.session.SessionOptions;
import dev.cellscope.wire.NackRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crafted captures that used to cost time or memory out of proportion to their size (issue 11,
 * items 4-6). Each bound is stated as a function of the input and measured generously (a slow,
 * shared CI machine must pass), yet far below what the old, super-linear code needed.
 */
class HostileBoundsTest {
    static final byte[] A = LossyTransfer.A, B = LossyTransfer.B;
    static final AnalysisConfig NO_VERIFY = new AnalysisConfig(null, false);

    @TempDir
    Path dir;

    /** Counts the numbers a sink is offered for one field. */
    static final class FieldCounter implements FrameConsumer {
        final FieldDef field;
        long count;

        FieldCounter(FieldDef field) {
            this.field = field;
        }

        @Override
        public FieldSink sink() {
            return new FieldSink() {
                @Override public boolean wants(FieldDef f) { return f == field; }
                @Override public boolean wantsExperts() { return false; }
                @Override public void protocol(FieldDef f, int offset, int length) {}
                @Override public void number(FieldDef f, int offset, int length, long value) { count++; }
                @Override public void bytes(FieldDef f, int offset, int length, MemorySegment seg, long from, int n) {}
                @Override public void text(FieldDef f, int offset, int length, String value) {}
                @Override public void expert(dev.cellscope.expert.Expert expert, int offset, int length) {}
            };
        }
    }

    /**
     * Item 4: one NACK answered by N retransmissions, read with -2. The NACK frame's answered_in
     * list grows by one per retransmission; copying it per link cost O(N^2) (N = 200,000: about
     * 15 s and gigabytes of garbage). Bound: both passes in under 25 µs per frame (5 s for N =
     * 200,000), and exactly N answered_in links on the NACK.
     */
    @Test
    void manyRetransmissionsAnsweringOneNackStayLinear() throws Exception {
        int n = 200_000;
        Path file = dir.resolve("one-nack.pcapng");
        try (HostileCapture c = new HostileCapture(file)) {
            c.utcp(A, B, 0, UtcpFlags.SYN, new byte[0]);
            c.nack(B, A, 0, List.of(new NackRange(1, n))); // every DATA seq lost before the tap
            for (long s = 1; s <= n; s++) c.utcp(A, B, s, UtcpFlags.DATA, new byte[0]);
        }
        FieldCounter answered = new FieldCounter(UtcpFields.ANSWERED_IN), retrans = new FieldCounter(UtcpFields.RETRANSMISSION);
        long t0 = System.nanoTime();
        new CaptureSession(new FileSource(file), SessionOptions.of(NO_VERIFY).withTwoPass(true)).run(answered, retrans);
        long elapsed = System.nanoTime() - t0;
        System.out.printf("HostileBoundsTest: %,d retransmissions of one NACK, -2: %d ms%n", n, elapsed / 1_000_000);
        assertEquals(n, answered.count, "the NACK links every retransmission");
        assertEquals(n, retrans.count, "every DATA packet carries the retransmission flag field");
        assertTrue(elapsed < 25_000L * (n + 2), "two passes over " + (n + 2) + " frames took " + elapsed / 1_000_000 + " ms");
    }

    /**
     * Item 5: NACK frames of 8,191 ranges, each overlapping all 4,095 open gaps of the direction.
     * Walking every gap for every range cost O(ranges x gaps) per NACK frame (about 33 million
     * gap updates each; seconds per frame). Bound: the whole 1 MB capture analysed in under 3 s
     * (the merged ranges touch each gap once per frame). Ground truth: the gaps' seqs were all
     * NACKed, so every one of them is network loss and none is tap loss.
     */
    @Test
    void aNackWithThousandsOfRangesOverThousandsOfGapsIsLinear() throws Exception {
        int gaps = 4_095, gapSize = 100, nackFrames = 16, ranges = dev.cellscope.protocol.utcp.UtcpLimits.MAX_NACK_RANGES;
        long lastSeq = (long) gaps * (gapSize + 1);
        Path file = dir.resolve("wide-nacks.pcapng");
        try (HostileCapture c = new HostileCapture(file)) {
            c.utcp(A, B, 0, UtcpFlags.SYN, new byte[0]);
            for (long s = 0; s <= lastSeq; s += gapSize + 1) c.utcp(A, B, s, UtcpFlags.DATA, new byte[0]); // each opens a gap of 100
            List<NackRange> wide = new java.util.ArrayList<>();
            for (int i = 0; i < ranges; i++) {
                long first = 1 + i % 50; // all start in the first gap and reach past the last
                wide.add(new NackRange(first, lastSeq - first));
            }
            for (int i = 0; i < nackFrames; i++) c.nack(B, A, 0, wide);
        }
        assertTrue(java.nio.file.Files.size(file) > 1_000_000, "a 1 MB capture");
        long t0 = System.nanoTime();
        CaptureAnalysis analysis = analyse(file, CaptureAnalysis.singlePass(NO_VERIFY));
        long elapsed = System.nanoTime() - t0;
        analysis.finish();
        System.out.printf("HostileBoundsTest: %d NACK frames of %d ranges over %d gaps: %d ms%n", nackFrames, ranges, gaps, elapsed / 1_000_000);
        UtcpAnalysis.LossCounters loss = analysis.utcp().loss();
        assertEquals(gaps, loss.gaps());
        assertEquals((long) gaps * gapSize, loss.networkLostSeqs(), "every seq of every gap was NACKed");
        assertEquals(0, loss.tapLostSeqs());
        assertTrue(elapsed < 3_000_000_000L, "analysing " + Files.size(file) + " bytes took " + elapsed / 1_000_000 + " ms");
    }

    /** Dissects every frame of {@code file} in order with {@code analysis}. */
    static CaptureAnalysis analyse(Path file, CaptureAnalysis analysis) throws Exception {
        dev.cellscope.dissect.Dissector dissector = new dev.cellscope.dissect.Dissector();
        try (dev.cellscope.io.CaptureReader r = dev.cellscope.io.CaptureReader.open(file)) {
            long first = -1, prev = 0;
            for (dev.cellscope.io.Packet p; (p = r.next()) != null; ) {
                if (first < 0) first = prev = p.timestampNanos();
                dissector.dissect(p, new dev.cellscope.dissect.FrameTiming(first, prev), analysis, FieldSink.discard());
                prev = p.timestampNanos();
            }
        }
        return analysis;
    }
}
