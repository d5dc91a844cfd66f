package dev.cellscope.endpoint.mesh;

import dev.cellscope.crypto.Blake3;
import dev.cellscope.endpoint.core.VirtualScheduler;
import dev.cellscope.endpoint.identity.NodeIdentity;
import dev.cellscope.endpoint.sbi.SbiConfig;
import dev.cellscope.endpoint.sbi.SbiPeer;
import dev.cellscope.endpoint.sim.FaultModel;
import dev.cellscope.endpoint.sim.MemoryWire;
import dev.cellscope.endpoint.store.Chunker;
import dev.cellscope.endpoint.store.ContentStore;
import dev.cellscope.endpoint.store.ObjectManifest;
import dev.cellscope.endpoint.utcp.UtcpConfig;
import dev.cellscope.endpoint.utcp.UtcpConnection;
import dev.cellscope.wire.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 12 item 8, the get direction: a get of 20 MB (320 blocks) from a serving node with the default
 * limits over a clean simulated wire. Wanting every block at once made the server queue more replies
 * than its bound, so it stopped reading the getter's stream, ACKs included, and its full retransmit
 * buffer then waited for the 10 s hold (a 100 MB get over UDP loopback stalled 9 s after its first
 * 5 MB). The getter now keeps at most 32 wants unanswered: the server never pauses reading, and the
 * get takes well under a second of virtual time (over 10 s before).
 */
class GetWindowTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aLargeGetNeverPausesTheServersReadingNorStalls(@TempDir Path dir) throws Exception {
        VirtualScheduler vs = new VirtualScheduler();
        MemoryWire wire = new MemoryWire(vs, FaultModel.clean(), 12);
        NodeIdentity alice = NodeIdentity.generate(), bob = NodeIdentity.generate();
        ContentStore aliceStore = ContentStore.open(dir.resolve("alice")), bobStore = ContentStore.open(dir.resolve("bob"));
        MeshNode<String> a = new MeshNode<>(vs, wire.port("alice"), alice, aliceStore, SbiConfig.of(alice), null, UtcpConfig.defaults());
        MeshNode<String> b = new MeshNode<>(vs, wire.port("bob"), bob, bobStore, SbiConfig.of(bob), null, UtcpConfig.defaults());
        b.serve();
        byte[] content = new byte[20 << 20];
        new Random(8).nextBytes(content); // incompressible: every reply is a full 64 KiB
        Path file = dir.resolve("in.bin");
        Files.write(file, content);
        ObjectManifest m = Chunker.store(bobStore, file, SbiConfig.DEFAULT_BLOCK_SIZE);
        bobStore.putManifest(m);

        long t0 = vs.now();
        SbiPeer peer = a.connect(Bytes.of(bob.cellId()), "bob");
        CompletableFuture<Path> got = peer.get(m.root(), dir.resolve("out.bin"));
        assertTrue(vs.runUntil(got::isDone, 120 * SECOND), "get did not finish in 120 s of virtual time");
        double seconds = (vs.now() - t0) / 1e9;
        assertArrayEquals(Blake3.hash(content), Blake3.hash(Files.readAllBytes(got.join())), "the got file differs");

        UtcpConnection served = b.endpoint().connections().iterator().next();
        assertEquals(0, served.counters().readPauses(), "the server had to stop reading the getter's stream");
        assertEquals(0, served.counters().releasedByTime(), "the server freed sent packets by time, not by the getter's answers");
        assertTrue(seconds < 2, "a clean 20 MB get took " + seconds + " s of virtual time");
    }
}
