package dev.cellscope.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * Touches the pages of a memory-mapped capture a window ahead of its reader, on a thread of its own,
 * so that the reader does not take the page faults that map them.
 *
 * <p>Why: the first read of each page of a mapping is a minor fault (the file is in the page cache,
 * but the page is not yet in the process's page tables). Reading a 1.4 GB capture took about 44,000
 * of them, 0.2 s of system time, all on the thread that reads and dissects (perf, bench/README.md,
 * issue 17); a fault taken by any thread of the process maps the page for all of them. The toucher
 * reads one byte per page, so it costs a fraction of the faults' time on the other core.
 *
 * <p>It never reads past the window ahead of the position the reader publishes
 * ({@link #readerAt}), so memory use does not grow with the file, and it stops at the end of the
 * mapping or at {@link #close()}, which the mapping's owner calls before unmapping.
 */
final class PageToucher implements AutoCloseable {

    /** Smaller files are read before a thread would help. */
    static final long MIN_FILE = 32L << 20;
    static final long WINDOW = 64L << 20;
    private static final long PAGE = 4096;
    /** How long the toucher waits when it is a whole window ahead; the reader covers ~1 MB in that time. */
    private static final long WAIT_NANOS = 500_000;

    private final MemorySegment bytes;
    private final long window;
    private final Thread thread;
    /** Written by the reader with opaque stores (a plain move; no fence on the reading path). */
    @SuppressWarnings("unused")
    private long reader;
    private volatile long touched;
    private volatile boolean closed;
    /** Keeps the loads from being optimised away. */
    @SuppressWarnings("unused")
    private volatile int sink;

    private static final VarHandle READER;

    static {
        try {
            READER = MethodHandles.lookup().findVarHandle(PageToucher.class, "reader", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private PageToucher(MemorySegment bytes, long window) {
        this.bytes = bytes;
        this.window = window;
        this.thread = Thread.ofPlatform().name("cellscope-pages").daemon(true).unstarted(this::run);
        thread.start();
    }

    /** A toucher for {@code bytes}, or null when the mapping is too small to be worth one. */
    static PageToucher forMapping(MemorySegment bytes) {
        return bytes.byteSize() < MIN_FILE ? null : new PageToucher(bytes, WINDOW);
    }

    /** For tests: any size, any window. */
    static PageToucher start(MemorySegment bytes, long window) {
        return new PageToucher(bytes, window);
    }

    /** The reader has come to {@code offset}; cheap enough to call for every packet. */
    void readerAt(long offset) {
        READER.setOpaque(this, offset);
    }

    /** How far the pages have been touched (for tests). */
    long touched() {
        return touched;
    }

    boolean running() {
        return thread.isAlive();
    }

    private void run() {
        long size = bytes.byteSize();
        long at = 0;
        int sum = 0;
        try {
            while (!closed && at < size) {
                long goal = Math.min(size, (long) READER.getOpaque(this) + window);
                if (at >= goal) {
                    LockSupport.parkNanos(WAIT_NANOS);
                    continue;
                }
                for (; at < goal && !closed; at += PAGE) sum += bytes.get(ValueLayout.JAVA_BYTE, at);
                touched = Math.min(at, size);
            }
        } catch (IllegalStateException e) {
            // The mapping was closed under us (close() waits for this thread, so only if that wait timed out).
        }
        sink = sum;
    }

    /** Stops the thread and waits for it, so that the mapping can be closed. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
