package dev.cellscope.nativetap;

import dev.cellscope.crypto.Blake3Engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * BLAKE3 through the reference C library (SSE2 to AVX-512, chosen by the library at run time),
 * called through FFM. Registered as a {@link Blake3Engine} service, so the dissector's
 * {@code Blake3} facade picks it whenever the library loads.
 *
 * <p>The library is loaded once per process, on first use of this class; when that fails,
 * {@link #available()} is false, {@link #unavailableReason()} says why and {@link #name()}
 * carries the reason too, because the facade's fallback log line quotes the name.
 *
 * <p>Thread-safe: each thread hashes with its own {@code blake3_hasher}.
 */
public final class NativeBlake3 implements Blake3Engine {
    /**
     * Longest piece passed to one update call. The calls are critical (the thread stays in
     * Java state, so a GC waits for them): 1 MiB keeps that wait near 0.3 ms while still
     * letting the C code spread 16 chunks over AVX-512 lanes; a power of two keeps every
     * piece a whole subtree, so splitting costs nothing.
     */
    static final long MAX_UPDATE = 1 << 20;

    private static final Blake3Library.Load SHARED = Blake3Library.load(System.getProperty(Blake3Library.LIBRARY_PROPERTY));
    private static final Blake3Library SHARED_LIB = SHARED.library();

    private final Blake3Library lib;
    private final String unavailable;
    private final ThreadLocal<MemorySegment> hashers;

    /** The process-wide engine over the bundled library (or {@code -Dcellscope.blake3.library}). */
    public NativeBlake3() {
        this(SHARED);
    }

    /** An engine over a given load result; package-private for tests and the self-test. */
    NativeBlake3(Blake3Library.Load load) {
        this.lib = load.library();
        this.unavailable = load.failure();
        long size = lib == null ? 0 : lib.hasherSize();
        // Arena.ofAuto: a thread's hasher is freed when the thread (and its ThreadLocal) is gone
        this.hashers = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(size, 8));
    }

    /** Why the process-wide library did not load, or null when it did. */
    public static String unavailableReason() {
        return SHARED.failure();
    }

    @Override
    public String name() {
        return lib != null
                ? "native BLAKE3 " + lib.version() + " (reference C through FFM)"
                : "native BLAKE3 [" + unavailable + "]";
    }

    @Override
    public boolean available() {
        return lib != null;
    }

    @Override
    public void hash(MemorySegment in, long off, long len, byte[] out32) {
        if (out32.length < OUT_LEN) {
            throw new IllegalArgumentException("BLAKE3 output array needs " + OUT_LEN + " bytes, got " + out32.length);
        }
        Objects.checkFromIndexSize(off, len, in.byteSize());
        if (lib == null) throw new IllegalStateException("native BLAKE3 is unavailable: " + unavailable);
        // the shared library as a constant lets the JIT inline its method handles
        Blake3Library lib = this.lib == SHARED_LIB ? SHARED_LIB : this.lib;
        MemorySegment hasher = hashers.get();
        try {
            lib.init().invokeExact(hasher);
            for (long done = 0; done < len; ) {
                long n = Math.min(MAX_UPDATE, len - done);
                // the downcall checks the segment is still alive and usable from this thread
                lib.update().invokeExact(hasher, in.asSlice(off + done, n), n);
                done += n;
            }
            lib.finalizeHash().invokeExact(hasher, MemorySegment.ofArray(out32), (long) OUT_LEN);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native BLAKE3 call failed", t);
        }
    }
}
