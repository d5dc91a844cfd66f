package dev.cellscope.endpoint.tether;

import dev.cellscope.analysis.TetherFlowStats.ManifestMatch;
import dev.cellscope.analysis.TetherFlowStats;
import dev.cellscope.analysis.TetherFrameResult;
import dev.cellscope.analysis.TetherLedger;
import dev.cellscope.endpoint.sim.Fate;
import dev.cellscope.expert.Expert;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.cellscope.endpoint.tether.TetherHarness.RECEIVER;
import static dev.cellscope.endpoint.tether.TetherHarness.SENDER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TetherTransferTest {

    static List<Expert> findings(List<TetherFrameResult> results, String severity) {
        return results.stream().flatMap(r -> r.findings().stream())
                .filter(e -> e.severity().name().equalsIgnoreCase(severity)).toList();
    }

    @Test
    void overrunFaultInjectionSendsPastTheGrantAndTheAnalyzerSeesIt() {
        TetherHarness h = new TetherHarness(1, 200_000, TetherHarness.CLEAN);
        h.senderConfig = h.senderConfig.withOverrun(4 * 1088);
        SendResult result = h.run();

        assertEquals(SendResult.Status.CONFIRMED, result.status(), () -> String.join("\n", h.events));
        assertArrayEquals(h.content, h.reception.content());
        assertEquals(4, h.events.stream().filter(e -> e.startsWith("S fault injection: slot ")).count(), () -> String.join("\n", h.events));
        TetherLedger ledger = new TetherLedger();
        List<TetherFrameResult> results = TetherTap.analyze(h, ledger);
        assertTrue(ledger.summary().overruns() >= 1, "the analyzer must see the overrun");
        // Four 1088-byte frames past the grant (less whatever credit the sender still held under one frame).
        long deficit = results.stream().mapToLong(TetherFrameResult::deficit).max().orElse(0);
        assertTrue(deficit > 3 * 1088 && deficit <= 4 * 1088, "deficit " + deficit);
        assertTrue(findings(results, "error").stream().anyMatch(e -> e.message().startsWith("Grant overrun")));
        assertThrows(IllegalArgumentException.class, () -> h.senderConfig.withOverrun(-1));
    }

    @Test
    void cleanPathIsByteIdenticalAndTheAnalyzerFindsNothingWrong() {
        TetherHarness h = new TetherHarness(1, 200_000, TetherHarness.CLEAN);
        SendResult result = h.run();

        assertEquals(SendResult.Status.CONFIRMED, result.status(), () -> String.join("\n", h.events));
        assertArrayEquals(h.content, h.reception.content());
        assertTrue(h.reception.ok());
        assertEquals(196, result.totalSlots());
        assertEquals(196, result.totalFrames());
        TetherStats s = result.stats();
        assertEquals(0, s.resends());
        assertTrue(s.creditMin() >= 0);
        assertTrue(h.receiver.stats().grantsGiven() > 1, "the window must be re-granted as it drains");

        TetherLedger ledger = new TetherLedger();
        List<TetherFrameResult> results = TetherTap.analyze(h, ledger);
        assertEquals(0, ledger.summary().overruns());
        TetherFlowStats data = ledger.flow(SENDER, RECEIVER, 1);
        assertEquals(ManifestMatch.YES, data.manifest());
        assertEquals(196, data.dataFrames());
        assertEquals(1, ledger.summary().lampsAnswered());
        assertEquals(List.of(), findings(results, "error"));
        assertEquals(List.of(), findings(results, "warn"));
        assertEquals(List.of(), findings(results, "note"));
    }

    @Test
    void lossyMegabyteCompletesWithSingletonAndBulkNacksAndTheAnalyzerAgrees() {
        TetherHarness h = new TetherHarness(42, 1 << 20, TetherHarness.faults(0.05, 0.02, 0.01, 0.005));
        SendResult result = h.run();

        assertEquals(SendResult.Status.CONFIRMED, result.status(), () -> String.join("\n", h.events));
        assertArrayEquals(h.content, h.reception.content());
        assertTrue(h.reception.ok());
        TetherStats s = result.stats(), r = h.receiver.stats();
        assertTrue(s.singletonNacks() > 0 && r.singletonNacks() > 0, "singleton NACKs exercised: " + r);
        assertTrue(s.bulkNacks() > 0 && r.bulkNacks() > 0, "bulk Nacks exercised: " + r);
        assertTrue(s.resends() > 0);
        assertEquals(1024 + s.resends(), result.totalFrames());
        assertTrue(s.creditMin() >= 0);
        // Every corrupted copy that reached an endpoint was dropped for its CRC, none processed.
        long corruptedCopies = h.sent.stream().filter(t -> t.faults().contains(Fate.CORRUPTED))
                .mapToLong(t -> t.faults().contains(Fate.DUPLICATED) ? 2 : 1).sum();
        assertTrue(corruptedCopies > 0);
        assertEquals(corruptedCopies, s.crcDrops() + r.crcDrops());
        assertTrue(s.duplicates() + r.duplicates() > 0);

        // The tap sits where frames enter the wire (before loss), so it sees every frame sent,
        // including those later lost: the sender's Manifest counts exactly those and must match.
        TetherLedger ledger = new TetherLedger();
        List<TetherFrameResult> results = TetherTap.analyze(h, ledger);
        assertEquals(0, ledger.summary().overruns());
        TetherFlowStats data = ledger.flow(SENDER, RECEIVER, 1);
        assertEquals(ManifestMatch.YES, data.manifest());
        assertEquals(result.totalFrames(), data.dataFrames());
        assertEquals(0, data.nacksOutstanding());
        assertEquals(s.resends(), data.slotsResent());
        long linked = results.stream().filter(x -> x.retransmission() && x.answersNackInFrame() != TetherFrameResult.NONE).count();
        assertEquals(data.slotsResent(), linked, "every re-send answers a NACK");
        assertEquals(List.of(), findings(results, "error"));
    }

    @Test
    void singleMissingSlotIsNackedSingly() {
        TetherHarness h = new TetherHarness(3, 20 * 1024, TetherHarness.CLEAN);
        dropFirst(h, 5);
        SendResult result = h.run();
        assertEquals(SendResult.Status.CONFIRMED, result.status());
        assertArrayEquals(h.content, h.reception.content());
        assertEquals(1, h.receiver.stats().singletonNacks());
        assertEquals(0, h.receiver.stats().bulkNacks());
        assertEquals(1, result.stats().resends());
        assertEquals(21, result.totalFrames());
    }

    @Test
    void severalMissingSlotsAndSlotZeroGoInABulkNack() {
        TetherHarness h = new TetherHarness(4, 40 * 1024, TetherHarness.CLEAN);
        dropFirst(h, 0, 10, 11, 12);
        SendResult result = h.run();
        assertEquals(SendResult.Status.CONFIRMED, result.status(), () -> String.join("\n", h.events));
        assertArrayEquals(h.content, h.reception.content());
        assertEquals(0, h.receiver.stats().singletonNacks());
        assertTrue(h.receiver.stats().bulkNacks() >= 1);
        assertEquals(4, result.stats().resends());
        TetherLedger ledger = new TetherLedger();
        TetherTap.analyze(h, ledger);
        assertEquals(4, ledger.flow(SENDER, RECEIVER, 1).nackSlotsBulk());
        assertEquals(ManifestMatch.YES, ledger.flow(SENDER, RECEIVER, 1).manifest());
    }

    @Test
    void longBulkNackSpansSeveralBlocks() {
        TetherHarness h = new TetherHarness(5, 200 * 1024, TetherHarness.CLEAN);
        long[] slots = new long[40];
        for (int i = 0; i < slots.length; i++) slots[i] = 20 + 2L * i;
        dropFirst(h, slots);
        SendResult result = h.run();
        assertEquals(SendResult.Status.CONFIRMED, result.status(), () -> String.join("\n", h.events));
        assertArrayEquals(h.content, h.reception.content());
        assertEquals(40, result.stats().resends());
        boolean multiBlock = h.sent.stream().anyMatch(t -> t.from().equals("b") && t.bytes().length > 128
                && t.bytes()[4] == 0 && t.bytes()[5] == 0);
        assertTrue(multiBlock, "a bulk Nack longer than one block");
    }

    /** Drops the first transmission of each given data slot (flow 1). */
    static void dropFirst(TetherHarness h, long... slots) {
        java.util.Set<Long> pending = new java.util.HashSet<>();
        for (long s : slots) pending.add(s);
        h.wire.dropWhen((from, bytes) -> {
            var f = ((dev.cellscope.wire.Decoded.Ok<dev.cellscope.wire.TetherFrame>) dev.cellscope.wire.TetherFrame.decode(bytes)).value();
            return f.header().flowId() == 1 && f.payload().length() > 0 && pending.remove(f.header().slotId());
        });
    }
}
