package dev.cellscope.analysis;

import dev.cellscope.crypto.SchemaFingerprints;
import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.field.UtcpFields;
import dev.cellscope.io.Packet;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.SbiAck;
import dev.cellscope.wire.SbiMessage;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Memory stays bounded: 1,000,000 frames over 2,000 conversations, with 1% of packets missed by
 * the tap (holes the reassembler must hold and give up), go through the analyzers; afterwards
 * the analysis retains less than {@link #LIMIT_BYTES}.
 */
class AnalysisMemoryTest {
    static final long LIMIT_BYTES = 96L << 20;
    static final int FRAMES = 1_000_000, CONVERSATIONS = 2_000;


    @Test
    void retainedHeapStaysBounded() {
        byte[] ack = SbiMessage.of(new SbiAck(1, 0), Bytes.of(SchemaFingerprints.forOp(0xF0))).encode();
        byte[] frame = LossyTransfer.utcp(LossyTransfer.A, LossyTransfer.B, 0, UtcpFields.DATA, ack);
        ByteBuffer buf = ByteBuffer.wrap(frame);
        long[] seqs = new long[CONVERSATIONS];
        long before = usedAfterGc();
        CaptureAnalysis analysis = CaptureAnalysis.singlePass(AnalysisConfig.defaults());
        Dissector dissector = new Dissector();
        java.util.Random rnd = new java.util.Random(1);
        long t = 1_000_000_000_000L;
        for (int i = 0; i < FRAMES; i++) {
            int conv = rnd.nextInt(CONVERSATIONS);
            long seq = ++seqs[conv];
            if (rnd.nextInt(100) == 0) seq = ++seqs[conv]; // the tap misses one packet
            buf.putInt(14, conv);           // source CellID: one per conversation
            buf.putInt(14 + 32, (int) seq); // seq
            t += 20_000;
            dissector.dissect(new Packet(i + 1, t, 0, 1, frame.length, MemorySegment.ofArray(frame), null),
                    new FrameTiming(0, 0), analysis, FieldSink.discard());
        }
        long retained = usedAfterGc() - before;
        assertEquals(CONVERSATIONS, analysis.utcp().conversations());
        assertTrue(analysis.utcp().loss().tapLostSeqs() > 0 || analysis.utcp().loss().gaps() > 5_000);
        System.out.printf("AnalysisMemoryTest: %d frames, %d conversations: %d MiB retained%n", FRAMES, CONVERSATIONS, retained >> 20);
        assertTrue(retained < LIMIT_BYTES, "analysis retains " + (retained >> 20) + " MiB after " + FRAMES + " frames");
        assertNotNull(analysis.finish());
    }

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }
}
