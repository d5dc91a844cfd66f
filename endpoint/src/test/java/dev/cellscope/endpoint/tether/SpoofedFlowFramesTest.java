package dev.cellscope.endpoint.tether;

import dev.cellscope.crypto.Crc64GoIso;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A sender's Tether ID is public: frames of an accepted flow count only from the address its Define came from (review
 * of tether-recv: a Manifest spoofed from another UDP port ended the flow "checksum BAD"). Virtual time.
 */
class SpoofedFlowFramesTest {
    @Test
    void manifestsDataAndDefinesFromAnotherAddressAreDropped() {
        WirePeer[] x = new WirePeer[1];
        byte[] content = HostileDataFramesTest.content(3000);
        TetherHarness h = HostileDataFramesTest.litFlow(x, content.length);
        WirePeer spoofer = new WirePeer(h, "y", HostileDataFramesTest.X); // same ID, another address
        for (int s = 0; s < 3; s++) x[0].data(1, s, HostileDataFramesTest.slot(content, s));
        h.scheduler.runUntil(() -> false, 1_000_000L);
        spoofer.data(1, 0, new byte[1024]);
        spoofer.define(1, 1_000_000);
        spoofer.manifest(1, 0xBAD, 3, 3);
        h.scheduler.runUntil(() -> false, 50_000_000L);
        assertNull(h.reception, "a spoofed Manifest closed the flow: " + h.events);
        assertEquals(3, h.receiver.stats().strayFrames(), h.events.toString());
        assertEquals(0, h.receiver.stats().singletonNacks() + h.receiver.stats().bulkNacks(), h.events.toString());
        assertTrue(spoofer.frames().stream().noneMatch(f -> f.header().flowId() != 0), "nothing on the flow goes to the spoofer");
        x[0].manifest(1, Crc64GoIso.compute(content), 3, 3);
        h.scheduler.runUntil(() -> h.reception != null, 1_000_000_000L);
        assertTrue(h.reception.ok(), h.events.toString());
        assertArrayEquals(content, h.reception.content());
    }
}
