package dev.cellscope.endpoint.tether;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Three frames must not buy a flood (review of tether-recv: a Lamp, a Define for 1 GiB in 1024-byte slots and one data
 * frame for the last slot drew 1.66 M singleton NACK frames and 2.28 GB of grants in 5 s). NACK rounds are capped at a
 * window of slots, need the sender heard since the last one, and presume lost no more credit than the sender holds.
 * Virtual time.
 */
class NackAmplificationTest {
    private static final long GIB = 1L << 30;

    @Test
    void oneFrameForTheLastSlotOfAHugeFlowDrawsABoundedAnswer() {
        TetherHarness h = new TetherHarness(1, 0, TetherHarness.CLEAN);
        h.receiverConfig = TetherReceiverConfig.of(TetherHarness.RECEIVER);
        h.build();
        WirePeer x = new WirePeer(h, "x", 0xAC1D00000E01L);
        x.lamp();
        h.scheduler.runUntil(() -> false, 1_000_000L);
        x.define(1, 1024, GIB);
        h.scheduler.runUntil(() -> false, 1_000_000L);
        x.data(1, (GIB / 1024) - 1, new byte[1024]);
        h.scheduler.runUntil(() -> false, 10_000_000L);
        assertTrue(x.got.size() < 300, x.got.size() + " frames back for one data frame");
        h.scheduler.runUntil(() -> false, 5_000_000_000L);
        TetherStats s = h.receiver.stats();
        assertTrue(x.got.size() < 300, x.got.size() + " frames back in 5 s for one data frame");
        long window = Math.min(h.receiverConfig.window(), CreditWindow.INITIAL);
        // the first window, one NACK round's re-sends (at most what the sender could hold) and one stall re-grant
        assertTrue(x.dataGrants() <= 3 * (window + 1088), x.dataGrants() + " bytes granted: " + h.events); // the window opens by the frame received
        assertTrue(s.nackedSlots() <= window / 1088 + 1, s.nackedSlots() + " slots NACKed");
        long lines = h.events.stream().filter(e -> e.contains("no control credit") || e.startsWith("R nack")).count();
        assertTrue(lines <= 10, h.events.toString());
    }

    /** The rest of a gap larger than one round is NACKed in later rounds, as the sender goes on sending. */
    @Test
    void aGapLargerThanOneRoundIsNackedOverSeveralRounds() {
        GapTracker g = new GapTracker(1_000_000L, 20_000_000L);
        g.arrived(1000, 0, s -> false);
        assertEquals(java.util.stream.LongStream.range(0, 100).boxed().toList(), g.due(2_000_000L, 100));
        assertEquals(1000, g.missing(), "NACKed slots stay missing until they arrive");
        assertEquals(java.util.stream.LongStream.range(100, 200).boxed().toList(), g.due(2_000_001L, 100));
    }
}
