package dev.cellscope.analysis;

import org.junit.jupiter.api.Test;

import java.lang.ref.Reference;

import static dev.cellscope.analysis.TetherFrames.*;
import static org.junit.jupiter.api.Assertions.*;

/** A million frames over 100 flows leave state proportional to the flows, not the frames. */
class TetherLedgerMemoryTest {
    static final int FLOWS = 100, FRAMES = 1_000_000;

    @Test
    void stateStaysProportionalToFlows() {
        Runtime rt = Runtime.getRuntime();
        long baseline = usedAfterGc(rt);
        TetherLedger ledger = new TetherLedger();
        long[] nextSlot = new long[FLOWS + 1];
        for (int i = 1; i <= FRAMES; i++) {
            int flow = 1 + (i - 1) % FLOWS;
            long ts = T0 + i * 1_000L;
            long send = ts - 50_000L - (i % 997) * 10L;
            int round = (i - 1) / FLOWS; // each flow sees one frame per round, starting with a grant
            TetherObservation o;
            if (round % 50 == 0) {
                // The receiver grants and NACKs the previous slot; the sender re-sends it next round.
                o = new TetherObservation(i, ts, B, A, flow, LAMP, 0, 1 << 20, Math.max(1, nextSlot[flow] - 1), 64,
                        null, send);
            } else if (round % 50 == 1 && nextSlot[flow] > 1) {
                o = new TetherObservation(i, ts, A, B, flow, 0, nextSlot[flow] - 1, 0, 0, 1088, null, send);
            } else {
                o = new TetherObservation(i, ts, A, B, flow, 0, nextSlot[flow]++, 0, 0, 1088, null, send);
            }
            TetherFrameResult r = ledger.observe(o);
            assertTrue(r.tracked());
        }
        // Every re-send answered the NACK of the previous round; the grants kept everyone in credit.
        assertEquals(ledger.summary().retransmissions(), ledger.flows().stream().mapToLong(TetherFlowStats::slotsResent).sum());
        assertTrue(ledger.summary().retransmissions() > 15_000, ledger.summary().toString());
        assertEquals(0, ledger.summary().overruns(), ledger.summary().toString());
        // 100 data directions plus the 100 reverse directions that carried grants and NACKs.
        assertEquals(2 * FLOWS, ledger.trackedFlows());
        // Per direction: at most the delay reservoir (4096), a few slot ranges and outstanding NACKs.
        long retained = ledger.retainedEntries();
        assertTrue(retained <= 2L * FLOWS * (4096 + 16), "retained entries " + retained);
        for (TetherFlowStats s : ledger.flows()) {
            assertTrue(s.nacksOutstanding() <= 1, s.toString());
            if (s.sender() == A) assertTrue(s.distinctSlots() > 9_000, s.toString());
        }
        long used = usedAfterGc(rt) - baseline;
        // 200 directions × (32 KiB reservoir + small) is about 7 MiB; a per-frame leak would be 100+ MiB.
        assertTrue(used < 32L << 20, "retained heap " + (used >> 20) + " MiB");
        Reference.reachabilityFence(ledger);
    }

    private static long usedAfterGc(Runtime rt) {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}
