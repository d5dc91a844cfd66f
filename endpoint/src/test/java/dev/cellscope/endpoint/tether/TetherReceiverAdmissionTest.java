package dev.cellscope.endpoint.tether;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 12, item 3, in virtual time: what a Define may cost the receiver. Attackers are {@link WirePeer}s:
 * extra ports on the simulated wire.
 */
class TetherReceiverAdmissionTest {
    private static final long GIB = 1L << 30;

    private static TetherHarness receiverOnly(TetherReceiverConfig config) {
        TetherHarness h = new TetherHarness(1, 0, TetherHarness.CLEAN);
        h.receiverConfig = config;
        h.build();
        return h;
    }

    @Test
    void aDefineWithoutALampExchangeIsRefusedAndGetsNothing() {
        TetherHarness h = receiverOnly(TetherReceiverConfig.of(TetherHarness.RECEIVER));
        WirePeer x = new WirePeer(h, "x", 0xAC1D0000BAD1L);
        x.define(1, GIB);
        h.scheduler.runUntil(() -> false, 5_000_000_000L);
        assertEquals(1, h.receiver.stats().refusedDefines());
        assertEquals(List.of(), x.got, "nothing goes back to a sender that did not complete the Lamp exchange");
        assertEquals(0, h.receiver.stats().grantsGiven());
    }

    /** The grant in a refused Define from a sender without a Lamp exchange is not credited either. */
    @Test
    void grantsFromASenderWithoutALampExchangeAreNotCredited() {
        TetherHarness h = receiverOnly(TetherReceiverConfig.of(TetherHarness.RECEIVER));
        WirePeer x = new WirePeer(h, "x", 0xAC1D0000BAD3L);
        x.define(1, 1000); // grants 16384 on flow 0
        h.scheduler.runUntil(() -> false, 1_000_000L);
        assertEquals(1, h.receiver.stats().refusedDefines());
        assertEquals(0, h.receiver.credit(0xAC1D0000BAD3L, 0));
        x.lamp();
        h.scheduler.runUntil(() -> false, 1_000_000L);
        x.define(2, 1000);
        h.scheduler.runUntil(() -> false, 1_000_000L);
        assertEquals(16_384, h.receiver.credit(0xAC1D0000BAD3L, 0), "once lit, its grants count");
    }

    @Test
    void aLampFromOneAddressDoesNotAdmitDefinesFromAnother() {
        TetherHarness h = receiverOnly(TetherReceiverConfig.of(TetherHarness.RECEIVER));
        WirePeer x = new WirePeer(h, "x", 0xAC1D0000BAD1L), y = new WirePeer(h, "y", 0xAC1D0000BAD1L); // same ID, other address
        x.lamp();
        h.scheduler.runUntil(() -> false, 10_000_000L);
        y.define(1, 1000);
        h.scheduler.runUntil(() -> false, 10_000_000L);
        assertEquals(1, h.receiver.stats().refusedDefines());
        assertEquals(List.of(), y.got);
    }

