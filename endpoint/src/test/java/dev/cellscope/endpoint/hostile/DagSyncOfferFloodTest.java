package dev.cellscope.endpoint.hostile;

import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.sbi.SbiPeerLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 12 item 4: 300 DAG_SYNC offers of random chunk lists (1,000 nodes each, 9.6 MB) whose
 * blocks never come. Before, each wrote its manifest to the store (32 KB each) and was kept for
 * the connection's life. Now no manifest is written until its object completes, and at most
 * {@link SbiPeerLimits#DEFAULT_MAX_PENDING_OFFERS} offers are kept per connection.
 */
class DagSyncOfferFloodTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void offersThatNeverCompleteLeaveNothingBehind(@TempDir Path dir) throws Exception {
        HostileHarness h = new HostileHarness(dir);
        Link<String> evil = h.wire.port("evil");
        Random rnd = new Random(6);
        byte[] evilId = HostileHarness.randomId(rnd);
        RawWire.Session s = new RawWire.Session(evilId, h.bobId, 77, f -> evil.send("bob", f)).open();
        s.send(RawWire.handshake(evilId, 0, 65536));
        long before = HostileHarness.retained();
        for (int i = 0; i < 300; i++) {
            List<byte[]> nodes = new ArrayList<>();
            for (int j = 0; j < 1000; j++) nodes.add(random32(rnd));
            s.send(RawWire.dagSyncOffer(nodes));
            h.vs.runFor(1_000_000L);
        }
        h.vs.runFor(100_000_000L);

        try (var manifests = Files.list(h.bobStore.directory().resolve("objects"))) {
            assertEquals(0, manifests.count(), "manifests written for objects that never arrived");
        }
        var peerCounters = h.node.endpoint().connections().size();
        assertEquals(1, peerCounters, "the flooding connection stays open (offers are legal)");
        long grew = HostileHarness.retained() - before;
        // Kept: 16 offers of 1,000 nodes (about 3 MB with their sets) and the answers (32 KB each), which this
        // peer never NACKs, in the 8 MiB retransmit buffer; 300 offers kept would be about 45 MB more.
        assertTrue(grew < 16L << 20, "retained " + (grew >> 10) + " KiB after 300 offers (bound 16 MiB)");
        assertEquals(300 - SbiPeerLimits.DEFAULT_MAX_PENDING_OFFERS, h.node.endpoint().connections().size() == 1
                ? offersEvicted(h) : -1);
    }

    /** The flooding connection's SbiPeer counters, reached through the node's events. */
    private static long offersEvicted(HostileHarness h) {
        return h.evictedOffers;
    }

    private static byte[] random32(Random rnd) {
        byte[] b = new byte[32];
        rnd.nextBytes(b);
        return b;
    }
}
