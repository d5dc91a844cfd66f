package dev.cellscope.cli.endpoint;

import dev.cellscope.endpoint.hostile.RawWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Issue 12 item 1 over UDP loopback: 150,000 BLOCK_WANTs (9.3 MB sent) for serve's stored 64 KiB
 * block. Before, the replies were queued without bound (20k wants took serve to 1.6 GB; 150k
 * pinned it at its heap cap, a put timed out and SIGTERM took over 5 s).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HostileBlockWantFloodTest {
    @Test
    void wantFlood(@TempDir Path dir) throws Exception {
        try (HostileServe h = new HostileServe(dir)) {
            byte[] id = new byte[16];
            id[0] = 0x66;
            RawWire.Session s = h.session(id, 5).open();
            s.send(RawWire.handshake(id, 0, 65536));
            byte[] want = RawWire.blockWant(h.blockHash);
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            for (int i = 0; i < 150_000; i++) stream.writeBytes(want);
            s.send(stream.toByteArray());
            Child put = h.startPut(2 << 20);
            String root = h.awaitPut(put, 60);
            h.watchUntil(15);
            h.terminateWithin2s();
            h.assertRssBounded();
            h.assertStoreIntact(root);
        }
    }
}
