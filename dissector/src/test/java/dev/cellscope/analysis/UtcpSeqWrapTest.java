package dev.cellscope.analysis;

import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.UtcpFields;
import dev.cellscope.io.Packet;
import dev.cellscope.protocol.utcp.UtcpFlags;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.EthernetHeader;
import dev.cellscope.wire.LinkLayouts;
import dev.cellscope.wire.NackRange;
import dev.cellscope.wire.UtcpHeader;
import dev.cellscope.wire.UtcpNack;
import dev.cellscope.wire.UtcpPacket;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A conversation whose seqs cross 0xFFFFFFFF -> 0, with the packet at seq 0 lost and re-sent on a
 * NACK just after the wrap. The tap must classify every packet as the peer's receive window
 * (which unwraps seqs with the same {@link dev.cellscope.protocol.utcp.UtcpSeq}) sees it: seq 1
 * opens a gap of one (seq 0), nothing is out of order or a duplicate, and the re-sent seq 0 is a
 * retransmission answering the NACK.
 */
class UtcpSeqWrapTest {
    static final byte[] A = cell(0x11), B = cell(0x22);

    /** Expected classification of one frame. */
    enum Is { NONE, GAP, RETRANSMISSION }

    record Step(byte[] src, byte[] dst, long seq, int flags, byte[] payload, Is expected) {}

    @Test
    void tapAgreesWithThePeerAcrossTheWrap() {
        long isn = 0xFFFF_FFFAL;
        List<Step> steps = new ArrayList<>();
        steps.add(new Step(A, B, isn, UtcpFlags.SYN, new byte[0], Is.NONE));
        steps.add(new Step(B, A, 77, UtcpFlags.SYN, new byte[0], Is.NONE));
        steps.add(new Step(A, B, isn, UtcpFlags.ACK, new byte[0], Is.NONE));
        for (long s = 0xFFFF_FFFBL; s <= 0xFFFF_FFFFL; s++) steps.add(data(s, Is.NONE));
        // seq 0 is lost before the tap and the peer; 1 and 2 arrive.
        steps.add(data(1, Is.GAP));
        steps.add(data(2, Is.NONE));
        byte[] nack = new UtcpNack(List.of(new NackRange(0, 1))).encode();
        steps.add(new Step(B, A, 78, UtcpFlags.NACK, nack, Is.NONE));
        steps.add(data(0, Is.RETRANSMISSION));
        steps.add(data(3, Is.NONE));
        steps.add(data(4, Is.NONE));
        steps.add(new Step(A, B, 5, UtcpFlags.FIN, new byte[0], Is.NONE));
        steps.add(new Step(B, A, 78, UtcpFlags.ACK, new byte[0], Is.NONE));

        CaptureAnalysis analysis = CaptureAnalysis.singlePass(new AnalysisConfig(null, false));
        Dissector dissector = new Dissector();
        long t0 = 1_000_000_000L, prev = t0;
        int nackFrame = steps.indexOf(steps.stream().filter(s -> s.flags() == UtcpFlags.NACK).findFirst().orElseThrow()) + 1;
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            long time = t0 + i * 100_000L;
            ProtoTree t = new ProtoTree();
            dissector.dissect(Packet.of(i + 1, time, frame(s)), new FrameTiming(t0, prev), analysis, t);
            prev = time;
            String where = "frame " + (i + 1) + " seq " + s.seq();
            assertEquals(s.expected() == Is.GAP, flag(t, UtcpFields.GAP), where + " gap");
            assertEquals(s.expected() == Is.RETRANSMISSION, flag(t, UtcpFields.RETRANSMISSION), where + " retransmission");
            assertEquals(false, flag(t, UtcpFields.OUT_OF_ORDER), where + " out of order");
            assertEquals(false, flag(t, UtcpFields.DUPLICATE), where + " duplicate");
            if (s.expected() == Is.GAP) assertEquals("1", t.find(UtcpFields.MISSING).getFirst().plainValue(), where);
            if (s.expected() == Is.RETRANSMISSION) {
                assertEquals(nackFrame, t.find(UtcpFields.NACK_FRAME).getFirst().number(), where);
            }
            // Findings name wire seqs, never positions.
            t.experts().forEach(e -> java.util.regex.Pattern.compile("\\d+").matcher(e.expert().message()).results()
                    .forEach(m -> assertTrue(Long.parseLong(m.group()) <= 0xFFFF_FFFFL, e.expert().message())));
        }
        analysis.finish();
        UtcpAnalysis.LossCounters loss = analysis.utcp().loss();
        assertEquals(1, loss.retransmissions());
        assertEquals(1, loss.gaps());
        assertEquals(0, loss.outOfOrder());
        assertEquals(0, loss.duplicates());
        assertEquals(0, loss.tapLostSeqs());
    }

    private static Step data(long seq, Is expected) {
        byte[] payload = new byte[16];
        Arrays.fill(payload, (byte) seq);
        return new Step(A, B, seq, UtcpFlags.DATA, payload, expected);
    }

    private static byte[] frame(Step s) {
        byte[] p = new UtcpPacket(new UtcpHeader(Bytes.of(s.src()), Bytes.of(s.dst()), s.seq(), s.flags(), s.payload().length),
                Bytes.of(s.payload())).encode();
        byte[] f = new byte[Math.max(60, 14 + p.length)];
        long srcMac = 0x020000000000L | (s.src()[0] & 0xFF), dstMac = 0x020000000000L | (s.dst()[0] & 0xFF);
        new EthernetHeader(dstMac, srcMac, LinkLayouts.ETHERTYPE_CELL).encodeTo(MemorySegment.ofArray(f), 0);
        System.arraycopy(p, 0, f, 14, p.length);
        return f;
    }

    private static boolean flag(ProtoTree t, FieldDef f) {
        return t.find(f).stream().anyMatch(n -> n.number() == 1);
    }

    private static byte[] cell(int fill) {
        byte[] b = new byte[16];
        Arrays.fill(b, (byte) fill);
        return b;
    }
}
