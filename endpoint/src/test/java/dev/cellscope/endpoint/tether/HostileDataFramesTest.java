package dev.cellscope.endpoint.tether;

import dev.cellscope.crypto.Crc64GoIso;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Data frames a receiver must not take as slots (review of tether-recv): a slot beyond the flow (unsigned), a payload
 * longer or shorter than the slot. Each is dropped and counted as malformed, and the genuine slots still make the flow.
 * Virtual time; the hostile sender is a {@link WirePeer}.
 */
class HostileDataFramesTest {
    static final long X = 0xAC1D00000D01L;

    /** A receiver and a lit sender at port "x" whose Define (flow 1, 1024-byte slots, {@code total} bytes) was admitted. */
    static TetherHarness litFlow(WirePeer[] peer, long total) {
        TetherHarness h = new TetherHarness(1, 0, TetherHarness.CLEAN);
        h.receiverConfig = TetherReceiverConfig.of(TetherHarness.RECEIVER);
        h.build();
        peer[0] = new WirePeer(h, "x", X);
        peer[0].lamp();
        h.scheduler.runUntil(() -> false, 1_000_000L);
        peer[0].define(1, total);
        h.scheduler.runUntil(() -> false, 1_000_000L);
        assertEquals(0, h.receiver.stats().refusedDefines());
        return h;
    }

    static byte[] content(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    static byte[] slot(byte[] content, int slot) {
        return Arrays.copyOfRange(content, slot * 1024, Math.min(content.length, (slot + 1) * 1024));
    }

    @Test
    void slotsOfTheWrongLengthOrBeyondTheFlowAreMalformedAndDoNotSpoilIt() {
        WirePeer[] x = new WirePeer[1];
        byte[] content = content(3000); // slots of 1024, 1024, 952 (padded to 960)
        TetherHarness h = litFlow(x, content.length);
        List<String> events = h.events;
        x[0].data(1, 0, Arrays.copyOf(slot(content, 0), 1088)); // longer than a slot: taken first, it spoilt the flow
        x[0].data(1, 1, new byte[64]);                             // a non-last slot cut short: arraycopy past its end
        x[0].data(1, 2, new byte[1024]);                           // the last slot, longer than it is
        x[0].data(1, 2, new byte[64]);                             // the last slot, shorter than it is
        x[0].data(1, -1L, new byte[1024]);                         // slot 2^64-1: "bitIndex < 0: -1"
        x[0].data(1, Long.MIN_VALUE, new byte[1024]);              // slot 2^63
        x[0].data(1, 3, new byte[1024]);                           // just past the end
        h.scheduler.runUntil(() -> false, 1_000_000L);
        assertEquals(7, h.receiver.stats().malformed(), events.toString());
        for (int s = 0; s < 3; s++) x[0].data(1, s, slot(content, s));
        x[0].manifest(1, Crc64GoIso.compute(content), 3, 3);
        h.scheduler.runUntil(() -> h.reception != null, 1_000_000_000L);
        assertNotNull(h.reception, events.toString());
        assertTrue(h.reception.ok(), events.toString());
        assertArrayEquals(content, h.reception.content());
        // A flood of them prints one line a second per kind, not one per frame.
        long lines = events.stream().filter(e -> e.startsWith("R drop: slot")).count();
        assertTrue(lines <= 4, events.toString());
    }

    @Test
    void aFloodOfShortSlotsIsCountedNotPrintedFrameByFrame() {
        WirePeer[] x = new WirePeer[1];
        TetherHarness h = litFlow(x, 1 << 20);
        for (int i = 0; i < 3000; i++) x[0].data(1, 1 + i % 1000, new byte[] {(byte) i, (byte) (i >> 8)}); // distinct: no wire duplicates
        h.scheduler.runUntil(() -> false, 100_000_000L);
        assertEquals(3000, h.receiver.stats().malformed());
        assertEquals(1, h.events.stream().filter(e -> e.startsWith("R drop:")).count(), h.events.toString());
    }
}
