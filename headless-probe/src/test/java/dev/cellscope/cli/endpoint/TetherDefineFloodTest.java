package dev.cellscope.cli.endpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 12, item 3: Define floods from many invented sender IDs, each lighting a Lamp first (the
 * attacker's socket receives the Hails, so it completes the exchange) and then announcing 1 GiB.
 * Before the fix each Define allocated its 1 GiB at once (eight reached 5.4 GB and an
 * OutOfMemoryError) and every flow was re-granted a window every 40 ms for ever. Now a flow costs
 * what arrives, one source address may announce 1 GiB in open flows (one flow here), and a silent
 * flow gets its first window and at most one stall re-grant.
 */
@Timeout(120)
class TetherDefineFloodTest {
    /**
     * RSS bound for a receiver JVM holding one 1 MiB flow under the flood: 160–300 MiB measured here (mostly
     * the heap the flood's garbage makes the JVM commit); one 1 GiB allocation passes it at once.
     */
    static final long RSS_BOUND = 512L << 20;

    @TempDir
    Path dir;

    @Test
    void lampThenGigabyteDefinesFromInventedSenders() throws Exception {
        HostileTether.Outcome o = HostileTether.run(dir, (n, target, random) -> {
            long sender = RawTether.unicast(0x10000 + n / 2);
            return n % 2 == 0 ? RawTether.lamp(sender, target) : RawTether.define(sender, target, 1 + (int) (n % 1000), 1024, 1L << 30, 16_384);
        }, RSS_BOUND);
        assertTrue(o.maxRssBytes() < RSS_BOUND, "RSS " + o.maxRssBytes());
        // Each of the two receivers admits one flow from the attacker's address (1 GiB announced, its per-source share);
        // a silent flow gets its first window (256 KiB) and one stall re-grant at most. Before: a window every 40 ms.
        assertTrue(o.grantBytesOnDataFlows() <= 2 * 2 * 256 * 1024, "grants to the attacker's flows: " + o.grantBytesOnDataFlows());
        Matcher refused = Pattern.compile("refused Defines (\\d+)").matcher(o.recvOut());
        assertTrue(refused.find() && Long.parseLong(refused.group(1)) > 1000, o.recvOut());
    }
}
