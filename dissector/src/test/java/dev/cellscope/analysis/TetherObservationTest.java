package dev.cellscope.analysis;

import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.Tai64n;
import dev.cellscope.wire.TetherControl;
import dev.cellscope.wire.TetherFrame;
import dev.cellscope.wire.TetherHeader;
import org.junit.jupiter.api.Test;

import static dev.cellscope.analysis.TetherFrames.*;
import static org.junit.jupiter.api.Assertions.*;

class TetherObservationTest {

    @Test
    void fromControlFrame() {
        long send = 1_764_361_337_123_456_789L;
        TetherFrame f = control(LAMP, A, B, 128, new TetherControl.Hail(1, 3), send);
        TetherObservation o = TetherObservation.from(7, send + 250_000, f);
        assertEquals(new TetherObservation(7, send + 250_000, A, B, 0, LAMP, 0, 128, 0, 128,
                new TetherControl.Hail(1, 3), send), o);
        assertTrue(o.lamp());
        assertTrue(o.hasSendTime());
        assertFalse(o.carriesData());
    }

    @Test
    void fromDataFrameHasNoControl() {
        TetherFrame f = data(3, 0, A, B, 42, 0, 9, 1024, T0);
        TetherObservation o = TetherObservation.from(1, T0, f);
        assertNull(o.control());
        assertEquals(1088, o.tetherLength());
        assertEquals(42, o.slot());
        assertEquals(9, o.nackSlot());
        assertTrue(o.carriesData());
        assertFalse(TetherObservation.from(1, T0, data(3, 0, A, B, 0, 0, 0, 0, T0)).carriesData());
    }

    @Test
    void sendTimeAbsentOrImplausible() {
        TetherHeader zero = new TetherHeader(1, 0, 0, A, B, 0, 0, 0, 0, 0, 0);
        assertEquals(TetherObservation.NO_TIME, TetherObservation.from(1, T0, new TetherFrame(zero, Bytes.EMPTY)).sendTimeUtcNanos());
        TetherHeader badNano = new TetherHeader(1, 0, 0, A, B, 1_000_000_000L, 0, 0, 0, 0, Tai64n.labelOf(T0));
        assertEquals(TetherObservation.NO_TIME, TetherObservation.from(1, T0, new TetherFrame(badNano, Bytes.EMPTY)).sendTimeUtcNanos());
        // Plausible for Tai64n but past 2262: epoch nanoseconds would overflow.
        TetherHeader far = new TetherHeader(1, 0, 0, A, B, 0, 0, 0, 0, 0, Tai64n.LABEL_BASE + (1L << 39));
        assertEquals(TetherObservation.NO_TIME, TetherObservation.from(1, T0, new TetherFrame(far, Bytes.EMPTY)).sendTimeUtcNanos());
    }

    @Test
    void undecodableControlStillObserved() {
        // Nack claiming 100 slots in one block: does not decode, the frame still counts its 128 bytes.
        byte[] payload = new byte[64];
        payload[0] = 4;
        payload[12] = 100;
        TetherFrame f = new TetherFrame(header(0, 0, A, B, 0, 0, 0, T0), Bytes.of(payload));
        TetherObservation o = TetherObservation.from(1, T0, f);
        assertNull(o.control());
        assertEquals(128, o.tetherLength());
    }

    @Test
    void rejectsInconsistentInput() {
        assertThrows(IllegalArgumentException.class,
                () -> new TetherObservation(1, 0, A, B, 0, 0, 0, 0, 0, 32, null, TetherObservation.NO_TIME));
        assertThrows(IllegalArgumentException.class,
                () -> new TetherObservation(1, 0, A, B, 1, 0, 0, 0, 0, 128, new TetherControl.Hail(1, 0), 0));
    }
}
