package dev.cellscope.endpoint.tether;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Slots held behind a hole count against the window only beyond {@link CreditWindow#HOLD_ALLOWANCE} windows of them:
 * with the first slot lost, the sender goes on being granted until that much is held, and no further; what is in
 * flight (credit the sender holds) never exceeds the window, hole or not.
 */
class CreditWindowHoleTest {
    private static final long FRAME = 1088; // a 1024-byte slot's frame
    private static final long WINDOW = 1L << 20;

    @Test
    void aHoleLetsTheSenderFillTheAllowanceThenStops() {
        CreditWindow w = openWindow();
        // Slot 0 is lost: every later slot is held behind it.
        long outstanding = 0, held = 0;
        int sent = 0;
        for (int round = 0; round < 100_000; round++) {
            long g = w.grantDue();
            w.granted(g);
            outstanding += g;
            assertTrue(outstanding <= WINDOW, "credit in flight " + outstanding + " past the window");
            if (outstanding < FRAME) break; // the sender is out of credit: stopped
            outstanding -= FRAME;
            sent++;
            w.arrived(FRAME);
            if (sent == 1) continue; // the lost slot's frame never arrives; its credit is counted as received here: a stand-in
            w.hold(FRAME);
            held += FRAME;
        }
        long allowance = CreditWindow.HOLD_ALLOWANCE * WINDOW;
        assertTrue(held >= allowance, "held " + held + " behind the hole, allowance " + allowance);
        assertTrue(held <= allowance + WINDOW, "held " + held + ": at most the allowance and one window");
        // The re-send fills the hole: everything drains, and the window grants again.
        w.release(held);
        assertTrue(w.grantDue() >= WINDOW / 4, "granting again once drained: " + w.grantDue());
    }

    @Test
    void withoutLossNothingIsHeldAndTheWindowAloneBoundsTheFlight() {
        CreditWindow w = openWindow();
        long outstanding = 0, peak = 0;
        for (int i = 0; i < 10_000; i++) {
            long g = w.grantDue();
            w.granted(g);
            outstanding += g;
            peak = Math.max(peak, outstanding);
            w.arrived(FRAME);
            w.hold(FRAME);
            w.release(FRAME);
            outstanding -= FRAME;
        }
        assertTrue(peak <= WINDOW && peak > WINDOW / 2, "peak in flight " + peak);
    }

    /** A window opened fully by about 2 MB that arrived in order and drained. */
    private static CreditWindow openWindow() {
        CreditWindow w = new CreditWindow(WINDOW, FRAME);
        long outstanding = 0;
        for (int i = 0; i < 2_000; i++) {
            long g = w.grantDue();
            w.granted(g);
            outstanding += g;
            w.arrived(FRAME);
            w.hold(FRAME);
            w.release(FRAME);
            outstanding -= FRAME;
        }
        assertEquals(WINDOW, w.open());
        // Let the sender spend what it holds, in order, so the hole test starts from no credit in flight.
        while (outstanding >= FRAME) {
            w.arrived(FRAME);
            w.hold(FRAME);
            w.release(FRAME);
            outstanding -= FRAME;
        }
        w.arrived(outstanding);
        return w;
    }
}
