package dev.cellscope.nativetap.process;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The calling thread's scheduling policy ({@code sched_setscheduler(0, SCHED_FIFO, …)}: on Linux, pid 0
 * is the calling thread). A real-time thread is never preempted by ordinary (SCHED_OTHER) tasks and runs
 * as soon as its timer fires, instead of waiting, on a busy machine, for the fair scheduler to give it a
 * CPU again (milliseconds under load). Needs root or CAP_SYS_NICE; the kernel refuses otherwise (EPERM).
 * A thread that holds a CPU without a pause starves the ordinary tasks there (the kernel then steals up
 * to 50 ms a second back for them): a real-time thread should sleep through most of its waits.
 */
public final class RealtimePriority {
    private RealtimePriority() {}

    private static final int SCHED_OTHER = 0, SCHED_FIFO = 1; // linux/sched.h

    @SuppressWarnings("restricted") // FFM downcalls are this package's purpose; the launcher grants native access
    private static final MethodHandle SETSCHEDULER = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("sched_setscheduler").orElseThrow(() -> new UnsatisfiedLinkError("libc has no sched_setscheduler")),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));

    /** SCHED_FIFO at {@code priority} (1–99) for this thread; false when the kernel refused (no CAP_SYS_NICE). */
    public static boolean fifo(int priority) {
        return set(SCHED_FIFO, Math.clamp(priority, 1, 99));
    }

    /** Back to SCHED_OTHER for this thread; false when the kernel refused. */
    public static boolean normal() {
        return set(SCHED_OTHER, 0);
    }

    private static boolean set(int policy, int priority) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment param = arena.allocate(JAVA_INT);
            param.set(JAVA_INT, 0, priority);
            return (int) SETSCHEDULER.invokeExact(0, policy, param) == 0;
        } catch (Throwable t) {
            throw new IllegalStateException("sched_setscheduler failed: " + t, t);
        }
    }
}