    /** Eight lit senders at eight addresses announce 1 GiB each: four fit the 4 GiB total, and they cost nothing until data comes. */
    @Test
    void gigabyteDefinesAllocateNothingAndTheTotalIsCapped() {
        TetherHarness h = receiverOnly(TetherReceiverConfig.of(TetherHarness.RECEIVER));
        long before = usedHeapAfterGc();
        List<WirePeer> peers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            WirePeer p = new WirePeer(h, "x" + i, 0xAC1D0000B000L + i);
            peers.add(p);
            p.lamp();
            h.scheduler.runUntil(() -> false, 1_000_000L);
            p.define(1, GIB);
            h.scheduler.runUntil(() -> false, 1_000_000L);
        }
        long grown = usedHeapAfterGc() - before;
        assertEquals(4, h.receiver.stats().refusedDefines(), "4 GiB announced in all, 1 GiB each: the last four are refused");
        assertEquals(4, peers.stream().filter(p -> p.dataGrants() > 0).count());
        assertTrue(grown < 64L << 20, "heap grew by " + grown + " bytes for Defines that sent no data");
    }

    @Test
    void perFlowPerSourceAndFlowCountLimits() {
        TetherHarness h = receiverOnly(TetherReceiverConfig.of(TetherHarness.RECEIVER).withLimits(1_000_000, 10_000_000, 3));
        WirePeer x = new WirePeer(h, "x", 0xAC1D00000A01L), y = new WirePeer(h, "y", 0xAC1D00000A02L);
        x.lamp();
        y.lamp();
        h.scheduler.runUntil(() -> false, 1_000_000L);
        x.define(1, 1_000_001); // over the per-flow cap
        x.define(2, 600_000);
        x.define(3, 600_000); // x's open flows would announce 1.2 MB: over the per-source share
        y.define(1, 500_000);
        y.define(2, 400_000);
        y.define(3, 1000); // a fourth open flow
        h.scheduler.runUntil(() -> false, 1_000_000L);
        assertEquals(3, h.receiver.stats().refusedDefines());
        // Each reason prints at once (they were one kind, so the second waited a second): the wire delivers y's
        // Defines before x's third, so the last two are both refused for the flow count, the second held back.
        List<String> lines = h.events.stream().filter(e -> e.startsWith("R refused Define")).toList();
        assertEquals(2, lines.size(), h.events.toString());
        assertTrue(lines.get(0).endsWith(": announces 1000001 bytes, more than the 1000000 a flow may"), lines.get(0));
        assertTrue(lines.get(1).endsWith(": 3 flows are open already, the most allowed"), lines.get(1));
    }

    @Test
    void theTotalRefusalNamesTheDefinesOwnSizeAndOneFlowIsSingular() {
        TetherHarness h = receiverOnly(TetherReceiverConfig.of(TetherHarness.RECEIVER).withLimits(1_000_000, 1_500_000, 1));
        WirePeer x = new WirePeer(h, "x", 0xAC1D00000A03L), y = new WirePeer(h, "y", 0xAC1D00000A04L);
        x.lamp();
        y.lamp();
        h.scheduler.runUntil(() -> false, 1_000_000L);
        x.define(1, 900_000);
        y.define(1, 1000);
        h.scheduler.runUntil(() -> false, 1_000_000L);
        TetherHarness h2 = receiverOnly(TetherReceiverConfig.of(TetherHarness.RECEIVER).withLimits(1_000_000, 1_500_000, 5));
        WirePeer a = new WirePeer(h2, "x", 0xAC1D00000A05L), b = new WirePeer(h2, "y", 0xAC1D00000A06L);
        a.lamp();
        b.lamp();
        h2.scheduler.runUntil(() -> false, 1_000_000L);
        a.define(1, 900_000);
        b.define(1, 700_000);
        h2.scheduler.runUntil(() -> false, 1_000_000L);
        assertTrue(h.events.stream().anyMatch(e -> e.endsWith(": 1 flow is open already, the most allowed")), h.events.toString());
        assertTrue(h2.events.stream().anyMatch(e -> e.endsWith(": announces 700000 bytes, and open flows announce 900000 already; 1500000 in all are allowed")),
                h2.events.toString());
    }

    /** A slot frame larger than the transport carries cannot arrive: such a Define is refused (it earned 8.59 GB of grants). */
    @Test
    void aDefineWhoseSlotFrameCannotFitTheTransportIsRefused() {
        TetherHarness h = receiverOnly(TetherReceiverConfig.of(TetherHarness.RECEIVER));
        WirePeer x = new WirePeer(h, "x", 0xAC1D00000B01L);
        x.lamp();
        h.scheduler.runUntil(() -> false, 1_000_000L);
        x.define(1, 0xFFFF_FFFFL, 1_000_000);
        x.define(2, 65_409, 1_000_000); // 64 + 1023 blocks = 65536 bytes, past UDP's 65507
        h.scheduler.runUntil(() -> false, 1_000_000L);
        assertEquals(2, h.receiver.stats().refusedDefines(), h.events.toString());
        x.define(3, 65_408, 1_000_000); // 64 + 1022 blocks = 65472: fits
        h.scheduler.runUntil(() -> false, 5_000_000_000L);
        assertEquals(2, h.receiver.stats().refusedDefines(), h.events.toString());
        assertTrue(x.dataGrants() <= 2 * CreditWindow.INITIAL, x.dataGrants() + " bytes granted");
        TetherHarness eth = receiverOnly(TetherReceiverConfig.of(TetherHarness.RECEIVER).withMaxFrame(1500));
        WirePeer y = new WirePeer(eth, "y", 0xAC1D00000B02L);
        y.lamp();
        eth.scheduler.runUntil(() -> false, 1_000_000L);
        y.define(1, 1472, 1_000_000); // 1536-byte frames on a 1500 MTU
        eth.scheduler.runUntil(() -> false, 1_000_000L);
        assertEquals(1, eth.receiver.stats().refusedDefines());
    }

    /** A lit sender that defines and goes silent: its first window, no stall re-grant, nothing more; abandoned after the idle time. */
    @Test
    void aSilentFlowIsNotReGrantedForEverAndIsAbandoned() {
        TetherReceiverConfig config = TetherReceiverConfig.of(TetherHarness.RECEIVER);
        TetherHarness h = receiverOnly(config);
        WirePeer x = new WirePeer(h, "x", 0xAC1D00000C01L);
        x.lamp();
        h.scheduler.runUntil(() -> false, 1_000_000L);
        x.define(1, GIB);
        h.scheduler.runUntil(() -> false, 60_000_000_000L);
        // The window opens only as data arrives (CreditWindow): a silent flow's first window is the initial 256 KiB, not the 4 MiB.
        assertEquals(Math.min(config.window(), CreditWindow.INITIAL), x.dataGrants(),
                "the first window only (before: a window every 40 ms, 375 MB a minute; then 512 KiB, one stall re-grant more)");
        assertEquals(1, h.receiver.stats().abandonedFlows());
        // Its reservation is free again: a new 1 GiB flow from the same address is admitted.
        x.define(2, GIB);
        h.scheduler.runUntil(() -> false, 1_000_000L);
        assertEquals(0, h.receiver.stats().refusedDefines());
    }

    /** The confirmation waits for the keeper: the sender stays unconfirmed while the content is being written. */
    @Test
    void confirmationWaitsForTheKeeper() {
        TetherHarness h = new TetherHarness(3, 50_000, TetherHarness.CLEAN);
        CompletableFuture<Void> kept = new CompletableFuture<>();
        List<Reception> keeping = new ArrayList<>();
        h.build();
        h.receiver.keeper(r -> {
            keeping.add(r);
            return kept;
        });
        var done = h.sender.start();
        h.scheduler.runUntil(() -> !keeping.isEmpty(), 10_000_000_000L);
        h.scheduler.runUntil(() -> false, 50_000_000L);
        assertFalse(done.isDone(), "confirmed before the content was kept");
        assertFalse(h.receiver.completion().isDone());
        assertArrayEquals(h.content, keeping.getFirst().content());
        h.scheduler.execute(() -> kept.complete(null));
        h.scheduler.runUntil(done::isDone, 10_000_000_000L);
        assertEquals(SendResult.Status.CONFIRMED, done.join().status());
        assertTrue(h.receiver.completion().isDone());
    }

    @Test
    void aFailedKeeperMeansNoConfirmation() {
        TetherHarness h = new TetherHarness(4, 50_000, TetherHarness.CLEAN);
        h.build();
        h.receiver.keeper(r -> CompletableFuture.failedFuture(new java.io.IOException("disk full")));
        var done = h.sender.start();
        h.scheduler.runUntil(done::isDone, 60_000_000_000L);
        assertEquals(SendResult.Status.UNCONFIRMED, done.join().status());
        ExecutionException e = assertThrows(ExecutionException.class, () -> h.receiver.completion().get());
        assertEquals("disk full", e.getCause().getMessage());
    }

    /** A lampData sender writing one slot a page apart allocates only the pages it touched. */
    @Test
    void contentPagesAreAllocatedAsDataArrives() {
        FlowContent c = new FlowContent(GIB);
        assertEquals(0, c.allocatedBytes());
        c.write(5L * FlowContent.PAGE - 10, new byte[20], 20); // straddles two pages
        assertEquals(2L * FlowContent.PAGE, c.allocatedBytes());
        byte[] all = FlowContent.of(new byte[] {1, 2, 3}).toArray();
        assertArrayEquals(new byte[] {1, 2, 3}, all);
        assertEquals(dev.cellscope.crypto.Crc64GoIso.compute(new byte[200_000]), new FlowContent(200_000).crc64());
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** A sender whose first grant was lost repeats its Define: that earns the stall re-grant a silent one does not get. */
    @Test
    void aRepeatedDefineEarnsTheStallReGrant() {
        TetherHarness h = receiverOnly(TetherReceiverConfig.of(TetherHarness.RECEIVER));
        WirePeer x = new WirePeer(h, "x", 0xAC1D00000C02L);
        x.lamp();
        h.scheduler.runUntil(() -> false, 1_000_000L);
        x.define(1, GIB);
        h.scheduler.runUntil(() -> false, 50_000_000L);
        x.define(1, GIB); // as TetherSender's retry does
        h.scheduler.runUntil(() -> false, 100_000_000L);
        assertEquals(2 * CreditWindow.INITIAL, x.dataGrants());
        assertEquals(1, h.receiver.stats().regrants());
    }

    /** A burst of refusals prints one line at once and, when the second is up, one more with the count held back. */
    @Test
    void refusalsHeldBackAreCountedWhenTheSecondIsUp() {
        TetherHarness h = receiverOnly(TetherReceiverConfig.of(TetherHarness.RECEIVER));
        WirePeer x = new WirePeer(h, "x", 0xAC1D0000BAD2L);
        for (int flow = 1; flow <= 50; flow++) x.define(flow, 1000); // no Lamp exchange: each refused
        h.scheduler.runUntil(() -> false, 3_000_000_000L);
        assertEquals(50, h.receiver.stats().refusedDefines());
        List<String> lines = h.events.stream().filter(e -> e.startsWith("R refused Define")).toList();
        assertEquals(2, lines.size(), h.events.toString());
        assertTrue(lines.get(0).startsWith("R refused Define for flow 1 "), lines.toString());
        assertTrue(lines.get(1).startsWith("R refused Define for flow 50 ") && lines.get(1).endsWith("(and 48 more like it in the last 1 s)"),
                lines.toString());
    }
}
