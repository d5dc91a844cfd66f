package dev.cellscope.endpoint.tether;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The receive window opens as data arrives (issue 12 item 8): a silent sender is never granted more than
 * {@link CreditWindow#INITIAL}, a sending one reaches the configured window, and never more.
 */
class CreditWindowOpeningTest {
    private static final long FRAME = 1088; // a 1024-byte slot's frame
    private static final long MAX = 4L << 20;

    @Test
    void aSilentSenderGetsOnlyTheInitialWindowWhateverTheConfiguredOne() {
        CreditWindow w = new CreditWindow(MAX, FRAME);
        long first = w.grantDue();
        assertEquals(CreditWindow.INITIAL, first, "the first grant");
        w.granted(first);
        assertEquals(0, w.grantDue(), "nothing more while nothing arrived");
        // A stall presumes the credit lost and re-issues it: the same amount again, not the 4 MiB window.
        assertEquals(CreditWindow.INITIAL, w.presumeAllLost());
        assertEquals(CreditWindow.INITIAL, w.grantDue());
    }

    @Test
    void theWindowOpensByWhatArrivesUpToTheConfiguredOne() {
        CreditWindow w = new CreditWindow(MAX, FRAME);
        long outstanding = 0, grantedTotal = 0;
        for (int i = 0; i < 20_000; i++) { // ~21 MB in order: every frame drains at once
            long g = w.grantDue();
            w.granted(g);
            grantedTotal += g;
            outstanding += g;
            assertTrue(outstanding <= MAX, "credit outstanding " + outstanding + " past the window");
            if (outstanding < FRAME) fail("the sender starved at frame " + i);
            w.arrived(FRAME);
            w.hold(FRAME);
            w.release(FRAME);
            outstanding -= FRAME;
        }
        assertEquals(MAX, w.open(), "fully open after ~21 MB");
        assertTrue(grantedTotal >= 20_000 * FRAME);
        // Once open, the sender holds more than the initial window's worth at some point.
        CreditWindow v = new CreditWindow(MAX, FRAME);
        v.granted(v.grantDue());
        for (int i = 0; i < 4000; i++) v.arrived(FRAME);
        assertTrue(v.grantDue() > CreditWindow.INITIAL, "grant after 4 MB arrived: " + v.grantDue());
    }

    @Test
    void aWindowSmallerThanTheInitialOneIsUsedWhole() {
        CreditWindow w = new CreditWindow(64 * 1024, FRAME);
        assertEquals(64 * 1024, w.grantDue());
        w.granted(64 * 1024);
        for (int i = 0; i < 100; i++) w.arrived(FRAME);
        assertEquals(64 * 1024, w.open());
    }
}
