package dev.cellscope.endpoint.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class RealSchedulerTest {
    /**
     * serve's SIGTERM asks the stack for its limits summary and closes the node through the scheduler, waiting 0.5 s
     * each: behind a flood's queued datagrams a plain submit did not answer in time ("limits: the scheduler did not
     * answer in time", and a stop of 2.36 s). submitFirst runs as soon as the task under way ends.
     */
    @Test
    void submitFirstOvertakesTasksAlreadyDue() throws Exception {
        RealScheduler s = new RealScheduler("test");
        try {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                int n = i;
                s.execute(() -> {
                    order.add(n);
                    sleepMillis(1); // 2,000 queued tasks of 1 ms: 2 s of backlog, as a flood's datagrams
                });
            }
            long start = System.nanoTime();
            int ranBefore = s.submitFirst(order::size).get(500, TimeUnit.MILLISECONDS);
            assertTrue(System.nanoTime() - start < 400_000_000L);
            assertTrue(ranBefore < 1_000, ranBefore + " of the queued tasks ran first");
            // Tasks posted with submit still run in their order, after it.
            assertEquals(2_000, s.submit(order::size).get(10, TimeUnit.SECONDS));
            for (int i = 0; i < order.size(); i++) assertEquals(i, order.get(i));
        } finally {
            s.close();
        }
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
