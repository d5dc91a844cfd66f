package dev.cellscope.endpoint.utcp;

import dev.cellscope.endpoint.sim.FaultModel;
import dev.cellscope.protocol.utcp.UtcpFlags;
import dev.cellscope.wire.UtcpHeader;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The same peer's next connection while its last one is not gone yet on our side: a second put right after the
 * first, a put after the client exited before its last ACK arrived, a put killed mid-transfer and run again.
 * Each waited out one of the old connection's timers (the 2 s linger, the 10 s FIN timeout, the 300 s idle
 * timeout) before the replacement rule ({@link UtcpConnection#supersededBy}).
 */
class UtcpReconnectTest {
    private static final long MS = 1_000_000L, SECOND = 1_000 * MS;

    @Test
    void aReconnectDuringTheLingerOpensAtOnce() {
        SimPair net = new SimPair(FaultModel.clean(), 21, UtcpConfig.defaults());
        net.transfer(SimPair.randomBytes(20_000, 21), 10 * SECOND);
        UtcpConnection first = net.accepted;
        assertEquals("closed", first.closeReason().message());

        long start = net.scheduler.now();
        UtcpConnection second = net.a.connect(SimPair.B, "b");
        net.scheduler.runUntil(second::isOpen, 10 * SECOND);
        assertTrue(second.isOpen());
        // One round trip on a clean wire; the old rule ignored the SYN for the 2 s linger, then waited for a repeat.
        assertTrue(net.scheduler.now() - start < 50 * MS, "opened after " + (net.scheduler.now() - start) / MS + " ms");
        assertNotSame(first, net.accepted);
        assertEquals(1, net.b.switchCounters().replaced());
        assertEquals(1, net.b.connections().size(), "the lingering one is gone");
    }

    @Test
    void aLostLastAckDoesNotBlockTheExitedPeersNextConnection() {
        SimPair net = new SimPair(FaultModel.clean(), 22, UtcpConfig.defaults());
        // a's ACK of b's FIN is lost, and a exits: b repeats its FIN until its 10 s FIN timeout.
        net.wire.dropWhen((from, frame) -> from.equals("a") && onlyAck(frame) && net.accepted != null && net.accepted.peerFinished());
        UtcpConnection c = net.a.connect(SimPair.B, "b");
        c.writeAll(SimPair.randomBytes(20_000, 22), c::close);
        net.scheduler.runUntil(c::isClosed, 10 * SECOND);
        UtcpConnection old = net.accepted;
        assertFalse(old.isClosed(), "b still waits for the ACK of its FIN");
        net.a.close();

        UtcpEndpoint<String> again = new UtcpEndpoint<>(net.scheduler, net.wire.port("a2"), SimPair.A, UtcpConfig.defaults().withSeed(7L));
        long start = net.scheduler.now();
        UtcpConnection next = again.connect(SimPair.B, "b");
        net.scheduler.runUntil(next::isOpen, 10 * SECOND);
        assertTrue(next.isOpen(), String.valueOf(next.closeReason()));
        assertTrue(net.scheduler.now() - start < 50 * MS, "opened after " + (net.scheduler.now() - start) / MS + " ms");
        assertEquals("aborted: the peer opened a new connection", old.closeReason().message());
        assertEquals(1, net.b.switchCounters().replaced());
    }

    @Test
    void aPeerRestartedMidTransferGetsInOnceItsOldConnectionFellSilent() {
        SimPair net = new SimPair(FaultModel.clean(), 23, UtcpConfig.defaults());
        UtcpConnection c = net.a.connect(SimPair.B, "b");
        c.write(SimPair.randomBytes(50_000, 23));
        net.scheduler.runFor(20 * MS);
        UtcpConnection old = net.accepted;
        assertTrue(old.isOpen());
        c.abort("killed"); // killed: no FIN (an endpoint that closes sends one, see UtcpBehaviourTest)
        net.a.close();

        UtcpEndpoint<String> again = new UtcpEndpoint<>(net.scheduler, net.wire.port("a2"), SimPair.A, UtcpConfig.defaults().withSeed(8L));
        long start = net.scheduler.now();
        UtcpConnection next = again.connect(SimPair.B, "b");
        net.scheduler.runUntil(next::isOpen, 10 * SECOND);
        assertTrue(next.isOpen(), "the old rule kept the dead connection for the 300 s idle timeout: " + next.closeReason());
        long took = net.scheduler.now() - start;
        // The SYN repeats at 0.1, 0.3, 0.7, 1.5 s: the one at 1.5 s is the first after a second of silence.
        assertTrue(took >= dev.cellscope.protocol.utcp.UtcpReconnect.QUIET_NANOS && took < 2 * SECOND, "opened after " + took / MS + " ms");
        assertEquals("aborted: the peer opened a new connection", old.closeReason().message());
    }

    @Test
    void aNewSynDoesNotDisplaceAConnectionWhosePeerIsTalking() {
        // 600 kB at 200 kB/s: three seconds of data, during which a second "a" tries to open the same pair.
        UtcpConfig slow = UtcpConfig.defaults().withPaceBytesPerSecond(200_000).withBurstBytes(4_000);
        SimPair net = new SimPair(FaultModel.clean(), 24, slow);
        byte[] data = SimPair.randomBytes(600_000, 24);
        UtcpConnection c = net.a.connect(SimPair.B, "b");
        c.writeAll(data, c::close);
        net.scheduler.runFor(100 * MS);
        UtcpConnection first = net.accepted;

        UtcpEndpoint<String> intruder = new UtcpEndpoint<>(net.scheduler, net.wire.port("x"), SimPair.A, UtcpConfig.defaults().withSeed(9L));
        UtcpConnection other = intruder.connect(SimPair.B, "b");
        net.scheduler.runUntil(() -> c.isClosed() && first.isClosed(), 20 * SECOND);

        assertEquals(SimPair.sha256(data), net.receivedHash(), "the transfer completed intact");
        assertEquals("closed", first.closeReason().message());
        assertSame(first, net.accepted);
        assertFalse(other.isOpen());
        assertEquals(0, net.b.switchCounters().replaced());
        assertTrue(net.events.stream().anyMatch(e -> e.contains("SYN with a different seq")), "the intruder's SYNs were seen and ignored");
    }

    private static boolean onlyAck(byte[] frame) {
        return frame.length >= UtcpHeader.SIZE && UtcpHeader.decode(frame) instanceof dev.cellscope.wire.Decoded.Ok<UtcpHeader>(UtcpHeader h, int n)
                && h.flags() == UtcpFlags.ACK;
    }
}
