package dev.cellscope.endpoint.hostile;

import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.identity.NodeIdentity;
import dev.cellscope.endpoint.mesh.MeshNode;
import dev.cellscope.endpoint.sbi.PutResult;
import dev.cellscope.endpoint.sbi.SbiConfig;
import dev.cellscope.endpoint.sbi.SbiPeer;
import dev.cellscope.endpoint.sbi.SbiPeerLimits;
import dev.cellscope.endpoint.store.ContentStore;
import dev.cellscope.endpoint.utcp.UtcpConfig;
import dev.cellscope.endpoint.utcp.UtcpConnection;
import dev.cellscope.wire.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 12 item 2: every completed handshake from a new CellID used to be kept until the 300 s
 * idle timeout (about 21 KB each). Now connections opened by peers are capped per source, in
 * total and half-open; the idlest goes first; address-book peers are kept; and an open costs
 * little until data flows.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandshakeFloodTest {

    /** SYN, ACK and a HANDSHAKE from {@code n} new CellIDs, from port {@code from}. */
    private static void flood(HostileHarness h, Link<String> from, int n, Random rnd) {
        for (int i = 0; i < n; i++) {
            byte[] id = HostileHarness.randomId(rnd);
            new RawWire.Session(id, h.bobId, rnd.nextInt() & 0xFFFFFFFFL, f -> from.send("bob", f)).open()
                    .send(RawWire.handshake(id, 7, 65536));
        }
    }

    @Test
    void twoThousandCellIdsFromOneSourceKeepAtMostTheSourceCap(@TempDir Path dir) throws Exception {
        HostileHarness h = new HostileHarness(dir);
        flood(h, h.wire.port("evil"), 2_000, new Random(2));
        h.vs.runFor(50_000_000L);
        int cap = UtcpConfig.DEFAULT_MAX_CONNECTIONS_PER_SOURCE;
        assertEquals(cap, h.node.endpoint().connections().size(), "open connections from one source");
        assertEquals(2_000 - cap, h.node.endpoint().switchCounters().evicted(), "each newcomer beyond the cap evicts the idlest");

        // A legitimate put from elsewhere still completes.
        assertEquals(1, put(h, dir, "alice", NodeIdentity.generate()).chunks());
    }

    @Test
    void anUnauthenticatedOpenCostsLittle(@TempDir Path dir) throws Exception {
        HostileHarness h = new HostileHarness(dir);
        Random rnd = new Random(3);
        // Warm up the classes and the store's paths first, so only the connections count.
        flood(h, h.wire.port("warm"), 4, rnd);
        h.vs.runFor(50_000_000L);
        int n = 200;
        long before = HostileHarness.retained();
        for (int i = 0; i < n; i++) {
            flood(h, h.wire.port("evil-" + i), 1, rnd);
            h.vs.runFor(1_000_000L); // one at a time: a burst of SYNs would meet the half-open cap
        }
        h.vs.runFor(50_000_000L);
        long per = (HostileHarness.retained() - before) / n;
        assertEquals(n + 4, h.node.endpoint().connections().size());
        // Before: a 4096-slot retransmit ring (16 KiB) and a block codec per connection, about 21 KB in all.
        assertTrue(per < 8_000, "an opened connection retains " + per + " bytes (bound 8,000)");
    }

    @Test
    void addressBookPeersAreNotDisplacedByStrangers(@TempDir Path dir) throws Exception {
        NodeIdentity alice = NodeIdentity.generate();
        UtcpConfig small = UtcpConfig.defaults().withMaxConnections(8).withMaxHalfOpen(8);
        HostileHarness h = new HostileHarness(dir, small, SbiPeerLimits.defaults(), Set.of(Bytes.of(alice.cellId())));
        MeshNode<String> a = new MeshNode<>(h.vs, h.wire.port("alice"), alice, ContentStore.open(dir.resolve("alice")),
                SbiConfig.of(alice), null, UtcpConfig.defaults());
        SbiPeer peer = a.connect(Bytes.of(h.bobId), "bob");
        Path file = dir.resolve("one.bin");
        Files.write(file, new byte[1000]);
        CompletableFuture<PutResult> put = peer.put(file);
        assertTrue(h.vs.runUntil(put::isDone, 10_000_000_000L));
        put.join();
        h.vs.runFor(1_000_000_000L); // alice's connection is now the idlest

        Random rnd = new Random(4);
        for (int i = 0; i < 50; i++) {
            flood(h, h.wire.port("stranger-" + i), 1, rnd);
            h.vs.runFor(1_000_000L);
        }
        h.vs.runFor(50_000_000L);
        UtcpConnection kept = h.node.endpoint().connections().stream()
                .filter(c -> c.peerCellId().equals(Bytes.of(alice.cellId()))).findFirst().orElseThrow();
        assertFalse(kept.isClosed(), "the address-book peer's connection was evicted");
        assertEquals(8, h.node.endpoint().connections().size());
        assertEquals(50 - 7, h.node.endpoint().switchCounters().evicted());
    }

    private static PutResult put(HostileHarness h, Path dir, String name, NodeIdentity who) throws Exception {
        MeshNode<String> a = new MeshNode<>(h.vs, h.wire.port(name), who, ContentStore.open(dir.resolve(name)),
                SbiConfig.of(who), null, UtcpConfig.defaults());
        Path file = dir.resolve(name + ".bin");
        Files.write(file, new byte[5000]);
        CompletableFuture<PutResult> put = a.connect(Bytes.of(h.bobId), "bob").put(file);
        assertTrue(h.vs.runUntil(put::isDone, 10_000_000_000L), "the legitimate put did not finish");
        return put.join();
    }
}
