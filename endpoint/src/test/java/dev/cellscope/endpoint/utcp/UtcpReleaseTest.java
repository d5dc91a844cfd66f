package dev.cellscope.endpoint.utcp;

import dev.cellscope.endpoint.sim.FaultModel;
import dev.cellscope.protocol.utcp.UtcpFlags;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.Decoded;
import dev.cellscope.wire.NackRange;
import dev.cellscope.wire.UtcpHeader;
import dev.cellscope.wire.UtcpNack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/**
 * How a sender frees its retransmit buffer (issue 12 item 8: a put over loopback stalled for
 * seconds each time the buffer filled). A 128-packet buffer and a 20 ms retention make each rule
 * visible in a few hundred packets of virtual time.
 */
@Timeout(30)
class UtcpReleaseTest {
    private static final long MS = 1_000_000L, SECOND = 1_000 * MS;
    private static final UtcpConfig SMALL = UtcpConfig.defaults().withRetentionNanos(20 * MS).withBufferPackets(128);

    private static long synSeq(SimPair net, String from) {
        return net.seen.stream().filter(s -> s.from().equals(from) && s.has(UtcpFlags.SYN)).findFirst().orElseThrow().header().seq();
    }

    private static UtcpConnection open(SimPair net) {
        UtcpConnection c = net.a.connect(SimPair.B, "b");
        net.scheduler.runFor(10 * MS);
        assertTrue(c.isOpen());
        return c;
    }

    @Test
    void answersFreeWhatThePeerHasAndAFullBufferThenWaitsForThem() {
        SimPair net = new SimPair(FaultModel.clean(), 21, SMALL);
        UtcpConnection c = open(net);
        c.writeAll(SimPair.randomBytes(300 * 1400, 21), null);
        net.scheduler.runFor(MS);
        c.confirmDelivered(10 * 1400L);   // the layer above heard an answer to a message ending there
        assertEquals(10, c.counters().releasedByAnswer(), c.counters().toString());
        net.scheduler.runFor(SECOND);     // 50 retentions: an answered connection does not free by time
        assertEquals(0, c.counters().releasedByTime(), c.counters().toString());
        assertEquals(128, c.bufferedPackets(), "full, waiting for answers");
        long sentBefore = c.counters().dataPacketsSent();
        c.confirmDelivered(100 * 1400L);
        net.scheduler.runFor(10 * MS);
        assertEquals(100, c.counters().releasedByAnswer());
        assertEquals(sentBefore + 90, c.counters().dataPacketsSent(), "the freed room went out at once");
        c.confirmDelivered(1L << 40);     // more than was ever sent frees only what was sent
        net.scheduler.runFor(SECOND);
        assertEquals(SimPair.sha256(SimPair.randomBytes(300 * 1400, 21)), net.receivedHash());
    }

    @Test
    void aPeerThatAnswersBeforeAnyDeliveryProofMakesAFullBufferWaitNotFreeByTime() {
        // An SBI put: the peer's DAG_SYNC answer comes before any block's ACK. Without this the buffer fell back to
        // the short retention and a cold receiver's first NACK, 0.5 s late, found its packet freed (UdpTransferCliTest).
        SimPair net = new SimPair(FaultModel.clean(), 25, SMALL);
        UtcpConnection c = open(net);
        c.peerAnswers();
        c.writeAll(SimPair.randomBytes(300 * 1400, 25), null);
        net.scheduler.runFor(SECOND);     // 50 retentions
        assertEquals(0, c.counters().releasedByTime(), c.counters().toString());
        assertEquals(128, c.bufferedPackets(), "full, waiting for answers or NACKs");
        // The same connection without the hint frees by time (the rule this test is about):
        SimPair other = new SimPair(FaultModel.clean(), 26, SMALL);
        UtcpConnection d = open(other);
        d.writeAll(SimPair.randomBytes(300 * 1400, 26), null);
        other.scheduler.runFor(SECOND);
        assertTrue(d.counters().releasedByTime() > 0, d.counters().toString());
    }

    @Test
    void aNackOvertakenByAnAnswerIsStaleNotFatal() {
        SimPair net = new SimPair(FaultModel.clean(), 22, SMALL);
        UtcpConnection c = open(net);
        c.write(SimPair.randomBytes(50 * 1400, 22));
        net.scheduler.runFor(10 * MS);
        c.confirmDelivered(20 * 1400L);
        long isnA = synSeq(net, "a");
        // Sent by b before it had seq isn+5 (wire reordering let the answer overtake it).
        byte[] nack = new UtcpNack(List.of(new NackRange(isnA + 5, 1))).encode();
        net.wire.port("b").send("a", UtcpBehaviourTest.packet(SimPair.B, SimPair.A, 0, UtcpFlags.NACK, Bytes.of(nack)));
        net.scheduler.runFor(MS);
        assertFalse(c.isClosed(), () -> String.valueOf(c.closeReason()));
        assertEquals(1, c.counters().staleNacksIgnored());
    }

    @Test
    void aRepeatedSynGivesNoRttSample() {
        // Karn's rule: the first SYN is lost, the repeat 100 ms later is ACKed; 100 ms is not the path's RTT.
        SimPair net = new SimPair(FaultModel.clean(), 23, UtcpConfig.defaults());
        AtomicBoolean dropped = new AtomicBoolean();
        net.wire.dropWhen((from, frame) -> from.equals("a") && isSyn(frame) && dropped.compareAndSet(false, true));
        UtcpConnection c = net.a.connect(SimPair.B, "b");
        net.scheduler.runFor(SECOND);
        assertTrue(dropped.get() && c.isOpen());
        assertEquals(UtcpConfig.defaults().initialRttNanos(), c.rttNanos());
    }

    @Test
    void aPeersTailProbeIsNotLossOnOurPath() {
        // An empty NACK is the peer's sender falling idle; it must not switch us to the lossy path's 10 s hold.
        SimPair net = new SimPair(FaultModel.clean(), 24, SMALL);
        UtcpConnection c = open(net);
        long nextOfB = synSeq(net, "b") + 1;   // b has sent nothing since its SYN: nothing is missing
        net.wire.port("b").send("a", UtcpBehaviourTest.packet(SimPair.B, SimPair.A, nextOfB, UtcpFlags.NACK, Bytes.EMPTY));
        net.scheduler.runFor(MS);
        assertEquals(1, c.counters().nacksReceived());
        c.write(SimPair.randomBytes(120 * 1400, 24));
        net.scheduler.runFor(SECOND);
        // Freed by the short retention down to half the buffer (64), as on a path that never saw a NACK.
        assertTrue(c.counters().releasedByTime() >= 50, c.counters().toString());
    }

    private static boolean isSyn(byte[] frame) {
        return UtcpHeader.decode(frame) instanceof Decoded.Ok<UtcpHeader>(UtcpHeader h, int n) && h.has(UtcpFlags.SYN);
    }
}
