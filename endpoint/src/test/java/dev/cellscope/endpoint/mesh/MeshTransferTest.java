package dev.cellscope.endpoint.mesh;

import dev.cellscope.crypto.Blake3;
import dev.cellscope.endpoint.core.VirtualScheduler;
import dev.cellscope.endpoint.identity.NodeIdentity;
import dev.cellscope.endpoint.sbi.PutResult;
import dev.cellscope.endpoint.sbi.SbiConfig;
import dev.cellscope.endpoint.sbi.SbiPeer;
import dev.cellscope.endpoint.sim.FaultModel;
import dev.cellscope.endpoint.sim.MemoryWire;
import dev.cellscope.endpoint.store.ContentStore;
import dev.cellscope.endpoint.utcp.UtcpConfig;
import dev.cellscope.wire.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The whole stack in one JVM: a 20 MiB file put from Alice to Bob over UTCP-SBI on a simulated
 * wire with 5% loss, 2% reordering and 1% duplication; Bob's copy is byte-identical and every
 * block was verified (BLAKE3) before being stored.
 */
class MeshTransferTest {

    @Test
    void twentyMebibytesOverALossyWire(@TempDir Path dir) throws Exception {
        VirtualScheduler vs = new VirtualScheduler();
        MemoryWire wire = new MemoryWire(vs, FaultModel.clean().withLoss(0.05).withReorder(0.02).withDuplicate(0.01), 2026);
        NodeIdentity alice = NodeIdentity.generate(), bob = NodeIdentity.generate();
        ContentStore aliceStore = ContentStore.open(dir.resolve("alice")), bobStore = ContentStore.open(dir.resolve("bob"));
        MeshNode<String> a = new MeshNode<>(vs, wire.port("alice"), alice, aliceStore, SbiConfig.of(alice), null, UtcpConfig.defaults());
        MeshNode<String> b = new MeshNode<>(vs, wire.port("bob"), bob, bobStore, SbiConfig.of(bob), null, UtcpConfig.defaults());
        b.serve();

        // Alternate 64 KiB of random bytes (sent raw) and of text (sent zstd-compressed).
        byte[] content = new byte[20 << 20];
        Random rnd = new Random(7);
        for (int j = 0; j < content.length; j++) {
            content[j] = (j / 65536) % 2 == 0 ? (byte) rnd.nextInt(256) : (byte) "cellscope mesh block ".charAt(j % 21);
        }
        Path file = dir.resolve("in.bin");
        Files.write(file, content);

        SbiPeer peer = a.connect(Bytes.of(bob.cellId()), "bob");
        CompletableFuture<PutResult> put = peer.put(file);
        assertTrue(vs.runUntil(put::isDone, 120_000_000_000L), "put did not finish in 120 s of virtual time");
        PutResult result = put.join();
        // Bob stores each block only after BLAKE3(decompressed) matched its CID.
        assertTrue(vs.runUntil(() -> hasManifest(bobStore, result.root()), 30_000_000_000L), "Bob never completed the object");
        Path out = dir.resolve("out.bin");
        dev.cellscope.endpoint.store.Chunker.assembleTo(bobStore, bobStore.manifest(result.root()).orElseThrow(), out);
        assertArrayEquals(Blake3.hash(content), Blake3.hash(Files.readAllBytes(out)), "received file differs");
        assertEquals(320, result.chunks());
        var bobConnection = b.endpoint().connections().iterator().next();
        assertTrue(bobConnection.counters().nacksSent() > 0, "5% loss must have been NACKed");
        // Identical chunks travel once (the text chunks repeat with period 21): every distinct one is sent.
        java.util.Set<String> distinct = new java.util.HashSet<>();
        for (int off = 0; off < content.length; off += 65536) {
            distinct.add(java.util.HexFormat.of().formatHex(Blake3.hash(java.util.Arrays.copyOfRange(content, off, off + 65536))));
        }
        assertEquals(distinct.size(), peer.counters().blocksSent());
        assertEquals(distinct.size(), bobStore.list().size(), "Bob stored exactly the distinct verified blocks");
    }

    private static boolean hasManifest(ContentStore store, Bytes root) {
        try {
            return store.manifest(root).isPresent();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
