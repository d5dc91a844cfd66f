package dev.cellscope.nativetap.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Which CPUs a thread may run on ({@code sched_setaffinity}; on Linux, a tid names one thread and 0 the
 * calling one). Used to give one thread a CPU of its own: that thread is pinned to the CPU and every other
 * thread of the process is moved off it, so a process's own helpers (a JVM's compiler, GC and service
 * threads) never take the CPU from it. Threads started later inherit the affinity of the thread that starts
 * them, so a thread started by the pinned one must be moved off again ({@link #pinCallingThread(BitSet)}).
 * No privilege is needed for the threads of one's own process; a CPU outside the process's cpuset (cgroup)
 * is refused by the kernel (EINVAL).
 */
public final class CpuAffinity {
    private CpuAffinity() {}

    /** Bytes of the cpu_set_t passed: 1024 CPUs, glibc's CPU_SETSIZE. */
    private static final int SET_BYTES = 128;
    /** Listings of the process's threads at most, in case threads keep being started. */
    private static final int MAX_PASSES = 16;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final long ERRNO_OFFSET = Linker.Option.captureStateLayout()
            .byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

    @SuppressWarnings("restricted") // FFM downcalls are this package's purpose; the launcher grants native access
    private static final MethodHandle SET = LINKER.downcallHandle(find("sched_setaffinity"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), ERRNO);
    @SuppressWarnings("restricted")
    private static final MethodHandle GET = LINKER.downcallHandle(find("sched_getaffinity"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), ERRNO);
    @SuppressWarnings("restricted")
    private static final MethodHandle GETTID = LINKER.downcallHandle(find("gettid"), FunctionDescriptor.of(JAVA_INT));

    private static MemorySegment find(String name) {
        return LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    /** Thrown when the kernel refuses an affinity: the message names the call and the errno. */
    public static final class AffinityException extends Exception {
        public final int errno;

        AffinityException(String message, int errno) {
            super(message);
            this.errno = errno;
        }
    }

    /** The calling thread's kernel id (its {@code /proc/self/task} entry). */
    public static int tid() {
        try {
            return (int) GETTID.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("gettid failed: " + t, t);
        }
    }

    /** The CPUs thread {@code tid} (0: the calling thread) may run on. */
    public static BitSet of(int tid) throws AffinityException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(SET_BYTES, 8);
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            int rc = (int) GET.invokeExact(state, tid, (long) SET_BYTES, set);
            if (rc < 0) throw failure("sched_getaffinity", tid, state);
            return BitSet.valueOf(set.toArray(JAVA_LONG));
        } catch (AffinityException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sched_getaffinity failed: " + t, t);
        }
    }

    /** Lets thread {@code tid} (0: the calling thread) run on {@code cpus} only. */
    public static void set(int tid, BitSet cpus) throws AffinityException {
        if (cpus.isEmpty() || cpus.length() > SET_BYTES * 8) throw new IllegalArgumentException("CPU set " + cpus);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(SET_BYTES, 8);
            long[] words = cpus.toLongArray();
            MemorySegment.copy(words, 0, set, JAVA_LONG, 0, words.length);
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            int rc = (int) SET.invokeExact(state, tid, (long) SET_BYTES, set);
            if (rc < 0) throw failure("sched_setaffinity", tid, state);
        } catch (AffinityException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sched_setaffinity failed: " + t, t);
        }
    }

    /** The calling thread on {@code cpus} only. */
    public static void pinCallingThread(BitSet cpus) throws AffinityException {
        set(0, cpus);
    }

    /** The CPUs online now ({@code /sys/devices/system/cpu/online}, e.g. "0-3,6"). */
    public static BitSet online() {
        try {
            return parseList(Files.readString(Path.of("/sys/devices/system/cpu/online")).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A kernel CPU list ("0-3,6") as a set. */
    public static BitSet parseList(String list) {
        BitSet cpus = new BitSet();
        for (String part : list.split(",")) {
            if (part.isBlank()) continue;
            int dash = part.indexOf('-');
            int from = Integer.parseInt(part.substring(0, dash < 0 ? part.length() : dash).strip());
            int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1).strip());
            cpus.set(from, to + 1);
        }
        return cpus;
    }

    /**
     * Gives the calling thread CPU {@code cpu} to itself within this process: the caller is pinned to it and every
     * other thread of the process (now) is put on {@code others}, which must not contain {@code cpu}. Threads that
     * end while this runs are skipped. The threads are listed again until a listing shows none not yet moved: a
     * thread being started while the first listing is read copies its parent's old affinity and may only appear
     * in a later listing (seen in CI: a JVM thread left on every CPU).
     */
    public static void isolateCallingThread(int cpu, BitSet others) throws AffinityException {
        if (others.get(cpu)) throw new IllegalArgumentException("the other threads' CPUs include " + cpu);
        BitSet mine = new BitSet();
        mine.set(cpu);
        int self = tid();
        // others first: when the caller's CPU is refused (not in the cpuset), nothing has moved yet but them
        Set<Integer> moved = new HashSet<>();
        moved.add(self);
        for (int pass = 0; pass < MAX_PASSES && moveNewThreads(moved, others); pass++) {
            // again: a thread started during this pass may have its parent's old affinity
        }
        set(0, mine);
    }

    /** Puts every thread of this process not in {@code moved} on {@code cpus}; whether there was any. */
    private static boolean moveNewThreads(Set<Integer> moved, BitSet cpus) throws AffinityException {
        boolean any = false;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                int tid = Integer.parseInt(task.getFileName().toString());
                if (!moved.add(tid)) continue;
                any = true;
                try {
                    set(tid, cpus);
                } catch (AffinityException e) {
                    if (e.errno != 3) throw e; // ESRCH: the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return any;
    }

    private static AffinityException failure(String call, int tid, MemorySegment state) {
        int errno = state.get(JAVA_INT, ERRNO_OFFSET);
        String name = switch (errno) {
            case 1 -> "EPERM";
            case 3 -> "ESRCH";
            case 22 -> "EINVAL";
            default -> "errno " + errno;
        };
        return new AffinityException(call + "(" + (tid == 0 ? "this thread" : "thread " + tid) + "): " + name, errno);
    }
}
