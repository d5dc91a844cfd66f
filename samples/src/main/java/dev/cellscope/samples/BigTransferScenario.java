package dev.cellscope.samples;

import dev.cellscope.endpoint.identity.NodeIdentity;
import dev.cellscope.endpoint.mesh.MeshNode;
import dev.cellscope.endpoint.sbi.PutResult;
import dev.cellscope.endpoint.sbi.SbiConfig;
import dev.cellscope.endpoint.sbi.SbiPeer;
import dev.cellscope.endpoint.sim.FaultModel;
import dev.cellscope.wire.Bytes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code big-transfer}: a capture of any size for benchmarks, made by the real stack. Alice puts
 * 8 MiB files (half text, half random bytes, so both zstd and the store's verification have work)
 * to Bob over a clean 10 Gbit/s wire until at least the asked number of frames has been recorded;
 * the last file overshoots by at most one file (~6,000 frames). Each file is deleted once Bob holds
 * it, so the disk holds the two content stores and the capture, not a third copy.
 */
final class BigTransferScenario {
    private BigTransferScenario() {}

    static final long DEFAULT_FRAMES = 1_000_000;
    static final int FILE_BYTES = 8 << 20;

    static Map<String, Object> run(String name, Path out, long frames, long seed) throws IOException {
        Map<String, Object> t = Scenarios.header(name, seed);
        FaultModel wire = FaultModel.clean().withRate(10_000_000_000L / 8);
        try (ScenarioRunner r = new ScenarioRunner(out, wire, seed)) {
            r.node("alice", Scenarios.ALICE_MAC);
            r.node("bob", Scenarios.BOB_MAC);
            NodeIdentity alice = r.identity("alice", seed * 1000 + 1), bob = r.identity("bob", seed * 1000 + 2);
            MeshNode<String> a = Scenarios.node(r, "alice", alice, SbiConfig.of(alice), seed * 1000 + 11);
            MeshNode<String> b = Scenarios.node(r, "bob", bob, SbiConfig.of(bob), seed * 1000 + 12);
            b.serve();
            r.comment("Alice opens UTCP to Bob and puts files until " + frames + " frames are on the wire");
            SbiPeer ab = a.connect(Bytes.of(bob.cellId()), "bob");
            Random rnd = new Random(seed);
            List<Map<String, Object>> objects = new ArrayList<>();
            for (int i = 0; r.recorded() < frames; i++) {
                String file = String.format("part-%05d.bin", i);
                byte[] content = new byte[FILE_BYTES];
                System.arraycopy(Scenarios.text(rnd, FILE_BYTES / 2), 0, content, 0, FILE_BYTES / 2);
                System.arraycopy(Scenarios.random(rnd, FILE_BYTES / 2), 0, content, FILE_BYTES / 2, FILE_BYTES / 2);
                Path p = Scenarios.write(r.work.resolve(file), content);
                var put = ab.put(p);
                Scenarios.waitFor(r, put::isDone, name + ": Alice's put of " + file + " did not finish");
                PutResult pr = put.join();
                Scenarios.waitFor(r, () -> Scenarios.has(b.store(), pr.root()), name + ": Bob never completed " + file);
                objects.add(Scenarios.object(file, p, pr, a.store(), "alice", b.store()));
                Files.delete(p);
            }
            ab.close("done");
            r.scheduler.runFor(5 * Scenarios.SECOND);

            Map<String, Object> sbi = Json.object();
            sbi.put("connections", List.of(Scenarios.connection("alice", "bob", ab)));
            sbi.put("objects", objects);
            t.put("frames_asked", frames);
            t.put("nodes", Scenarios.nodes(List.of("alice", alice, "bob", bob)));
            t.put("wire", r.wireTruth());
            t.put("utcp", r.utcpTruth());
            t.put("sbi", sbi);
        }
        return t;
    }
}
