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
}
