package dev.cellscope.endpoint.utcp;

import dev.cellscope.endpoint.sim.Fate;
import dev.cellscope.endpoint.sim.FaultModel;
import dev.cellscope.protocol.utcp.UtcpFlags;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.NackRange;
import dev.cellscope.wire.UtcpHeader;
import dev.cellscope.wire.UtcpNack;
import dev.cellscope.wire.UtcpPacket;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class UtcpBehaviourTest {
    private static final long MS = 1_000_000L, SECOND = 1_000 * MS;

    @Test
    void reorderingWithinTheWindowCausesNoRetransmission() {
        // Late frames arrive 200 µs behind their successors: well inside the 3 ms reorder window.
        SimPair net = new SimPair(FaultModel.clean().withReorder(0.05), 5, UtcpConfig.defaults());
        byte[] data = SimPair.randomBytes(2 << 20, 5);
        UtcpConnection c = net.transfer(data, 10 * SECOND);
        assertEquals(SimPair.sha256(data), net.receivedHash());
        assertTrue(net.seen.stream().filter(s -> s.fate() == Fate.DELAYED).count() > 20, "the wire reordered");
        assertEquals(0, net.accepted.counters().nacksSent());
        assertEquals(0, c.counters().retransmissions());
        assertFalse(c.closeReason().error());
    }

    @Test
    void reorderingPastACountWindowIsNacked() {
        // With a 4-packet count window, a frame overtaken by dozens of others is NACKed before it lands.
        UtcpConfig cfg = UtcpConfig.defaults().withReorderPackets(4);
        SimPair net = new SimPair(FaultModel.clean().withReorder(0.05).withReorderDelay(2 * MS), 5, cfg);
        byte[] data = SimPair.randomBytes(2 << 20, 5);
        net.transfer(data, 10 * SECOND);
        assertEquals(SimPair.sha256(data), net.receivedHash());
        assertTrue(net.accepted.counters().nacksSent() > 0);
    }

    @Test
    void duplicatesAreDroppedNotDelivered() {
        SimPair net = new SimPair(FaultModel.clean().withDuplicate(0.05), 6, UtcpConfig.defaults());
        net.keepBytes = true;
        byte[] data = SimPair.randomBytes(1 << 20, 6);
        UtcpConnection c = net.transfer(data, 10 * SECOND);
        assertArrayEquals(data, net.receivedAtB.toByteArray());
        assertTrue(net.accepted.counters().duplicatesDropped() > 10, net.accepted.counters().toString());
        assertEquals(0, c.counters().retransmissions());
    }

    @Test
    void finAndAckCloseBothDirections() {
        SimPair net = new SimPair(FaultModel.clean(), 8, UtcpConfig.defaults());
        byte[] data = SimPair.randomBytes(10_000, 8);
        UtcpConnection c = net.transfer(data, 10 * SECOND);
        for (UtcpConnection end : List.of(c, net.accepted)) {
            assertEquals(new UtcpConnection.CloseReason(false, "closed"), end.closeReason());
            assertTrue(end.finAcknowledged());
            assertTrue(end.peerFinished());
        }
        // FIN seq is the one after the last DATA; each FIN is answered by one ACK.
        UtcpHeader fin = net.seen.stream().filter(s -> s.from().equals("a") && s.has(UtcpFlags.FIN)).findFirst().orElseThrow().header();
        long lastData = net.seen.stream().filter(s -> s.from().equals("a") && s.has(UtcpFlags.DATA))
                .mapToLong(s -> s.header().seq()).max().orElseThrow();
        assertEquals(lastData + 1, fin.seq());
        net.scheduler.runFor(5 * SECOND);
        assertTrue(net.a.connections().isEmpty() && net.b.connections().isEmpty(), "removed after the linger time");
    }

    /**
     * An endpoint that closes (serve's SIGTERM) sends each open connection one FIN first: a peer that has everything
     * sees the stream end at once. On the old code the connections were aborted silently and the peer waited out its
     * timers (idle: 300 s).
     */
    @Test
    void anEndpointThatClosesTellsItsPeersWithAFin() {
        SimPair net = new SimPair(FaultModel.clean(), 9, UtcpConfig.defaults());
        UtcpConnection c = net.a.connect(SimPair.B, "b");
        c.write(SimPair.randomBytes(3_000, 9));
        net.scheduler.runFor(SECOND);
        assertTrue(c.isOpen() && net.accepted != null && !net.accepted.peerFinished());
        net.a.close();
        net.scheduler.runFor(SECOND / 10);
        assertTrue(net.accepted.peerFinished(), net.events.toString());
        assertTrue(c.closeReason().error() && c.closeReason().message().equals("aborted: endpoint closed"), c.closeReason().toString());
    }

    @Test
    void lostFinsAndAcksAreRepeated() {
        SimPair net = new SimPair(FaultModel.clean(), 9, UtcpConfig.defaults());
        UtcpConnection c = net.a.connect(SimPair.B, "b");
        net.scheduler.runFor(10 * MS);
        c.write(SimPair.randomBytes(5000, 9));
        net.scheduler.runFor(10 * MS);
        net.wire.faults(FaultModel.clean().withLoss(0.5));
        c.close();
        net.scheduler.runUntil(() -> c.isClosed() && net.accepted.isClosed(), 30 * SECOND);
        assertFalse(c.closeReason().error(), c.closeReason().message());
        assertFalse(net.accepted.closeReason().error(), net.accepted.closeReason().message());
    }

    @Test
    void unansweredSynTimesOutWithAReason() {
        SimPair net = new SimPair(FaultModel.clean(), 10, UtcpConfig.defaults());
        net.b.listen(null);
        UtcpConnection c = net.a.connect(SimPair.B, "b");
        net.scheduler.runUntil(c::isClosed, 60 * SECOND);
        assertTrue(c.closeReason().error());
        assertTrue(c.closeReason().message().startsWith("connect timeout"), c.closeReason().message());
        assertTrue(net.count("a", UtcpFlags.SYN) > 3, "SYN repeated with backoff");
        assertEquals(net.count("a", UtcpFlags.SYN), net.b.switchCounters().noConnection());
    }

    @Test
    void unacknowledgedFinTimesOut() {
        SimPair net = new SimPair(FaultModel.clean(), 11, UtcpConfig.defaults());
        UtcpConnection c = net.a.connect(SimPair.B, "b");
        net.scheduler.runFor(10 * MS);
        net.wire.faults(FaultModel.clean().withLoss(1.0));
        c.close();
        net.scheduler.runUntil(c::isClosed, 60 * SECOND);
        assertEquals("close timeout: FIN not acknowledged", c.closeReason().message());
    }

    @Test
    void unansweredNackTimesOut() {
        SimPair net = new SimPair(FaultModel.clean(), 12, UtcpConfig.defaults().withIdleTimeoutNanos(0));
        UtcpConnection c = net.a.connect(SimPair.B, "b");
        net.scheduler.runFor(10 * MS);
        long isnA = synSeq(net, "a");
        // A DATA 5 seqs ahead makes seqs isn+1..isn+5 missing at b; then the wire goes dead.
        net.wire.port("a").send("b", packet(SimPair.A, SimPair.B, isnA + 6, UtcpFlags.DATA, Bytes.of(new byte[10])));
        net.scheduler.runFor(MS);
        net.wire.faults(FaultModel.clean().withLoss(1.0));
        net.scheduler.runUntil(net.accepted::isClosed, 60 * SECOND);
        assertTrue(net.accepted.closeReason().message().startsWith("NACK not answered"), net.accepted.closeReason().message());
        assertTrue(net.accepted.counters().nacksSent() > 3, "NACK repeated with backoff");
        assertFalse(c.isClosed());
    }

    @Test
    void nackForAFreedSeqClosesWithAClearError() {
        // A 128-packet buffer: 200 packets fill it past half, so the short retention applies.
        UtcpConfig cfg = UtcpConfig.defaults().withRetentionNanos(20 * MS).withBufferPackets(128);
        SimPair net = new SimPair(FaultModel.clean(), 13, cfg);
        UtcpConnection c = net.a.connect(SimPair.B, "b");
        net.scheduler.runFor(10 * MS);
        c.write(SimPair.randomBytes(200 * 1400, 13));
        net.scheduler.runFor(SECOND);
        assertTrue(c.counters().releasedByTime() >= 64, c.counters().toString());   // down to half the buffer
        long isnA = synSeq(net, "a");
        byte[] nack = new UtcpNack(List.of(new NackRange(isnA + 1, 1))).encode();
        net.wire.port("b").send("a", packet(SimPair.B, SimPair.A, 0, UtcpFlags.NACK, Bytes.of(nack)));
        net.scheduler.runFor(MS);
        assertTrue(c.isClosed());
        assertTrue(c.closeReason().error());
        assertTrue(c.closeReason().message().contains("already freed from the retransmit buffer"), c.closeReason().message());
    }

    /** A NACK that comes long after the retention (a busy or cold peer) is still answered while the buffer has room. */
    @Test
    void lateNackIsAnsweredWhileTheBufferHasRoom() {
        UtcpConfig cfg = UtcpConfig.defaults().withRetentionNanos(20 * MS);
        SimPair net = new SimPair(FaultModel.clean(), 13, cfg);
        UtcpConnection c = net.a.connect(SimPair.B, "b");
        net.scheduler.runFor(10 * MS);
        c.write(SimPair.randomBytes(20 * 1400, 13));
        net.scheduler.runFor(SECOND);   // 50 times the retention
        assertEquals(0, c.counters().releasedByTime(), c.counters().toString());
        long isnA = synSeq(net, "a");
        byte[] nack = new UtcpNack(List.of(new NackRange(isnA + 1, 1))).encode();
        net.wire.port("b").send("a", packet(SimPair.B, SimPair.A, 0, UtcpFlags.NACK, Bytes.of(nack)));
        net.scheduler.runFor(10 * MS);
        assertFalse(c.isClosed(), () -> c.closeReason().message());
        assertEquals(1, c.counters().retransmissions(), c.counters().toString());
    }

    @Test
    void netSwitchDropsUnknownDestinationsAndDisallowedSourcesAndCountsThem() {
        SimPair net = new SimPair(FaultModel.clean(), 14, UtcpConfig.defaults());
        net.b.allowList(Set.of(SimPair.A));
        var stranger = net.wire.port("x");
        stranger.send("b", packet(SimPair.A, SimPair.STRANGER, 1, UtcpFlags.SYN, Bytes.EMPTY));   // not our CellID
        stranger.send("b", packet(SimPair.STRANGER, SimPair.B, 1, UtcpFlags.SYN, Bytes.EMPTY));   // not allowed
        stranger.send("b", packet(SimPair.STRANGER, SimPair.B, 2, UtcpFlags.SYN, Bytes.EMPTY));
        stranger.send("b", new byte[12]);                                                            // too short
        byte[] lying = packet(SimPair.A, SimPair.B, 1, UtcpFlags.DATA, Bytes.of(new byte[8]));
        stranger.send("b", java.util.Arrays.copyOf(lying, lying.length - 4));                      // payload_len lies
        net.scheduler.runFor(10 * MS);
        assertEquals(new SwitchCounters(1, 2, 2, 0, 0, 0, 0, 0), net.b.switchCounters());
        assertNull(net.accepted, "no connection was opened");
        assertTrue(net.events.stream().anyMatch(e -> e.contains("not allowed")));
        // An allowed peer still gets in.
        UtcpConnection c = net.a.connect(SimPair.B, "b");
        net.scheduler.runFor(10 * MS);
        assertTrue(c.isOpen());
    }

    @Test
    void corruptionNeverThrows() {
        // UTCP has no checksum: corrupted frames may be delivered; the stack must only survive them.
        SimPair net = new SimPair(FaultModel.clean().withCorrupt(0.05).withLoss(0.01), 15, UtcpConfig.defaults());
        assertDoesNotThrow(() -> net.transfer(SimPair.randomBytes(1 << 20, 15), 30 * SECOND));
    }

    private static long synSeq(SimPair net, String from) {
        return net.seen.stream().filter(s -> s.from().equals(from) && s.has(UtcpFlags.SYN)).findFirst().orElseThrow().header().seq();
    }

    static byte[] packet(Bytes src, Bytes dst, long seq, long flags, Bytes payload) {
        return new UtcpPacket(new UtcpHeader(src, dst, seq & 0xFFFF_FFFFL, (int) flags, payload.length()), payload).encode();
    }
}
