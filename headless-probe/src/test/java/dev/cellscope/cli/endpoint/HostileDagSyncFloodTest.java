package dev.cellscope.cli.endpoint;

import dev.cellscope.endpoint.hostile.RawWire;
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
 * Issue 12 item 4 over UDP loopback: 300 DAG_SYNC offers of random 8,000-node chunk lists (77 MB
 * sent) whose blocks never come. Before, serve wrote 76 MB of manifests and kept every offer for
 * the connection's life (RSS 571 MB).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileDagSyncFloodTest {
    @Test
    void offerFlood(@TempDir Path dir) throws Exception {
        try (HostileServe h = new HostileServe(dir)) {
            Random rnd = new Random(13);
            byte[] id = new byte[16];
            rnd.nextBytes(id);
            RawWire.Session s = h.session(id, 9).open();
            s.send(RawWire.handshake(id, 0, 65536));
            Child put = h.startPut(1 << 20);
            for (int i = 0; i < 300; i++) {
                List<byte[]> nodes = new ArrayList<>();
                for (int j = 0; j < 8000; j++) {
                    byte[] n = new byte[32];
                    rnd.nextBytes(n);
                    nodes.add(n);
                }
                s.send(RawWire.dagSyncOffer(nodes));
                Thread.sleep(20); // 256 KB per offer, 13 MB/s: within serve's socket buffer
            }
            String root = h.awaitPut(put, 60);
            h.watchUntil(20);
            h.terminateWithin2s();
            h.assertRssBounded();
            h.assertStoreIntact(root);
            try (var objects = Files.list(dir.resolve("store/objects"))) {
                assertEquals(List.of(root), objects.map(p -> p.getFileName().toString()).toList(), "only the completed object has a manifest");
            }
        }
    }
}
