package dev.cellscope.analysis;

import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.expert.Expert;
import dev.cellscope.expert.UtcpExperts;
import dev.cellscope.field.UtcpFields;
import dev.cellscope.io.Packet;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A NACK whose payload_len is not a whole number of 8-byte ranges is malformed (utcp.nack_len_bad): the peer's codec
 * refuses it (UtcpNack.decode), so it asks for nothing and nothing is owed at the end (found by the independent
 * encoder: its 9-byte NACK also gave "1 NACKed range(s) never re-sent").
 */
class MalformedNackTest {
    private static final byte[] A = LossyTransfer.cell(0x0a), B = LossyTransfer.cell(0x0b);

    @Test
    void aNackThatIsNotWholeRangesOwesNothing() {
        byte[] nine = ByteBuffer.allocate(9).putInt(101).putInt(1).put((byte) 7).array(); // "seq 101, 1 seq" + a stray byte
        List<byte[]> frames = List.of(LossyTransfer.utcp(A, B, 100, UtcpFields.SYN, new byte[0]),
                LossyTransfer.utcp(A, B, 101, UtcpFields.DATA, new byte[0]),
                LossyTransfer.utcp(B, A, 500, UtcpFields.NACK, nine));
        CaptureAnalysis analysis = CaptureAnalysis.singlePass(UtcpAnalysisTest.NO_VERIFY);
        Dissector d = new Dissector();
        long t0 = 1_000_000_000L;
        for (int i = 0; i < frames.size(); i++) {
            byte[] f = frames.get(i);
            Packet p = new Packet(i + 1, t0 + 100_000L * i, 0, 1, f.length, MemorySegment.ofArray(f), null);
            d.dissect(p, new FrameTiming(t0, p.timestampNanos()), analysis, new ProtoTree());
        }
        List<Expert> owed = analysis.finish().stream().filter(e -> e.kind() == UtcpExperts.NACK_UNANSWERED).toList();
        assertEquals(List.of(), owed);
    }
}
