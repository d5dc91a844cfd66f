package dev.cellscope.endpoint.transport;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** The kernel's rule for one segmented send, as the batch applies it: same peer, equal sizes, a shorter one last. */
class SegmentBatchTest {
    private static final InetSocketAddress P = new InetSocketAddress("127.0.0.1", 1), Q = new InetSocketAddress("127.0.0.1", 2);

    @Test
    void equalPayloadsToOnePeerShareABatchAndAShorterOneEndsIt() {
        SegmentBatch b = new SegmentBatch(64, 10_000);
        assertTrue(b.isEmpty());
        b.add(P, filled(1000, 1));
        b.add(P, filled(1000, 2));
        assertFalse(b.accepts(P, 1001), "longer than the first");
        assertFalse(b.accepts(Q, 1000), "another peer");
        assertTrue(b.accepts(P, 400));
        b.add(P, filled(400, 3));
        assertFalse(b.accepts(P, 400), "after a shorter datagram nothing may follow");
        assertEquals(3, b.count());
        assertEquals(2400, b.length());
        assertEquals(1000, b.segmentSize());
        assertEquals(P, b.to());
        byte[] expected = new byte[2400];
        Arrays.fill(expected, 0, 1000, (byte) 1);
        Arrays.fill(expected, 1000, 2000, (byte) 2);
        Arrays.fill(expected, 2000, 2400, (byte) 3);
        assertArrayEquals(expected, Arrays.copyOf(b.buffer(), b.length()));
        b.clear();
        assertTrue(b.isEmpty());
        assertTrue(b.accepts(Q, 1500), "a cleared batch takes anything that fits");
    }

    @Test
    void aBatchStopsAtItsSegmentAndByteLimits() {
        SegmentBatch bySegments = new SegmentBatch(3, 10_000);
        for (int i = 0; i < 3; i++) bySegments.add(P, new byte[10]);
        assertFalse(bySegments.accepts(P, 10), "three segments at most");
        SegmentBatch byBytes = new SegmentBatch(64, 2500);
        byBytes.add(P, new byte[1000]);
        byBytes.add(P, new byte[1000]);
        assertFalse(byBytes.accepts(P, 1000), "2,500 bytes at most");
        assertTrue(byBytes.accepts(P, 500));
        assertFalse(new SegmentBatch(64, 2500).accepts(P, 2501), "a payload larger than the buffer never fits");
        assertThrows(IllegalStateException.class, () -> byBytes.add(Q, new byte[1]));
    }

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }
}
