package dev.cellscope.endpoint.sim;

import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.VirtualScheduler;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class MemoryWireTest {
    @Test
    void rateAndDelayShapeArrivalTimes() {
        VirtualScheduler s = new VirtualScheduler();
        MemoryWire wire = new MemoryWire(s, FaultModel.clean().withRate(1_000_000).withDelay(10_000, 0), 1);
        Link<String> a = wire.port("a"), b = wire.port("b");
        List<Long> arrivals = new ArrayList<>();
        b.onReceive((from, payload) -> arrivals.add(s.now()));
        for (int i = 0; i < 3; i++) a.send("b", new byte[1000]);  // 1 ms each at 1 MB/s
        s.runUntilIdle();
        assertEquals(List.of(1_010_000L, 2_010_000L, 3_010_000L), arrivals);
    }

    @Test
    void faultsHappenAtRoughlyTheirRatesAndTheTapSeesEveryFate() {
        VirtualScheduler s = new VirtualScheduler();
        FaultModel f = FaultModel.clean().withLoss(0.1).withReorder(0.1).withDuplicate(0.1).withCorrupt(0.1);
        MemoryWire wire = new MemoryWire(s, f, 2);
        Map<Fate, Integer> fates = new EnumMap<>(Fate.class);
        wire.onWire((t, from, to, payload, fate) -> fates.merge(fate, 1, Integer::sum));
        int[] received = {0};
        wire.port("b").onReceive((from, p) -> received[0]++);
        Link<String> a = wire.port("a");
        for (int i = 0; i < 10_000; i++) a.send("b", new byte[100]);
        s.runUntilIdle();
        for (Fate fate : Fate.values()) assertTrue(fates.getOrDefault(fate, 0) > 500, fate + ": " + fates);
        assertEquals(10_000 - fates.get(Fate.DROPPED), received[0] - fates.get(Fate.DUPLICATED));
    }

    @Test
    void sameSeedSameFates() {
        assertEquals(trace(5), trace(5));
        assertNotEquals(trace(5), trace(6));
    }

    private static List<String> trace(long seed) {
        VirtualScheduler s = new VirtualScheduler();
        MemoryWire wire = new MemoryWire(s, FaultModel.clean().withLoss(0.2).withReorder(0.2).withDelay(1000, 5000), seed);
        List<String> out = new ArrayList<>();
        wire.onWire((t, from, to, payload, fate) -> out.add(t + " " + payload[0] + " " + fate));
        wire.port("b");
        for (int i = 0; i < 200; i++) wire.port("a").send("b", new byte[] {(byte) i});
        s.runUntilIdle();
        return out;
    }
}
