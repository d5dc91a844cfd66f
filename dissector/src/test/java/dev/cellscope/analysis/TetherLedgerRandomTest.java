package dev.cellscope.analysis;

import dev.cellscope.expert.Severity;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static dev.cellscope.analysis.TetherFrames.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Simulated senders with a fixed seed. The test keeps its own balance per flow (grants in,
 * Tether lengths out, from the rules alone) and checks the ledger against it frame by frame.
 */
class TetherLedgerRandomTest {
    static final int FLOWS = 4, FRAMES = 20_000;

    /** One step of the simulation: B grants on a random flow, or A sends a random-size frame. */
    private static void run(long seed, boolean obeyCredit) {
        SplittableRandom rnd = new SplittableRandom(seed);
        TetherFrames t = new TetherFrames();
        long[] balance = new long[FLOWS];
        int expectedOverruns = 0, sent = 0;
        for (int i = 0; i < FRAMES; i++) {
            int flow = rnd.nextInt(FLOWS);
            if (rnd.nextInt(3) == 0) {
                long grant = rnd.nextLong(4096);
                // B's grant rides on a LAMP header-only frame: it spends nothing of B's own credit.
                TetherFrameResult r = t.feed(data(flow, LAMP, B, A, 0, grant, 0, 0, t.nextSend()));
                assertFalse(r.overrun());
                balance[flow] += grant;
                continue;
            }
            int blocks = rnd.nextInt(20);            // payload blocks; header-only frames included
            if (flow == 0) blocks = Math.max(1, blocks); // a control payload is at least one block
            long size = 64L * (1 + blocks);
            if (obeyCredit && size > balance[flow]) continue; // a polite sender waits for credit
            TetherFrameResult r = flow == 0
                    ? t.feed(control(0, A, B, 0, new dev.cellscope.wire.TetherControl.UnknownControl(9,
                            dev.cellscope.wire.Bytes.zeros(64 * blocks - 8)), t.nextSend()))
                    : t.feed(data(flow, 0, A, B, i, 0, 0, 64 * blocks, t.nextSend()));
            sent++;
            boolean expected = size > balance[flow];
            assertEquals(balance[flow], r.creditBefore(), "frame " + r.frameNumber());
            assertEquals(size, r.spent(), "frame " + r.frameNumber());
            assertEquals(expected, r.overrun(), "frame " + r.frameNumber());
            assertEquals(expected, r.findings().stream().anyMatch(e -> e.severity() == Severity.ERROR),
                    "frame " + r.frameNumber());
            balance[flow] -= size;
            assertEquals(balance[flow], r.creditAfter());
            if (expected) expectedOverruns++;
        }
        assertTrue(sent > FRAMES / 4, "the simulation sent " + sent);
        assertEquals(expectedOverruns, t.ledger.summary().overruns());
        for (int f = 0; f < FLOWS; f++) assertEquals(balance[f], t.ledger.flow(A, B, f).creditFinal());
        if (obeyCredit) {
            assertEquals(0, expectedOverruns);
        } else {
            assertTrue(expectedOverruns > 100, "a greedy sender overruns: " + expectedOverruns);
        }
    }

    @Test
    void senderWithinCreditNeverOverruns() {
        run(0xC0FFEEL, true);
    }

    @Test
    void senderIgnoringCreditOverrunsExactlyWhenItsBalanceIsShort() {
        run(0xBADC0DEL, false);
    }
}
