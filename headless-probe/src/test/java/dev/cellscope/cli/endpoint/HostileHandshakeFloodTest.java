package dev.cellscope.cli.endpoint;

import dev.cellscope.endpoint.hostile.RawWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 12 item 2 over UDP loopback: 100,000 completed handshakes from new CellIDs. Before, each
 * was kept for the 300 s idle timeout (about 21 KB each: 100k reached 2.2 GB).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HostileHandshakeFloodTest {
    @Test
    void handshakeFlood(@TempDir Path dir) throws Exception {
        try (HostileServe h = new HostileServe(dir)) {
            Random rnd = new Random(12);
            Child put = null;
            for (int i = 0; i < 100_000; i++) {
                byte[] id = new byte[16];
                rnd.nextBytes(id);
                h.session(id, rnd.nextInt() & 0xFFFFFFFFL).open().send(RawWire.handshake(id, 7, 65536));
                if (i == 20_000) put = h.startPut(1 << 20);
                if (i % 200 == 0) Thread.sleep(1); // about 100k opens in 10–20 s: the socket buffer keeps up
            }
            String root = h.awaitPut(put, 60);
            h.watchUntil(25);
            h.terminateWithin2s();
            h.assertRssBounded();
            h.assertStoreIntact(root);
            assertTrue(h.serve.out().matches("(?s).*connections \\d+ open, [1-9]\\d* evicted.*"), "the caps evicted connections\n" + h.serve.tail());
        }
    }
}
