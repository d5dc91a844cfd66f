package dev.cellscope.endpoint.mesh;

import dev.cellscope.endpoint.core.RealScheduler;
import dev.cellscope.endpoint.core.VirtualScheduler;
import dev.cellscope.endpoint.identity.NodeIdentity;
import dev.cellscope.endpoint.sbi.PutResult;
import dev.cellscope.endpoint.sbi.SbiConfig;
import dev.cellscope.endpoint.sbi.SbiPeer;
import dev.cellscope.endpoint.sbi.SbiPeerLimits;
import dev.cellscope.endpoint.sim.FaultModel;
import dev.cellscope.endpoint.sim.MemoryWire;
import dev.cellscope.endpoint.store.ContentStore;
import dev.cellscope.endpoint.utcp.UtcpConfig;
import dev.cellscope.wire.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.*;

/** Issue 12 item 6: a peer that is not there, or that dies mid-transfer, fails a put with a clear reason and in bounded time. */
class PeerFailureTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aPutToAnUnreachablePeerSaysConnectTimeout(@TempDir Path dir) throws Exception {
        VirtualScheduler vs = new VirtualScheduler();
        MemoryWire wire = new MemoryWire(vs, FaultModel.clean(), 1);
        NodeIdentity alice = NodeIdentity.generate();
        MeshNode<String> a = new MeshNode<>(vs, wire.port("alice"), alice, ContentStore.open(dir.resolve("a")), SbiConfig.of(alice),
                null, UtcpConfig.defaults());
        Path file = dir.resolve("f.bin");
        Files.write(file, new byte[100]);
        CompletableFuture<PutResult> put = a.connect(Bytes.of(NodeIdentity.generate().cellId()), "nobody").put(file);
        assertTrue(vs.runUntil(put::isDone, 10 * SECOND));
        Throwable why = assertThrows(CompletionException.class, put::join).getCause();
        assertEquals("connection closed: connect timeout: SYN not acknowledged", why.getMessage());
    }

    /**
     * A put queues its whole file at once, far over the queued-output bound: its peer's ACKs must still be read
     * (they queue nothing), or the put stops hearing its peer and the silence watch closes a healthy transfer
     * (seen over UDP loopback: a 20 MB put closed after 15 s of "silence").
     */
    @Test
    void aPutOverTheQueueBoundKeepsReadingItsPeersAnswers(@TempDir Path dir) throws Exception {
        VirtualScheduler vs = new VirtualScheduler();
        MemoryWire wire = new MemoryWire(vs, FaultModel.clean().withRate(20_000_000), 1);
        NodeIdentity alice = NodeIdentity.generate(), bob = NodeIdentity.generate();
        UtcpConfig small = UtcpConfig.defaults().withMaxQueuedBytes(1 << 20);
        MeshNode<String> a = new MeshNode<>(vs, wire.port("alice"), alice, ContentStore.open(dir.resolve("a")), SbiConfig.of(alice),
                null, small);
        MeshNode<String> b = new MeshNode<>(vs, wire.port("bob"), bob, ContentStore.open(dir.resolve("b")), SbiConfig.of(bob),
                null, small);
        b.serve();
        byte[] content = new byte[8 << 20];
        new Random(5).nextBytes(content);
        Path file = dir.resolve("f.bin");
        Files.write(file, content);
        SbiPeer peer = a.connect(Bytes.of(bob.cellId()), "bob");
        CompletableFuture<PutResult> put = peer.put(file);
        assertTrue(vs.runUntil(put::isDone, 120 * SECOND), "the put finished");
        put.join();
        // The DAG_SYNC answer that makes the put queue its blocks pauses reading once; the ACKs that follow queue
        // nothing and must not pause it again (before: a pause after every resume, the ACKs read in fits).
        assertTrue(a.endpoint().readPauses() <= 1, "the putting side paused " + a.endpoint().readPauses() + " times");
    }

    @Test
    void aPutWhosePeerDiesFailsWithinTheSilenceTimeout(@TempDir Path dir) throws Exception {
        VirtualScheduler vs = new VirtualScheduler();
        MemoryWire wire = new MemoryWire(vs, FaultModel.clean().withRate(2_000_000), 1); // 2 MB/s: the put takes seconds
        NodeIdentity alice = NodeIdentity.generate(), bob = NodeIdentity.generate();
        MeshNode<String> a = new MeshNode<>(vs, wire.port("alice"), alice, ContentStore.open(dir.resolve("a")), SbiConfig.of(alice),
                null, UtcpConfig.defaults());
        MeshNode<String> b = new MeshNode<>(vs, wire.port("bob"), bob, ContentStore.open(dir.resolve("b")), SbiConfig.of(bob),
                null, UtcpConfig.defaults());
        b.serve();
        byte[] content = new byte[4 << 20];
        new Random(3).nextBytes(content);
        Path file = dir.resolve("f.bin");
        Files.write(file, content);
        SbiPeer peer = a.connect(Bytes.of(bob.cellId()), "bob");
        CompletableFuture<PutResult> put = peer.put(file);
        assertTrue(vs.runUntil(() -> peer.counters().acksReceived() > 2, 10 * SECOND), "the put got going");
        long diedAt = vs.now();
        wire.dropWhen((from, frame) -> true); // bob is gone: nothing arrives, nothing comes back
        assertTrue(vs.runUntil(put::isDone, 120 * SECOND), "the put waited on");
        long took = vs.now() - diedAt;
        long bound = SbiPeerLimits.DEFAULT_SILENCE_TIMEOUT_NANOS + 2 * SECOND;
        assertTrue(took <= bound, "failed " + took / 1e9 + " s after the peer died (bound " + bound / 1e9 + " s)");
        Throwable why = assertThrows(CompletionException.class, put::join).getCause();
        assertTrue(why.getMessage().contains("the peer has not answered for 60 s (is it still running?)"), why.getMessage());
    }

    @Test
    void schedulingAfterCloseIsDroppedQuietly() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true));
        try {
            RealScheduler s = new RealScheduler("t");
            s.close();
            assertDoesNotThrow(() -> s.schedule(0, () -> { }));
            assertDoesNotThrow(() -> s.execute(() -> { }));
        } finally {
            System.setErr(old);
        }
        assertEquals("", err.toString(), "nothing printed");
    }

    @Test
    void aKeyPathThatIsADirectoryIsNamedAsSuch(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> NodeIdentity.loadOrCreate(dir));
        assertEquals(dir + " is a directory, not an identity file", e.getMessage());
    }
}
