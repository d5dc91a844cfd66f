package dev.cellscope.cli.endpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 12: junk datagrams. A mix of random bytes of any length up to 1500, Tether-looking frames
 * with a bad CRC-64, well-formed frames for another target, and well-formed control frames to us
 * with unknown tags. None may be answered, cost memory, or flood the log.
 */
@Timeout(120)
class TetherJunkFloodTest {
    @TempDir
    Path dir;

    @Test
    void junkIsDroppedAndCounted() throws Exception {
        HostileTether.Outcome o = HostileTether.run(dir, (n, target, random) -> switch ((int) (n % 4)) {
            case 0 -> {
                byte[] b = new byte[random.nextInt(1501)];
                random.nextBytes(b);
                yield b;
            }
            case 1 -> {
                byte[] f = RawTether.lamp(RawTether.unicast(random.nextLong()), target);
                f[64 + random.nextInt(64)] ^= 0x20; // a payload byte changed after the CRC: a bad CRC
                yield f;
            }
            case 2 -> RawTether.lamp(RawTether.unicast(random.nextLong()), RawTether.unicast(random.nextLong())); // not for us
            default -> RawTether.frame(0, 0, RawTether.unicast(random.nextLong()), target, 0, 4096, 0,
                    RawTether.control(6 + random.nextInt(1000), java.nio.ByteBuffer.allocate(8))); // unknown tag
        }, TetherDefineFloodTest.RSS_BOUND);
        assertEquals(0, o.framesBack(), "the receiver answered junk");
        assertTrue(o.maxRssBytes() < TetherDefineFloodTest.RSS_BOUND, "RSS " + o.maxRssBytes());
        Matcher crc = Pattern.compile("CRC drops (\\d+); malformed (\\d+), duplicates \\d+, misaddressed (\\d+)").matcher(o.recvOut());
        assertTrue(crc.find() && Long.parseLong(crc.group(1)) > 1000 && Long.parseLong(crc.group(2)) > 1000
                && Long.parseLong(crc.group(3)) > 1000, o.recvOut());
        long lines = o.recvErr().lines().filter(l -> l.contains("bad CRC")).count();
        assertTrue(lines < 60, lines + " lines about bad CRCs: one a second at most");
    }
}
