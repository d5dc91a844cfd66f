package dev.cellscope.cli.endpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 12, item 3: Defines announcing 1 GiB from invented sender IDs that never lit a Lamp. Before
 * the fix each was accepted: 1 GiB allocated per Define, and grants sent to the address for ever.
 * Now a Define is taken only from a sender that completed the Lamp exchange at that address, so the
 * attacker gets nothing back at all.
 */
@Timeout(120)
class TetherDefineWithoutLampTest {
    @TempDir
    Path dir;

    @Test
    void definesWithoutALampGetNothing() throws Exception {
        HostileTether.Outcome o = HostileTether.run(dir, (n, target, random) ->
                RawTether.define(RawTether.unicast(0x20000 + n), target, 1 + (int) (n % 65_000), 1024, 1L << 30, 16_384),
                TetherDefineFloodTest.RSS_BOUND);
        assertEquals(0, o.framesBack(), "the receiver answered Defines that had no Lamp exchange");
        assertTrue(o.maxRssBytes() < TetherDefineFloodTest.RSS_BOUND, "RSS " + o.maxRssBytes());
        assertTrue(o.recvOut().contains("refused Defines "), o.recvOut());
    }
}
