package dev.cellscope.endpoint.hostile;

import dev.cellscope.crypto.Blake3;
import dev.cellscope.endpoint.core.VirtualScheduler;
import dev.cellscope.endpoint.identity.NodeIdentity;
import dev.cellscope.endpoint.mesh.MeshNode;
import dev.cellscope.endpoint.sbi.SbiConfig;
import dev.cellscope.endpoint.sbi.SbiPeerLimits;
import dev.cellscope.endpoint.sim.FaultModel;
import dev.cellscope.endpoint.sim.MemoryWire;
import dev.cellscope.endpoint.store.ContentStore;
import dev.cellscope.endpoint.utcp.UtcpConfig;
import dev.cellscope.wire.Bytes;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;

/** A serving node "bob" on a clean simulated wire, its store holding one random 64 KiB block, for hostile peers to hit. */
final class HostileHarness {
    final VirtualScheduler vs = new VirtualScheduler();
    final MemoryWire wire = new MemoryWire(vs, FaultModel.clean(), 12);
    final NodeIdentity bob = NodeIdentity.generate();
    final byte[] bobId = bob.cellId();
    final ContentStore bobStore;
    final MeshNode<String> node;
    final byte[] block = new byte[65536];
    final byte[] blockHash;

    HostileHarness(Path dir, UtcpConfig utcp, SbiPeerLimits limits, Set<Bytes> preferred) throws Exception {
        bobStore = ContentStore.open(dir.resolve("bob"));
        new Random(5).nextBytes(block);
        blockHash = Blake3.hash(block);
        bobStore.put(block);
        node = new MeshNode<>(vs, wire.port("bob"), bob, bobStore, SbiConfig.of(bob), limits, null, preferred, utcp);
        node.serve();
        node.onEvent(e -> {
            if (e.contains("forgotten unfinished")) evictedOffers++;
        });
    }

    long evictedOffers;

    HostileHarness(Path dir) throws Exception {
        this(dir, UtcpConfig.defaults(), SbiPeerLimits.defaults(), null);
    }

    static byte[] randomId(Random rnd) {
        byte[] id = new byte[16];
        rnd.nextBytes(id);
        return id;
    }

    /** Heap still reachable after a full collection. */
    static long retained() {
        for (int i = 0; i < 3; i++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
