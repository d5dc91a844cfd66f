package dev.cellscope.endpoint.tether;

import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** When the receiver NACKs: after the reorder window, again after the retry, and sooner when a later repair shows a re-send lost. */
class GapTrackerTest {
    private static final long MS = 1_000_000L, REORDER = 2 * MS, RETRY = 20 * MS;

    private final BitSet have = new BitSet();
    private final GapTracker gaps = new GapTracker(REORDER, RETRY);

    private void arrive(long slot, long now) {
        have.set((int) slot);
        gaps.arrived(slot, now, s -> have.get((int) s));
    }

    @Test
    void aGapIsNackedAfterTheReorderWindowThenAfterEachRetry() {
        arrive(0, 0);
        arrive(3, 0);
        assertEquals(REORDER, gaps.nextDue());
        assertEquals(List.of(1L, 2L), gaps.due(REORDER));
        assertEquals(REORDER + RETRY, gaps.nextDue(), "no repair has come: the retry interval");
        assertEquals(List.of(), gaps.due(REORDER + RETRY - 2 * MS));
        assertEquals(List.of(1L, 2L), gaps.due(REORDER + RETRY));
    }

    @Test
    void aLaterSlotsRepairMakesALowerOneNackedNoLaterDueAfterTheReorderWindow() {
        arrive(0, 0);
        arrive(2, 0);                                  // slot 1 missing since 0
        assertEquals(List.of(1L), gaps.due(2 * MS));    // NACKed at 2 ms
        arrive(5, 10 * MS);                            // 3 and 4 missing since 10 ms
        assertEquals(List.of(3L, 4L), gaps.due(12 * MS)); // NACKed at 12 ms; slot 1 waits for 22 ms
        assertEquals(List.of(1L), gaps.due(22 * MS));   // slot 1 NACKed again, at 22 ms
        arrive(4, 23 * MS);                            // the repair of 4 (NACKed at 12 ms): 3, NACKed with it, was lost again
        assertEquals(25 * MS, gaps.nextDue(), "slot 3 falls due one reorder window after 4's repair");
        assertEquals(List.of(3L), gaps.due(25 * MS), "slot 1 was NACKed after 4 was: its re-send may still be coming");
        assertEquals(42 * MS, gaps.nextDue(), "slot 1 keeps its retry interval");
        arrive(3, 26 * MS);
        arrive(1, 27 * MS);
        assertEquals(Long.MAX_VALUE, gaps.nextDue());
        assertEquals(0, gaps.missing());
    }

    @Test
    void aRepairOfTheLowestSlotChangesNothingElse() {
        arrive(0, 0);
        arrive(4, 0);                                  // 1..3 missing
        assertEquals(List.of(1L, 2L, 3L), gaps.due(REORDER));
        arrive(1, 3 * MS);                             // the lowest repair: nothing below it
        assertEquals(REORDER + RETRY, gaps.nextDue(), "2 and 3 may still be on their way behind 1");
    }
}
