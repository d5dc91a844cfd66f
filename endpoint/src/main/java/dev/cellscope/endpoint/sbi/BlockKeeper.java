package dev.cellscope.endpoint.sbi;

import dev.cellscope.endpoint.core.Scheduler;
import dev.cellscope.endpoint.store.ContentStore;
import dev.cellscope.wire.Bytes;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Writes a received, verified block to the {@link ContentStore} and then says so on the scheduler's
 * thread, where the block's ACK is sent: an ACK always means the block is kept (written, forced and
 * renamed into place), whichever keeper is used.
 *
 * <p>{@link #inline} writes on the caller's (the scheduler's) thread before returning: the simulated
 * wire's tests and sample captures stay deterministic. {@link #onThread} writes on a thread of its own
 * so that the scheduler keeps receiving packets while a block is forced to disk (about 0.4 ms of system
 * time per 64 KiB block even on tmpfs, which held a put's receiver back, issue 12 item 8). What waits
 * for that thread is bounded in blocks and bytes; a block beyond either bound makes the scheduler wait
 * for room, as the inline write would have: the peer's data backs up in UTCP, not in memory.
 */
public sealed interface BlockKeeper extends AutoCloseable {

    /**
     * Keeps {@code data} (verified to hash to {@code cid}) and then runs {@code kept}, or {@code failed}
     * with the store's error, on the scheduler's thread. Call on the scheduler's thread.
     */
    void keep(Bytes cid, byte[] data, Runnable kept, Consumer<IOException> failed);

    /** True if {@link #keep} writes on the caller's thread: what is written beside the store (a get's file) should be too. */
    boolean writesInline();

    /** Stops: no callback runs after it; blocks not written yet are dropped, a write under way finishes (unacknowledged). */
    @Override
    void close();

    /** Writes on the calling thread; {@code kept}/{@code failed} run before {@link #keep} returns. */
    static BlockKeeper inline(ContentStore store) {
        return new Inline(store);
    }

    /**
     * Writes on a daemon thread of its own, at most {@code maxBlocks} blocks and {@code maxBytes} bytes
     * waiting (one block larger than that may wait alone).
     */
    static BlockKeeper onThread(ContentStore store, Scheduler scheduler, int maxBlocks, long maxBytes) {
        return onThread(store::put, scheduler, maxBlocks, maxBytes);
    }

    /** As {@link #onThread(ContentStore, Scheduler, int, long)}, writing with {@code write} (tests: a slow or failing store). */
    static BlockKeeper onThread(Write write, Scheduler scheduler, int maxBlocks, long maxBytes) {
        return new OnThread(write, scheduler, maxBlocks, maxBytes);
    }

    /** One block's write to the store; returns once it is durable. */
    @FunctionalInterface
    interface Write {
        void put(Bytes cid, byte[] data) throws IOException;
    }

    /** The CLI's: 32 blocks, 8 MiB: covers a few slow fsyncs at line rate, small beside the heap. */
    static BlockKeeper onThread(ContentStore store, Scheduler scheduler) {
        return onThread(store, scheduler, 32, 8L << 20);
    }

    record Inline(ContentStore store) implements BlockKeeper {
        @Override
        public void keep(Bytes cid, byte[] data, Runnable kept, Consumer<IOException> failed) {
            try {
                store.put(cid, data);
            } catch (IOException e) {
                failed.accept(e);
                return;
            }
            kept.run();
        }

        @Override
        public boolean writesInline() {
            return true;
        }

        @Override
        public void close() {
            // nothing waits
        }
    }

    final class OnThread implements BlockKeeper {
        private record Job(Bytes cid, byte[] data, Runnable kept, Consumer<IOException> failed) {}

        private final Write store;
        private final Scheduler scheduler;
        private final int maxBlocks;
        private final long maxBytes;
        private final ArrayDeque<Job> waiting = new ArrayDeque<>();
        private long waitingBytes;
        private boolean closed;

        private OnThread(Write store, Scheduler scheduler, int maxBlocks, long maxBytes) {
            if (maxBlocks < 1 || maxBytes < 1) throw new IllegalArgumentException("bounds must be positive");
            this.store = Objects.requireNonNull(store);
            this.scheduler = Objects.requireNonNull(scheduler);
            this.maxBlocks = maxBlocks;
            this.maxBytes = maxBytes;
            Thread.ofPlatform().name("cellscope-store-writer").daemon(true).start(this::run);
        }

        @Override
        public void keep(Bytes cid, byte[] data, Runnable kept, Consumer<IOException> failed) {
            synchronized (this) {
                // Wait for room: the scheduler stalls as it did writing inline, and UTCP holds the peer back.
                while (!closed && !waiting.isEmpty() && (waiting.size() >= maxBlocks || waitingBytes + data.length > maxBytes)) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                if (closed) return; // never acknowledged: the peer puts it again on another connection
                waiting.add(new Job(cid, data, kept, failed));
                waitingBytes += data.length;
                notifyAll();
            }
        }

        @Override
        public boolean writesInline() {
            return false;
        }

        /** Blocks waiting to be written (for tests and counters). */
        public synchronized int waiting() {
            return waiting.size();
        }

        private void run() {
            while (true) {
                Job job;
                synchronized (this) {
                    while (!closed && waiting.isEmpty()) {
                        try {
                            wait();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    if (closed) return;
                    job = waiting.peek();
                }
                Runnable answer;
                try {
                    store.put(job.cid(), job.data());
                    answer = job.kept();
                } catch (IOException e) {
                    answer = () -> job.failed().accept(e);
                }
                synchronized (this) {
                    if (closed) return; // the node is closing: no answer is sent any more
                    waiting.poll(); // counted until written: the bound is on what is held in memory
                    waitingBytes -= job.data().length;
                    notifyAll();
                }
                try {
                    scheduler.execute(answer);
                } catch (IllegalStateException schedulerClosed) {
                    return; // the stack is stopping: nobody is left to answer
                }
            }
        }

        @Override
        public void close() {
            synchronized (this) {
                closed = true;
                waiting.clear();
                waitingBytes = 0;
                notifyAll();
            }
        }
    }
}
