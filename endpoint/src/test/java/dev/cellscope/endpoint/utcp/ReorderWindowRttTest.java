package dev.cellscope.endpoint.utcp;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The receiver's RTT samples (issue 12 item 8): NACK to the first copy of a seq NACKed once is a round trip;
 * a seq NACKed twice gives none (Karn), nor does in-order data.
 */
class ReorderWindowRttTest {
    private static final long MS = 1_000_000L;
    private final List<byte[]> delivered = new ArrayList<>();

    private ReorderWindow window() {
        return new ReorderWindow(100, 1000, 3 * MS, 0);
    }

    @Test
    void aSeqNackedOnceGivesTheNackToArrivalTime() {
        ReorderWindow w = window();
        w.accept(100, new byte[1], 0, delivered::add);
        assertEquals(-1, w.takeRttSample(), "in-order data: no sample");
        w.accept(102, new byte[1], 1 * MS, delivered::add); // 101 missing from 1 ms
        assertEquals(-1, w.takeRttSample());
        assertFalse(w.collectNack(4 * MS, 10, 2 * MS, 250 * MS).isEmpty(), "the NACK of 101 at 4 ms");
        w.accept(101, new byte[1], 9 * MS, delivered::add);
        assertEquals(5 * MS, w.takeRttSample(), "NACK at 4 ms, copy at 9 ms");
        assertEquals(-1, w.takeRttSample(), "taken once");
        assertEquals(3, delivered.size());
    }

    @Test
    void aSeqNackedTwiceGivesNoSample() {
        ReorderWindow w = window();
        w.accept(100, new byte[1], 0, delivered::add);
        w.accept(102, new byte[1], 1 * MS, delivered::add);
        assertFalse(w.collectNack(4 * MS, 10, 2 * MS, 250 * MS).isEmpty());
        assertFalse(w.collectNack(7 * MS, 10, 2 * MS, 250 * MS).isEmpty(), "repeated after 2 ms");
        w.accept(101, new byte[1], 8 * MS, delivered::add);
        assertEquals(-1, w.takeRttSample(), "which NACK did the copy answer? none taken");
    }

    @Test
    void aLateSeqNeverNackedGivesNoSample() {
        ReorderWindow w = window();
        w.accept(100, new byte[1], 0, delivered::add);
        w.accept(102, new byte[1], 1 * MS, delivered::add);
        w.accept(101, new byte[1], 2 * MS, delivered::add); // reordered, inside the window: no NACK went out
        assertEquals(-1, w.takeRttSample());
    }
}
