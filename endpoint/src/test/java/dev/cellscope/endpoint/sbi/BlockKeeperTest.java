package dev.cellscope.endpoint.sbi;

import dev.cellscope.crypto.Blake3;
import dev.cellscope.endpoint.core.RealScheduler;
import dev.cellscope.endpoint.store.ContentStore;
import dev.cellscope.wire.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The keeper that writes received blocks off the scheduler's thread (issue 12 item 8): the ACK's
 * callback runs on the scheduler only after the block is in the store, what waits is bounded (the
 * caller waits for room), a store failure is reported instead, and closing frees a waiting caller.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BlockKeeperTest {

    @Test
    void keptRunsOnTheSchedulerAfterTheBlockIsInTheStore(@TempDir Path dir) throws Exception {
        ContentStore store = ContentStore.open(dir);
        try (RealScheduler scheduler = new RealScheduler("sched-test");
             BlockKeeper keeper = BlockKeeper.onThread(store, scheduler)) {
            List<String> seen = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(20);
            for (int i = 0; i < 20; i++) {
                byte[] data = ("block " + i).repeat(5000).getBytes();
                Bytes cid = Bytes.of(Blake3.hash(data));
                scheduler.execute(() -> keeper.keep(cid, data, () -> {
                    // The store, read independently of the keeper, must already have the block.
                    seen.add(Thread.currentThread().getName() + " " + store.has(cid));
                    done.countDown();
                }, e -> fail(e)));
            }
            assertTrue(done.await(30, TimeUnit.SECONDS));
            assertEquals(20, seen.size());
            for (String s : seen) assertEquals("sched-test true", s);
        }
    }

    @Test
    void aFullKeeperMakesTheCallerWaitAndCloseReleasesIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<String> written = new CopyOnWriteArrayList<>();
        BlockKeeper.Write slow = (cid, data) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            written.add(new String(data));
        };
        try (RealScheduler scheduler = new RealScheduler("sched-test")) {
            BlockKeeper keeper = BlockKeeper.onThread(slow, scheduler, 2, 1 << 20);
            List<String> kept = new CopyOnWriteArrayList<>();
            Thread caller = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 3; i++) {
                    String name = "b" + i;
                    keeper.keep(Bytes.of(new byte[32]), name.getBytes(), () -> kept.add(name), e -> fail(e));
                }
            });
            caller.join(1000);
            assertTrue(caller.isAlive(), "the third block must wait: two are held, the bound is two");
            assertEquals(2, ((BlockKeeper.OnThread) keeper).waiting());
            release.countDown();
            caller.join(10_000);
            assertFalse(caller.isAlive());
            long until = System.nanoTime() + 10_000_000_000L;
            while (kept.size() < 3 && System.nanoTime() < until) Thread.sleep(10);
            assertEquals(List.of("b0", "b1", "b2"), kept, "kept in arrival order, each once");
            assertEquals(List.of("b0", "b1", "b2"), written);
            keeper.close();
        }
    }

    @Test
    void closeFreesAWaitingCallerAndDropsWhatWasNotWritten() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        BlockKeeper.Write stuck = (cid, data) -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        };
        try (RealScheduler scheduler = new RealScheduler("sched-test")) {
            BlockKeeper keeper = BlockKeeper.onThread(stuck, scheduler, 1, 1 << 20);
            List<String> kept = new CopyOnWriteArrayList<>();
            Thread caller = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 3; i++) {
                    String name = "b" + i;
                    keeper.keep(Bytes.of(new byte[32]), name.getBytes(), () -> kept.add(name), e -> kept.add("failed"));
                }
            });
            caller.join(500);
            assertTrue(caller.isAlive());
            keeper.close();
            caller.join(5_000);
            assertFalse(caller.isAlive(), "close must free a caller waiting for room (SIGTERM during a flood)");
            never.countDown();
            Thread.sleep(200);
            assertEquals(List.of(), kept, "nothing was written: nothing may be acknowledged");
        }
    }

    @Test
    void aStoreFailureIsReportedOnTheSchedulerAndNothingIsKept() throws Exception {
        BlockKeeper.Write broken = (cid, data) -> { throw new IOException("disk full"); };
        try (RealScheduler scheduler = new RealScheduler("sched-test");
             BlockKeeper keeper = BlockKeeper.onThread(broken, scheduler, 4, 1 << 20)) {
            AtomicReference<String> outcome = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            scheduler.execute(() -> keeper.keep(Bytes.of(new byte[32]), new byte[10], () -> {
                outcome.set("kept");
                done.countDown();
            }, e -> {
                outcome.set(Thread.currentThread().getName() + ": " + e.getMessage());
                done.countDown();
            }));
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals("sched-test: disk full", outcome.get());
        }
    }

    @Test
    void inlineKeepsBeforeReturning(@TempDir Path dir) throws Exception {
        ContentStore store = ContentStore.open(dir);
        byte[] data = "inline".getBytes();
        Bytes cid = Bytes.of(Blake3.hash(data));
        boolean[] kept = new boolean[1];
        BlockKeeper.inline(store).keep(cid, data, () -> kept[0] = store.has(cid), e -> fail(e));
        assertTrue(kept[0], "the simulated wire's keeper writes and answers at once");
    }
}
