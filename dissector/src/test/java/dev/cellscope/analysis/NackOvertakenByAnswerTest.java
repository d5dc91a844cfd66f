package dev.cellscope.analysis;

import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.expert.Expert;
import dev.cellscope.expert.UtcpExperts;
import dev.cellscope.field.UtcpFields;
import dev.cellscope.io.Packet;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.NackRange;
import dev.cellscope.wire.SbiAck;
import dev.cellscope.wire.SbiBlockPut;
import dev.cellscope.wire.UtcpNack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A NACKed range that an SBI answer proves delivered is given up, not reported as never re-sent
 * (docs/DECISIONS.md, "UTCP goodput"): the answer's ref_seq names a message of the NACKed
 * direction, and the receiver has that direction's stream up to the message's end. The peer
 * frees those packets and ignores a NACK for them, so no re-send ever comes; the tap must agree.
 * The exchanges are the one the regenerated lossy-mesh sample shows: A sends, the tap misses
 * nothing, B NACKs seq 1002 (lost on the wire), A re-sends it, B's NACK for 1002 sent before the
 * re-send arrived reaches A after it (A skips it: re-sent within an RTT), then B ACKs (SBI) a
 * message that ends at or beyond 1002.
 */
@Timeout(30)
class NackOvertakenByAnswerTest {
    private static final byte[] A = LossyTransfer.A, B = LossyTransfer.B;
    private static final int ISN_A = 1000, ISN_B = 5000;

    /** One capture being written: A's stream cut into packets where the test says, B's frames by hand. */
    private static final class Exchange {
        final List<byte[]> frames = new ArrayList<>();
        final byte[] streamA;
        long seqB = ISN_B + 1;

        /** A's stream: BLOCK_PUTs of the given total sizes (envelope included), msg_index 0, 1, ... */
        Exchange(int... messageSizes) {
            ByteArrayOutputStream s = new ByteArrayOutputStream();
            for (int i = 0; i < messageSizes.length; i++) s.writeBytes(put(i, messageSizes[i]));
            streamA = s.toByteArray();
            frames.add(LossyTransfer.utcp(A, B, ISN_A, UtcpFields.SYN, new byte[0]));
            frames.add(LossyTransfer.utcp(B, A, ISN_B, UtcpFields.SYN, new byte[0]));
        }

        /** A's DATA seq {@code seq} carrying stream bytes [from, to) of its stream. */
        Exchange data(long seq, int from, int to) {
            frames.add(LossyTransfer.utcp(A, B, seq, UtcpFields.DATA, Arrays.copyOfRange(streamA, from, to)));
            return this;
        }

        /** B NACKs A's seqs [first, first + count). */
        Exchange nack(long first, int count) {
            byte[] ranges = new UtcpNack(List.of(new NackRange(first, count))).encode();
            frames.add(LossyTransfer.utcp(B, A, seqB, UtcpFields.NACK, ranges));
            return this;
        }

        /** B answers A's message {@code ref} with an SBI ACK in its own stream. */
        Exchange ack(long ref) {
            frames.add(LossyTransfer.utcp(B, A, seqB++, UtcpFields.DATA, AnalysisFindingsTest.message(new SbiAck(ref, 0))));
            return this;
        }

        /** The capture-level findings of a single-pass analysis (as {@code read -z expert} reports them). */
        List<Expert> unanswered() {
            CaptureAnalysis analysis = CaptureAnalysis.singlePass(UtcpAnalysisTest.NO_VERIFY);
            Dissector d = new Dissector();
            long t0 = 1_000_000_000L;
            for (int i = 0; i < frames.size(); i++) {
                byte[] f = frames.get(i);
                Packet p = new Packet(i + 1, t0 + 100_000L * i, 0, 1, f.length, MemorySegment.ofArray(f), null);
                d.dissect(p, new FrameTiming(t0, p.timestampNanos()), analysis, new ProtoTree());
            }
            return analysis.finish().stream().filter(e -> e.kind() == UtcpExperts.NACK_UNANSWERED).toList();
        }
    }

    private static byte[] put(int index, int size) {
        int overhead = AnalysisFindingsTest.message(new SbiBlockPut(Bytes.zeros(32), index, 0, 0, Bytes.of(new byte[0]))).length;
        byte[] data = new byte[size - overhead];
        Arrays.fill(data, (byte) index);
        byte[] m = AnalysisFindingsTest.message(new SbiBlockPut(Bytes.zeros(32), index, 0, 0, Bytes.of(data)));
        assertEquals(size, m.length);
        return m;
    }

    /** Message 0 is 3000 bytes in packets 1001 (0–1400), 1002 (1400–2800), 1003 (2800–3000 + message 1). */
    private static Exchange lostAndReNackedAfterTheResend() {
        return new Exchange(3000, 1000)
                .data(1001, 0, 1400)
                .data(1003, 2800, 4000)   // 1002 lost on the wire: a gap
                .nack(1002, 1)
                .data(1002, 1400, 2800)   // the re-send answers the first NACK
                .nack(1002, 1);           // sent before the re-send arrived: A skips it
    }

    @Test
    void aRangeAnAnswerProvesDeliveredIsGivenUp() {
        assertEquals(List.of(), lostAndReNackedAfterTheResend().ack(0).unanswered(),
                "B answered message 0, which ends in seq 1003: it has 1002, so nothing is owed");
    }

    @Test
    void withoutAnAnswerTheRangeIsStillNeverReSent() {
        assertEquals(1, lostAndReNackedAfterTheResend().unanswered().size());
    }

    @Test
    void anAnswerToAnEarlierMessageProvesNothingAboutTheRange() {
        // Message 0 ends in 1001 (1000 bytes): B's answer to it says nothing of 1002.
        Exchange e = new Exchange(1000, 3000)
                .data(1001, 0, 1400)
                .data(1003, 2800, 4000)
                .nack(1002, 1)
                .data(1002, 1400, 2800)
                .nack(1002, 1)
                .ack(0);
        assertEquals(1, e.unanswered().size());
    }

    @Test
    void aNackOlderThanTheAnswerThatArrivesAfterItIsOvertaken() {
        // B's NACK for 1002, sent before the re-send arrived, reaches the tap after B's answer to message 0.
        Exchange e = new Exchange(3000, 1000)
                .data(1001, 0, 1400)
                .data(1003, 2800, 4000)
                .nack(1002, 1)
                .data(1002, 1400, 2800)
                .ack(0)
                .nack(1002, 1);
        assertEquals(List.of(), e.unanswered());
    }

    @Test
    void theLastPacketOfTheAnsweredMessageCountsOnlyWhenTheMessageEndsWithIt() {
        // The peer frees (and stops owing) only packets wholly within the answered message's end
        // (SbiDeliveryProof.packetDelivered): message 0 ends at 2800, the end of 1002, so 1002 is proven…
        Exchange whole = new Exchange(2800, 1200)
                .data(1001, 0, 1400)
                .data(1003, 2800, 4000)
                .nack(1002, 1)
                .data(1002, 1400, 2800)
                .nack(1002, 1)
                .ack(0);
        assertEquals(List.of(), whole.unanswered());
        // …but when it ends inside 1002 (at 2000), the peer still re-sends 1002 for a NACK, so the tap expects it.
        Exchange part = new Exchange(2000, 2000)
                .data(1001, 0, 1400)
                .data(1003, 2800, 4000)
                .nack(1002, 1)
                .data(1002, 1400, 2800)
                .nack(1002, 1)
                .ack(0);
        assertEquals(1, part.unanswered().size());
    }
}
