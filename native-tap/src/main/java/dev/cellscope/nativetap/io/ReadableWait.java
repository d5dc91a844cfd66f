package dev.cellscope.nativetap.io;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Waits, at most a given time, until a file descriptor someone else owns becomes readable, or until another
 * thread calls {@link #wakeup()}: {@code poll(2)} on the descriptor and an eventfd of its own.
 *
 * <p>For libpcap in non-blocking mode (the pcap backend): on Linux libpcap's TPACKET_V3 ring blocks in
 * {@code pcap_dispatch} with no timeout at all, since the kernel's block-retire timer only wakes a reader when a
 * block holds frames; on a quiet wire the capture thread then never comes back to read {@code pcap_stats}. The
 * documented way out (pcap_get_selectable_fd(3PCAP)) is non-blocking mode and one's own poll with a timeout on
 * the selectable descriptor; the eventfd lets stop and cancel end the wait at once instead of at the timeout.
 *
 * <p>{@link #await} is for one thread (the capture thread); {@link #wakeup()} for any; {@link #close()} after
 * the waiting thread has ended. The watched descriptor is not closed here: its owner closes it.
 */
public final class ReadableWait implements AutoCloseable {
    /** What ended a wait. */
    public enum Outcome { READABLE, WOKEN, TIMED_OUT }

    private static final short POLLIN = 0x001, POLLERR = 0x008, POLLHUP = 0x010;
    private static final int EFD_CLOEXEC = 02000000, EFD_NONBLOCK = 04000;
    private static final int EINTR = 4;

    private static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"), ValueLayout.JAVA_SHORT.withName("events"), ValueLayout.JAVA_SHORT.withName("revents"));
    private static final long EVENTS = POLLFD.byteOffset(MemoryLayout.PathElement.groupElement("events"));
    private static final long REVENTS = POLLFD.byteOffset(MemoryLayout.PathElement.groupElement("revents"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle POLL = bind("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle EVENTFD = bind("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = bind("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = bind("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    @SuppressWarnings("restricted") // FFM downcalls are this package's purpose; the launcher grants native access
    private static MethodHandle bind(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name)),
                fd, Linker.Option.captureCallState("errno"));
    }

    private final Arena arena = Arena.ofShared();
    private final MemorySegment fds = arena.allocate(POLLFD, 2);
    private final MemorySegment errno = arena.allocate(CAPTURE);
    private final MemorySegment counter = arena.allocate(JAVA_LONG);
    private final int wakeFd;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ReadableWait(int fd, int wakeFd) {
        this.wakeFd = wakeFd;
        fds.set(JAVA_INT, 0, fd);
        fds.set(ValueLayout.JAVA_SHORT, EVENTS, POLLIN);
        fds.set(JAVA_INT, POLLFD.byteSize(), wakeFd);
        fds.set(ValueLayout.JAVA_SHORT, POLLFD.byteSize() + EVENTS, POLLIN);
    }

    /** Watches {@code fd} (not owned: never closed here). */
    public static ReadableWait on(int fd) {
        if (fd < 0) throw new IllegalArgumentException("no descriptor to wait on (" + fd + ")");
        int wake;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment e = a.allocate(CAPTURE);
            wake = (int) EVENTFD.invokeExact(e, 0, EFD_CLOEXEC | EFD_NONBLOCK);
            if (wake < 0) throw new IllegalStateException("eventfd failed: errno " + (int) ERRNO.get(e, 0L));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
        return new ReadableWait(fd, wake);
    }

    /**
     * Waits until the descriptor is readable (or reports an error or hang-up: the reader's next call finds out
     * which), {@link #wakeup()} was called since the last wait, or {@code timeoutMillis} passed (0: just look).
     * A wake-up is consumed by the wait that sees it.
     */
    public Outcome await(int timeoutMillis) {
        try {
            fds.set(ValueLayout.JAVA_SHORT, REVENTS, (short) 0);
            fds.set(ValueLayout.JAVA_SHORT, POLLFD.byteSize() + REVENTS, (short) 0);
            int ready = (int) POLL.invokeExact(errno, fds, 2L, Math.max(0, timeoutMillis));
            if (ready < 0) {
                int e = (int) ERRNO.get(errno, 0L);
                if (e == EINTR) return Outcome.TIMED_OUT; // the caller's loop looks again
                throw new IllegalStateException("poll failed: errno " + e);
            }
            if (ready == 0) return Outcome.TIMED_OUT;
            if (fds.get(ValueLayout.JAVA_SHORT, POLLFD.byteSize() + REVENTS) != 0) {
                long ignored = (long) READ.invokeExact(errno, wakeFd, counter, 8L); // EFD_NONBLOCK: resets the count
                return Outcome.WOKEN;
            }
            return (fds.get(ValueLayout.JAVA_SHORT, REVENTS) & (POLLIN | POLLERR | POLLHUP)) != 0 ? Outcome.READABLE : Outcome.TIMED_OUT;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Ends the current (or the next) {@link #await} at once. Any thread; nothing after {@link #close()}. */
    public synchronized void wakeup() {
        // synchronized with close(): a write after it could reach whatever file took the descriptor's number
        if (closed.get()) return;
        try (Arena a = Arena.ofConfined()) {
            long ignored = (long) WRITE.invokeExact(a.allocate(CAPTURE), wakeFd, a.allocateFrom(JAVA_LONG, 1L), 8L);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Closes the eventfd; call once the waiting thread has ended. */
    @Override
    public synchronized void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            int ignored = (int) CLOSE.invokeExact(errno, wakeFd);
        } catch (Throwable t) {
            throw unexpected(t);
        } finally {
            arena.close();
        }
    }

    private static IllegalStateException unexpected(Throwable t) {
        return new IllegalStateException("FFM downcall failed: " + t, t);
    }
}
