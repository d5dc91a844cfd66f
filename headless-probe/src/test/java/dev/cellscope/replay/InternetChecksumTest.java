package dev.cellscope.replay;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 1624's update against a full RFC 1071 sum written here, over random data and random changed words. */
class InternetChecksumTest {
    static int checksum(int[] words) {
        long s = 0;
        for (int w : words) s += w;
        while (s >>> 16 != 0) s = (s & 0xFFFF) + (s >>> 16);
        return (int) (~s & 0xFFFF);
    }

    @Test
    void theUpdateEqualsAFullRecomputation() {
        Random random = new Random(1624);
        for (int round = 0; round < 10_000; round++) {
            int[] words = new int[2 + random.nextInt(40)];
            for (int i = 0; i < words.length; i++) words[i] = random.nextInt(0x10000);
            int before = checksum(words);
            int n = 1 + random.nextInt(Math.min(6, words.length));
            int[] at = random.ints(0, words.length).distinct().limit(n).toArray();
            int[] old = new int[n], now = new int[n];
            for (int k = 0; k < n; k++) {
                old[k] = words[at[k]];
                now[k] = random.nextInt(0x10000);
                words[at[k]] = now[k];
            }
            int full = checksum(words), updated = InternetChecksum.adjust(before, old, now);
            // ones' complement has two zeros: 0x0000 and 0xFFFF are the same sum
            assertEquals(full == 0xFFFF ? 0 : full, updated == 0xFFFF ? 0 : updated, "round " + round);
        }
    }
}
