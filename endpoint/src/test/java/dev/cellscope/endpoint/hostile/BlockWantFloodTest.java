package dev.cellscope.endpoint.hostile;

import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.utcp.UtcpConfig;
import dev.cellscope.endpoint.utcp.UtcpConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 12 item 1: a peer sends 5,000 BLOCK_WANTs (62 bytes each, 310 KB) for a stored 64 KiB
 * block in one burst. Before, the server queued all 5,000 replies (312 MiB) at once; now its
 * queued output stays under the bound ({@link UtcpConfig#DEFAULT_MAX_QUEUED_BYTES}, plus one
 * packet's worth of requests), it stops reading the peer's requests meanwhile, and still answers
 * every one in the end.
 */
class BlockWantFloodTest {
    private static final int WANTS = 5_000;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aWantFloodIsAnsweredWithBoundedQueueing(@TempDir Path dir) throws Exception {
        HostileHarness h = new HostileHarness(dir);
        Link<String> evil = h.wire.port("evil");
        long[] dataBytes = {0};
        evil.onReceive((from, frame) -> {
            int flags = ByteBuffer.wrap(frame, 36, 2).getShort() & 0xFFFF;
            if ((flags & RawWire.DATA) != 0) dataBytes[0] += ByteBuffer.wrap(frame, 38, 2).getShort() & 0xFFFF;
        });
        long before = HostileHarness.retained();
        List<byte[]> stream = new ArrayList<>();
        byte[] evilId = HostileHarness.randomId(new Random(1));
        stream.add(RawWire.handshake(evilId, 0, 65536));
        for (int i = 0; i < WANTS; i++) stream.add(RawWire.blockWant(h.blockHash));
        new RawWire.Session(evilId, h.bobId, 1000, f -> evil.send("bob", f)).open().send(RawWire.concat(stream));
        h.vs.runFor(20_000_000L); // the 223 packets arrive within 3 ms at 1 Gbit/s

        long grew = HostileHarness.retained() - before;
        // Bound: 4 MiB queued + 22 replies of one packet (1.4 MiB) + 8 MiB retransmit buffer + held requests; 48 MiB is generous.
        assertTrue(grew < 48L << 20, "retained " + (grew >> 20) + " MiB while " + WANTS + " wants are pending (bound 48 MiB)");
        UtcpConnection c = h.node.endpoint().connections().iterator().next();
        assertTrue(c.readingPaused(), "reading must pause while the replies are queued");
        assertTrue(c.queuedBytes() <= UtcpConfig.DEFAULT_MAX_QUEUED_BYTES + 22 * (65536 + 69),
                "queued " + c.queuedBytes());

        // Every want is answered: bob's HANDSHAKE (5 + 24 + 52) and WANTS BLOCK_PUTs of raw data (5 + 24 + 40 + 65536).
        long expected = 81 + (long) WANTS * (5 + 24 + 40 + 65536);
        assertTrue(h.vs.runUntil(() -> dataBytes[0] >= expected, 120_000_000_000L), "answered " + dataBytes[0] + " of " + expected);
        assertEquals(expected, dataBytes[0]);
        assertTrue(c.counters().readPauses() > 0);
        assertTrue(c.counters().queuedBytesPeak() <= UtcpConfig.DEFAULT_MAX_QUEUED_BYTES + 22 * (65536 + 69),
                "peak " + c.counters().queuedBytesPeak());
    }
}
