package dev.cellscope.nativetap.process;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The calling thread's timer slack ({@code prctl(PR_SET_TIMERSLACK)}). Linux lets a sleeping
 * thread's timer fire up to 50 µs late by default so wake-ups can be merged; a thread that keeps a
 * transmit schedule (replay) wants its timed waits to end when asked.
 */
public final class TimerSlack {
    private TimerSlack() {}

    private static final int PR_SET_TIMERSLACK = 29; // linux/prctl.h

    @SuppressWarnings("restricted") // FFM downcalls are this package's purpose; the launcher grants native access
    private static final MethodHandle PRCTL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("prctl").orElseThrow(() -> new UnsatisfiedLinkError("libc has no prctl")),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG), Linker.Option.firstVariadicArg(1));

    /** Sets this thread's timer slack to {@code nanos} (at least 1); false when the kernel refused. */
    public static boolean set(long nanos) {
        try {
            return (int) PRCTL.invokeExact(PR_SET_TIMERSLACK, Math.max(1L, nanos)) == 0;
        } catch (Throwable t) {
            throw new IllegalStateException("prctl failed: " + t, t);
        }
    }
}
