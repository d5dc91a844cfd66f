package dev.cellscope.live;

import dev.cellscope.io.Packet;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hand-over between a live backend's capture thread and the session's reader: a small
 * bounded queue of {@link FrameBatch}es. The reader's {@link #next()} takes frames from the batch
 * in hand without touching a lock; the two threads meet once per batch.
 *
 * <p>Back-pressure, never silent loss: when the reader falls behind, {@link #put} waits, the
 * capture thread stops taking frames from the kernel, and the kernel's buffer or ring takes the
 * rest; what it cannot hold the kernel drops and counts. {@link #cancel()} (any thread) ends both
 * sides at once: a waiting {@code put} returns false, a waiting {@code next} returns null.
 */
public final class FrameQueue {
    /** Batches in flight between the threads: with the kernel's buffer behind them, enough to ride out a stall of the reader. */
    public static final int DEFAULT_BATCHES = 16;
    private static final FrameBatch END = new FrameBatch(0);

    private final BlockingQueue<FrameBatch> ready;
    private final int linkType;
    private volatile boolean cancelled;
    private final AtomicLong delivered = new AtomicLong(), deliveredBytes = new AtomicLong();

    // the reader's side
    private FrameBatch current;
    private int position;
    private long number, bytes;
    private boolean ended;

    /** A queue of {@code batches} batches whose frames become packets of link type {@code linkType} on interface 0. */
    public FrameQueue(int batches, int linkType) {
        this.ready = new ArrayBlockingQueue<>(batches);
        this.linkType = linkType;
    }

    // ---- the capture thread ----

    /** Hands {@code b} to the reader, waiting for room (the kernel buffers meanwhile); false once cancelled. */
    public boolean put(FrameBatch b) {
        return put(b, null);
    }

    /** As {@link #put(FrameBatch)}, running {@code whileWaiting} (if not null) every 50 ms it waits, e.g. to read counters. */
    public boolean put(FrameBatch b, Runnable whileWaiting) {
        if (b.size == 0) return !cancelled;
        try {
            while (!cancelled) {
                if (ready.offer(b, 50, TimeUnit.MILLISECONDS)) return true;
                if (whileWaiting != null) whileWaiting.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** After the last batch (also after a failure): the reader's next() returns null once it has the rest. */
    public void end() {
        try {
            while (!ready.offer(END, 50, TimeUnit.MILLISECONDS)) {
                if (cancelled) ready.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean cancelled() {
        return cancelled;
    }

    // ---- the reader ----

    /** The next frame, numbered from 1, waiting for one; null at the end or once cancelled. Reader thread only. */
    public Packet next() {
        while (true) {
            if (cancelled || ended) return null;
            FrameBatch b = current;
            if (b != null && position < b.size) {
                int i = position++;
                MemorySegment data = b.data[i];
                b.data[i] = null; // the packet owns it now; the batch should not keep it alive
                bytes += data.byteSize();
                Packet p = new Packet(++number, b.timestamps[i], 0, linkType, b.originalLengths[i], data, null);
                delivered.lazySet(number);
                deliveredBytes.lazySet(bytes);
                return p;
            }
            try {
                current = ready.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            position = 0;
            if (current == END) {
                ended = true;
                return null;
            }
        }
    }

    /** Ends both sides at once: frames not yet read are dropped. Any thread. */
    public void cancel() {
        cancelled = true;
        ready.clear();
        ready.offer(END); // wakes a reader waiting in next()
    }

    /** Frames delivered to the reader so far. Any thread. */
    public long delivered() {
        return delivered.get();
    }

    /** Captured bytes of those frames. Any thread. */
    public long deliveredBytes() {
        return deliveredBytes.get();
    }

    /** The same, for the reader's own thread (exact). */
    public long bytesRead() {
        return bytes;
    }
}
