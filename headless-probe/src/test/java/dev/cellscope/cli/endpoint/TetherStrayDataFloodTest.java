package dev.cellscope.cli.endpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 12: data slots, probes and Manifests for flows never defined, from invented senders, each
 * carrying a grant. Before the fix every one printed a line and every grant opened a credit balance
 * that was never freed. Now they are counted as stray, a line a second at most, and credit balances
 * are bounded.
 */
@Timeout(120)
class TetherStrayDataFloodTest {
    @TempDir
    Path dir;

    @Test
    void dataForUndefinedFlowsIsDroppedAndCounted() throws Exception {
        HostileTether.Outcome o = HostileTether.run(dir, (n, target, random) -> {
            long sender = RawTether.unicast(random.nextLong());
            int flow = 1 + random.nextInt(65_535);
            byte[] payload = new byte[n % 3 == 0 ? 0 : 1024];
            random.nextBytes(payload);
            int flags = n % 3 == 0 ? RawTether.LAMP : 0; // every third a header-only LAMP probe
            return RawTether.frame(flow, flags, sender, target, random.nextInt(1 << 20), 1 + random.nextInt(1 << 30), 0, payload);
        }, TetherDefineFloodTest.RSS_BOUND);
        assertEquals(0, o.framesBack(), "the receiver answered frames for flows it never accepted");
        assertTrue(o.maxRssBytes() < TetherDefineFloodTest.RSS_BOUND, "RSS " + o.maxRssBytes());
        Matcher stray = Pattern.compile("stray frames (\\d+)").matcher(o.recvOut());
        assertTrue(stray.find() && Long.parseLong(stray.group(1)) > 1000, o.recvOut());
        long lines = o.recvErr().lines().filter(l -> l.contains("without an accepted Define")).count();
        assertTrue(lines < 60, lines + " lines about stray frames: one a second at most");
    }
}
