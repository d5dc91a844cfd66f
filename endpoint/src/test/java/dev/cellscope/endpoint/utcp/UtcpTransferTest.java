package dev.cellscope.endpoint.utcp;

import dev.cellscope.endpoint.sim.FaultModel;
import dev.cellscope.protocol.utcp.UtcpFlags;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class UtcpTransferTest {
    private static final int MIB = 1 << 20;
    private static final long SECOND = 1_000_000_000L;

    @Test
    void twentyMibThroughLossReorderAndDuplication() {
        FaultModel faults = FaultModel.clean().withLoss(0.05).withReorder(0.02).withDuplicate(0.01);
        SimPair net = new SimPair(faults, 7, UtcpConfig.defaults());
        byte[] data = SimPair.randomBytes(20 * MIB, 1);
        long wallStart = System.nanoTime();
        long virtualStart = net.scheduler.now();

        UtcpConnection c = net.transfer(data, 60 * SECOND);

        long virtual = net.scheduler.now() - virtualStart;
        long wall = System.nanoTime() - wallStart;
        assertEquals(SimPair.sha256(data), net.receivedHash(), "bytes differ; events tail: " + tail(net));
        assertFalse(c.closeReason().error(), c.closeReason().message());
        assertFalse(net.accepted.closeReason().error(), net.accepted.closeReason().message());
        assertTrue(virtual < 10 * SECOND, "virtual time " + virtual);
        UtcpCounters sent = c.counters(), got = net.accepted.counters();
        assertTrue(got.nacksSent() > 0 && sent.nacksReceived() > 0, "NACKs: " + got);
        assertTrue(sent.retransmissions() > 0, "retransmissions: " + sent);
        assertTrue(got.duplicatesDropped() > 0, "duplicates: " + got);
        assertEquals(20L * MIB, got.bytesDelivered());
        System.out.printf("20 MiB, 5%% loss 2%% reorder 1%% dup: virtual %.3f s, wall %.3f s, %d tasks%n  sender %s%n  receiver %s%n",
                virtual / 1e9, wall / 1e9, net.scheduler.tasksRun(), sent, got);
    }

    @Test
    void cleanPathSendsNoAckOrNackWhileDataFlows() {
        SimPair net = new SimPair(FaultModel.clean(), 3, UtcpConfig.defaults());
        byte[] data = SimPair.randomBytes(20 * MIB, 2);
        long wallStart = System.nanoTime();
        UtcpConnection c = net.transfer(data, 60 * SECOND);
        long wall = System.nanoTime() - wallStart;
        assertEquals(SimPair.sha256(data), net.receivedHash());
        assertFalse(c.closeReason().error(), c.closeReason().message());

        long firstData = net.seen.stream().filter(s -> s.has(UtcpFlags.DATA)).mapToLong(SimPair.Seen::time).min().orElseThrow();
        long lastData = net.seen.stream().filter(s -> s.has(UtcpFlags.DATA)).mapToLong(SimPair.Seen::time).max().orElseThrow();
        long controlDuringData = net.seen.stream()
                .filter(s -> s.time() >= firstData && s.time() <= lastData)
                .filter(s -> s.has(UtcpFlags.ACK) || s.has(UtcpFlags.NACK)).count();
        assertEquals(0, controlDuringData, "ACK/NACK frames while data flowed on a clean path");
        assertEquals(0, net.count("b", UtcpFlags.NACK));
        assertEquals(0, c.counters().retransmissions());
        // The whole conversation: 2 SYN + 2 ACK to open, DATA, 2 FIN + 2 ACK to close.
        assertEquals(4, net.count("a", UtcpFlags.ACK) + net.count("b", UtcpFlags.ACK));
        assertEquals(2, net.count("a", UtcpFlags.SYN) + net.count("b", UtcpFlags.SYN));
        assertEquals(2, net.count("a", UtcpFlags.FIN) + net.count("b", UtcpFlags.FIN));
        System.out.printf("20 MiB clean: virtual %.3f s, wall %.3f s%n", (lastData - firstData) / 1e9, wall / 1e9);
    }

    @Test
    void sameSeedSameWireTraceDifferentSeedDifferentTrace() {
        FaultModel faults = FaultModel.clean().withLoss(0.05).withReorder(0.02).withDuplicate(0.01).withDelay(50_000, 20_000);
        byte[] data = SimPair.randomBytes(MIB, 3);
        String first = run(faults, 11, data), second = run(faults, 11, data), other = run(faults, 12, data);
        assertEquals(first, second);
        assertNotEquals(first, other);
    }

    private static String run(FaultModel faults, long seed, byte[] data) {
        SimPair net = new SimPair(faults, seed, UtcpConfig.defaults());
        net.transfer(data, 60 * SECOND);
        assertEquals(SimPair.sha256(data), net.receivedHash());
        return net.traceHash();
    }

    static String tail(SimPair net) {
        return String.join("\n", net.events.subList(Math.max(0, net.events.size() - 15), net.events.size()));
    }
}
