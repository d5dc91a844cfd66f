package dev.cellscope.cli.endpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Junk datagrams over UDP loopback: 300,000 random datagrams (1–1,500 bytes; a third of them
 * addressed to serve's CellID with random flags and payloads) while a legitimate put runs.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HostileJunkFloodTest {
    @Test
    void junkFlood(@TempDir Path dir) throws Exception {
        try (HostileServe h = new HostileServe(dir)) {
            Random rnd = new Random(14);
            Child put = h.startPut(2 << 20);
            for (int i = 0; i < 300_000; i++) {
                byte[] d = new byte[1 + rnd.nextInt(1500)];
                rnd.nextBytes(d);
                if (i % 3 == 0 && d.length >= 40) System.arraycopy(h.serveCell, 0, d, 16, 16);
                h.send(d);
                if (i % 500 == 0) Thread.sleep(1);
            }
            String root = h.awaitPut(put, 60);
            h.watchUntil(15);
            h.terminateWithin2s();
            h.assertRssBounded();
            h.assertStoreIntact(root);
        }
    }
}
