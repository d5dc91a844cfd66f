package dev.cellscope.io;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code madvise(MADV_POPULATE_READ)} (Linux 5.14): maps a range of a file mapping that is already in
 * the page cache in one system call, instead of one minor fault per 64 KiB of fault-around.
 *
 * <p>Why: on this machine kind (a VM) a minor fault is expensive; mapping a 1.4 GB capture took 21,000
 * faults and 0.78 s of the page toucher's CPU, against 0.04 s for this call plus 0.5 s of touching that
 * no call saves (the first access of each page costs about 1.4 µs here even when it is mapped; bench/README.md,
 * session 28). Best effort: when the kernel or libc lacks it, or refuses, the toucher's reads fault as before.
 */
final class PopulateRead {
    private PopulateRead() {}

    private static final int MADV_POPULATE_READ = 22; // linux/mman.h
    private static final MethodHandle MADVISE = find();

    @SuppressWarnings("restricted") // the launcher and the tests grant native access
    private static MethodHandle find() {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("madvise")
                    .map(f -> linker.downcallHandle(f, FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT)))
                    .orElse(null);
        } catch (RuntimeException | LinkageError e) { // no native access granted: the toucher faults instead
            return null;
        }
    }

    /**
     * Maps {@code [offset, offset + length)} of {@code mapping} (page-aligned at its start) into the page
     * tables; false when it could not (the caller's reads map the pages instead).
     */
    static boolean range(MemorySegment mapping, long offset, long length) {
        if (MADVISE == null || length <= 0 || !mapping.isNative()) return false;
        try { // a refusal (EINVAL before Linux 5.14) costs one system call per window: not worth remembering
            return (int) MADVISE.invokeExact(mapping.asSlice(offset, length), length, MADV_POPULATE_READ) == 0;
        } catch (Throwable t) { // a closed mapping, a range outside it
            return false;
        }
    }
}
