package dev.cellscope.endpoint.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class VirtualSchedulerTest {
    @Test
    void runsInTimeOrderFifoAmongEqualTimesAndSkipsCancelled() {
        VirtualScheduler s = new VirtualScheduler();
        List<String> order = new ArrayList<>();
        s.schedule(20, () -> order.add("b@20"));
        s.schedule(10, () -> order.add("a@10"));
        s.schedule(20, () -> order.add("c@20"));
        s.schedule(15, () -> order.add("never")).cancel();
        s.execute(() -> s.schedule(0, () -> order.add("nested@0")));
        assertEquals(4, s.runUntilIdle() - 1);
        assertEquals(List.of("nested@0", "a@10", "b@20", "c@20"), order);
        assertEquals(20, s.now());
    }

    @Test
    void runForAdvancesTheClockEvenWhenIdle() {
        VirtualScheduler s = new VirtualScheduler(100);
        List<Long> at = new ArrayList<>();
        s.schedule(50, () -> at.add(s.clock().nanos()));
        s.schedule(500, () -> at.add(s.clock().nanos()));
        s.runFor(200);
        assertEquals(List.of(150L), at);
        assertEquals(300, s.now());
    }

    @Test
    void runUntilStopsAtTheConditionOrTheLimit() {
        VirtualScheduler s = new VirtualScheduler();
        int[] ticks = {0};
        Runnable[] tick = new Runnable[1];
        tick[0] = () -> {
            ticks[0]++;
            s.schedule(10, tick[0]);
        };
        s.execute(tick[0]);
        assertTrue(s.runUntil(() -> ticks[0] == 5, 1_000));
        assertEquals(40, s.now());
        assertFalse(s.runUntil(() -> false, 100));
        assertEquals(140, s.now());
    }

    @Test
    void realSchedulerRunsPostedTasksInTimeOrderOnItsThread() throws Exception {
        try (RealScheduler s = new RealScheduler("test", e -> { })) {
            List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
            s.schedule(30_000_000, () -> order.add("late"));
            s.schedule(5_000_000, () -> order.add("early"));
            s.schedule(1_000_000, () -> { throw new IllegalStateException("reported, not fatal"); });
            assertTrue(s.submit(s::inSchedulerThread).get(1, TimeUnit.SECONDS));
            long t0 = s.clock().nanos();
            Thread.sleep(100);
            assertEquals(List.of("early", "late"), order);
            assertTrue(s.clock().nanos() - t0 >= 100_000_000);
            assertTrue(Math.abs(s.clock().nanos() / 1_000_000 - System.currentTimeMillis()) < 1_000, "anchored to the epoch");
        }
    }
}
