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

    private static TetherHarness receiver() {
        TetherHarness h = new TetherHarness(1, 0, TetherHarness.CLEAN);
        h.receiverConfig = TetherReceiverConfig.of(TetherHarness.RECEIVER);
        h.build();
        return h;
    }

    /** A peer that lights a Lamp, defines 1 GiB in 1024-byte slots and sends one frame, for the last slot (10 ms on). */
    private static WirePeer lastSlotOfAHugeFlow(TetherHarness h, long id) {
        WirePeer x = new WirePeer(h, "x", id);
        x.lamp();
        h.scheduler.runUntil(() -> false, 1_000_000L);
        x.define(1, 1024, GIB);
        h.scheduler.runUntil(() -> false, 1_000_000L);
        x.data(1, (GIB / 1024) - 1, new byte[1024]);
        h.scheduler.runUntil(() -> false, 10_000_000L);
        return x;
    }

    @Test
    void oneFrameForTheLastSlotOfAHugeFlowDrawsABoundedAnswer() {
        TetherHarness h = receiver();
        WirePeer x = lastSlotOfAHugeFlow(h, 0xAC1D00000E01L);
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

    /**
     * A probe is free and carries nothing, so it is no evidence of slots in flight: it earns its re-grant (one frame),
     * and releases a parked NACK round only once per back-off, doubling from the NACK retry (20 ms) to 1 s while no
     * data comes. One round per probe let 160 probes after one data frame draw 36,973 frames (session 35's note, left
     * alone then).
     */
    @Test
    void probesAfterOneDataFrameReleaseNackRoundsOnlyAtABackOff() {
        TetherHarness h = receiver();
        WirePeer x = lastSlotOfAHugeFlow(h, 0xAC1D00000E02L);
        int before = x.got.size();
        long nackedBefore = h.receiver.stats().nackedSlots();
        int probes = 160; // every 25 ms for 4 s
        for (int i = 0; i < probes; i++) {
            x.probe(1, 0);
            h.scheduler.runUntil(() -> false, 25_000_000L);
        }
        // back-offs 20, 40, 80, 160, 320, 640 ms, then 1 s: at most 10 rounds in 4 s, each at most one window of slots
        long perRound = CreditWindow.INITIAL / 1088 + 1;
        long nacked = h.receiver.stats().nackedSlots() - nackedBefore;
        assertTrue(nacked <= 10 * perRound, nacked + " slots NACKed for " + probes + " probes");
        int answers = x.got.size() - before;
        assertTrue(answers <= probes + 10 * perRound, answers + " frames back for " + probes + " probes");
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
