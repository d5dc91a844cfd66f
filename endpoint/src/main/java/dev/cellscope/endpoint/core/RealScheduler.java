package dev.cellscope.endpoint.core;

import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A {@link Scheduler} in wall time with one daemon thread. Any thread may post tasks; they run
 * on that thread in time order (FIFO among equal times). A task that throws is reported to the
 * error handler and the thread carries on. The clock is {@link System#nanoTime()} anchored to
 * the UTC epoch at construction: monotonic, and close to wall time for captures.
 */
public final class RealScheduler implements Scheduler, AutoCloseable {

    private final class Task implements Cancellable {
        final long at;
        final long order;
        final Runnable body;
        volatile boolean cancelled;

        Task(long at, long order, Runnable body) {
            this.at = at;
            this.order = order;
            this.body = body;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    private final long originNanos = System.nanoTime();
    private final long epochAtOrigin = System.currentTimeMillis() * 1_000_000L;
    private final Clock clock = () -> epochAtOrigin + (System.nanoTime() - originNanos);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) ->
            a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
    private final Thread thread;
    private final Consumer<Throwable> onError;
    private long nextOrder;
    private boolean closed;

    public RealScheduler(String name) {
        this(name, e -> System.err.println("scheduler task failed: " + e)); // one line: a face never shows a stack trace
    }

    public RealScheduler(String name, Consumer<Throwable> onError) {
        this.onError = onError;
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::loop);
        thread.start();
    }

    @Override
    public Clock clock() {
        return clock;
    }

    /** Whether the caller runs on this scheduler's thread (where the stack's objects may be touched). */
    public boolean inSchedulerThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Once closed, a task is dropped (and a cancelled handle returned) instead of refused with an
     * exception: a task still running while another thread closes the scheduler, or a receive thread
     * posting a last datagram, is not an error (it printed "scheduler task failed … scheduler closed").
     */
    @Override
    public Cancellable schedule(long delayNanos, Runnable task) {
        return post(clock.nanos() + Math.max(0, delayNanos), task);
    }

    /** Queues {@code task} to run at scheduler time {@code at} (FIFO among equal times); dropped once closed. */
    private Cancellable post(long at, Runnable task) {
        lock.lock();
        try {
            if (closed) {
                Task dropped = new Task(0, -1, task);
                dropped.cancelled = true;
                return dropped;
            }
            Task t = new Task(at, nextOrder++, task);
            queue.add(t);
            changed.signal();
            return t;
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} on the scheduler thread and hands back its result: how other threads talk to the stack. */
    public <T> CompletableFuture<T> submit(Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        execute(answer(work, result));
        return result;
    }

    /**
     * As {@link #submit}, but ahead of every task already due: it runs as soon as the task under way ends. For what
     * must answer while the stack is flooded (SIGTERM's summary and close): behind up to 16,384 queued datagrams a
     * plain {@link #submit} waited longer than serve's 0.5 s bound ("limits: the scheduler did not answer in time").
     */
    public <T> CompletableFuture<T> submitFirst(Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        post(Long.MIN_VALUE, answer(work, result));
        return result;
    }

    private static <T> Runnable answer(Supplier<T> work, CompletableFuture<T> result) {
        return () -> {
            try {
                result.complete(work.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        };
    }

    private void loop() {
        while (true) {
            Task t;
            lock.lock();
            try {
                while (true) {
                    if (closed) return;
                    t = queue.peek();
                    if (t == null) {
                        changed.awaitUninterruptibly();
                    } else if (t.cancelled) {
                        queue.poll();
                    } else {
                        long now = clock.nanos();
                        if (t.at <= now) { // compared, not subtracted: submitFirst's Long.MIN_VALUE would overflow
                            queue.poll();
                            break;
                        }
                        try {
                            changed.awaitNanos(t.at - now);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            } finally {
                lock.unlock();
            }
            try {
                t.body.run();
            } catch (Throwable e) {
                onError.accept(e);
            }
        }
    }

    /** Stops the thread; queued tasks are dropped. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            queue.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (!inSchedulerThread()) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
