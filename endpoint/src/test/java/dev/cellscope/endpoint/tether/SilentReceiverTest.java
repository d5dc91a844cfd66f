package dev.cellscope.endpoint.tether;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A receiver that stops answering mid-transfer (killed): the sender gives up after its silence timeout instead of
 * probing until the whole deadline (user review: 297.8 s of 300 for a receiver killed at once). Virtual time.
 */
class SilentReceiverTest {
    @Test
    void aReceiverGoneQuietEndsTheTransferAfterTheSilenceTimeout() {
        TetherHarness h = new TetherHarness(7, 2_000_000, TetherHarness.CLEAN).build();
        h.sender.silenceTimeout(2_000_000_000L);
        long[] quietFrom = {-1};
        // from the 200th frame on, nothing the receiver sends reaches the sender: as if it had been killed
        int[] seen = {0};
        h.wire.dropWhen((from, frame) -> {
            if (from.equals("a") && ++seen[0] == 200) quietFrom[0] = h.scheduler.clock().nanos();
            return from.equals("b") && quietFrom[0] >= 0;
        });
        long t0 = h.scheduler.clock().nanos();
        SendResult r = h.run();
        assertEquals(SendResult.Status.SILENT, r.status(), h.events.toString());
        assertTrue(quietFrom[0] > t0);
        long after = t0 + r.elapsedNanos() - quietFrom[0];
        assertTrue(after >= 2_000_000_000L && after < 3_100_000_000L, "ended " + after / 1_000_000 + " ms after the receiver went quiet");
        assertTrue(h.events.stream().anyMatch(e -> e.startsWith("S nothing from the receiver for ")), h.events.toString());
    }

    @Test
    void withoutASilenceTimeoutItRunsToTheDeadline() {
        TetherHarness h = new TetherHarness(7, 2_000_000, TetherHarness.CLEAN).build();
        int[] seen = {0};
        h.wire.dropWhen((from, frame) -> {
            if (from.equals("a")) seen[0]++;
            return from.equals("b") && seen[0] >= 200;
        });
        SendResult r = h.run();
        assertEquals(SendResult.Status.DEADLINE, r.status(), h.events.toString());
    }
}
