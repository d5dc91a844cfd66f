package dev.cellscope.endpoint.sim;

import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.VirtualScheduler;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The send-side tap and scripted loss: what a capture at the senders' NICs sees, and drops a test asks for. */
class MemoryWireSendSideTest {

    @Test
    void theSendTapSeesEveryFrameOnceWithTheOriginalBytesAndItsFaults() {
        VirtualScheduler s = new VirtualScheduler();
        MemoryWire wire = new MemoryWire(s, FaultModel.clean().withLoss(0.1).withReorder(0.1).withDuplicate(0.1).withCorrupt(0.1), 7);
        Map<Fate, Integer> sent = new EnumMap<>(Fate.class), onWire = new EnumMap<>(Fate.class);
        int[] frames = {0};
        wire.onSend((t, from, to, payload, faults) -> {
            frames[0]++;
            assertEquals(t, s.now(), "reported when sent");
            assertArrayEquals(new byte[100], payload, "before any corruption");
            assertTrue(!faults.contains(Fate.DROPPED) || faults.size() == 1, faults::toString);
            for (Fate f : faults) sent.merge(f, 1, Integer::sum);
        });
        wire.onWire((t, from, to, payload, fate) -> onWire.merge(fate, 1, Integer::sum));
        wire.port("b");
        Link<String> a = wire.port("a");
        for (int i = 0; i < 10_000; i++) a.send("b", new byte[100]);
        s.runUntilIdle();
        assertEquals(10_000, frames[0]);
        // The receiver-side tap reports the strongest fate per copy; the send side agrees on each fault it names alone.
        assertEquals(onWire.get(Fate.DROPPED), sent.get(Fate.DROPPED));
        assertEquals(onWire.get(Fate.DUPLICATED), sent.get(Fate.DUPLICATED));
        assertTrue(sent.get(Fate.CORRUPTED) > 500 && sent.get(Fate.DELAYED) > 500, sent::toString);
    }

    @Test
    void scriptedLossDropsWhatTheRuleNamesAndLeavesTheOtherFatesAsTheyWere() {
        List<String> plain = run(3, Set.of()), scripted = run(3, Set.of(1, 5));
        assertEquals(20, plain.size());
        assertTrue(plain.stream().anyMatch(f -> f.endsWith("dropped")), "the fault model loses frames of its own: " + plain);
        for (int i = 0; i < 20; i++) {
            if (i == 1 || i == 5) assertEquals(i + " dropped", scripted.get(i));
            else assertEquals(plain.get(i), scripted.get(i), "frame " + i);
        }
    }

    /** Sends frames 0..19 (frame i holds byte i) over a wire losing 30 %; "i delivered" or "i dropped" per frame, in send order. */
    private static List<String> run(long seed, Set<Integer> drop) {
        VirtualScheduler s = new VirtualScheduler();
        MemoryWire wire = new MemoryWire(s, FaultModel.clean().withLoss(0.3), seed);
        wire.dropWhen((from, frame) -> drop.contains((int) frame[0]));
        List<String> fates = new ArrayList<>();
        wire.onSend((t, from, to, payload, faults) -> fates.add(payload[0] + (faults.contains(Fate.DROPPED) ? " dropped" : " delivered")));
        wire.port("b");
        Link<String> a = wire.port("a");
        for (int i = 0; i < 20; i++) a.send("b", new byte[] {(byte) i});
        s.runUntilIdle();
        return fates;
    }
}
