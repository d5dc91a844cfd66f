package dev.cellscope.analysis;

import dev.cellscope.crypto.Crc64GoIso;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The content's CRC put together from slots in random orders equals CRC-64 over the whole content (Crc64GoIsoTest holds that one to the definition). */
class TetherContentCheckTest {

    @Test
    void anyOrderOfSlotsGivesTheContentsCrc() {
        Random rnd = new Random(0x7E7E);
        for (int round = 0; round < 300; round++) {
            int slotSize = 1 + rnd.nextInt(round % 3 == 0 ? 64 : 2000);
            int total = rnd.nextInt(60 * slotSize + 1);
            byte[] content = new byte[total];
            rnd.nextBytes(content);
            TetherContentCheck check = new TetherContentCheck(slotSize, total);
            long slots = (total + slotSize - 1L) / slotSize;
            List<Long> order = new ArrayList<>();
            for (long s = 0; s < slots; s++) order.add(s);
            // Mostly in order with some runs out of order, or fully shuffled.
            if (round % 2 == 0) Collections.shuffle(order, rnd);
            else for (int i = 0; i + 3 < order.size(); i += 4) Collections.swap(order, i, i + 3);
            for (long s : order) {
                int from = (int) (s * slotSize), to = (int) Math.min(total, from + (long) slotSize);
                // As carried: the slot's bytes zero-padded to whole blocks.
                byte[] padded = Arrays.copyOf(Arrays.copyOfRange(content, from, to), (to - from + 63) / 64 * 64);
                assertEquals(to - from, check.slotBytes(s));
                assertEquals(padded.length, check.payloadBytes(s));
                check.add(s, MemorySegment.ofArray(padded));
                check.add(s, MemorySegment.ofArray(new byte[padded.length])); // a second copy is not added again
            }
            assertNull(check.uncheckable(), "round " + round);
            assertEquals(Crc64GoIso.compute(content), check.checksum(), "round " + round + ": " + slots + " slots of " + slotSize);
        }
    }

    @Test
    void whatCannotBeCheckedSaysWhy() {
        assertEquals("the Define's slot size is 0", new TetherContentCheck(0, 100).uncheckable());
        assertEquals("the Define announces 18446744073709551615 bytes", new TetherContentCheck(1024, -1).uncheckable());
        TetherContentCheck c = new TetherContentCheck(1024, 4096);
        c.add(2, MemorySegment.ofArray(new byte[1024]));
        assertEquals("1 of 4 slots seen", c.uncheckable());
        c.lose("the bytes of slot 1 were not captured");
        assertEquals("the bytes of slot 1 were not captured", c.uncheckable());
        assertEquals(-1, c.slotBytes(4));
        assertEquals(0L, new TetherContentCheck(1024, 0).checksum(), "an empty content's CRC");
    }
}
