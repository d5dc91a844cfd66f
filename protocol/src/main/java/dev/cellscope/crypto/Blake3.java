package dev.cellscope.crypto;

import java.lang.foreign.MemorySegment;
import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * BLAKE3 facade: the first available {@link Blake3Engine} found by {@link ServiceLoader}
 * (a native one, when another module provides it), else {@link JavaBlake3}. The choice is
 * made once, on first use; falling back logs one line so a user who expected the native
 * speed can see why it is missing.
 */
public final class Blake3 {
    private Blake3() {}

    private static final System.Logger LOG = System.getLogger(Blake3.class.getName());

    /** An engine and, when it is the pure-Java fallback, why no provider was used. */
    record Selection(Blake3Engine engine, String fallbackReason) {}

    /** Lazy holder: the service lookup runs on first use, not when the class is touched. */
    private static final class Holder {
        static final Blake3Engine ENGINE;

        static {
            Selection s = select(ServiceLoader.load(Blake3Engine.class).iterator());
            if (s.fallbackReason() != null) {
                LOG.log(System.Logger.Level.INFO,
                        "BLAKE3: native library not found (" + s.fallbackReason() + "), using pure-Java digest");
            }
            ENGINE = s.engine();
        }
    }

    /** The engine in use. */
    public static Blake3Engine engine() {
        return Holder.ENGINE;
    }

    /** BLAKE3-256 of a whole array. */
    public static byte[] hash(byte[] in) {
        return engine().hash(in);
    }

    /** BLAKE3-256 of {@code len} bytes of {@code seg} from {@code off}. */
    public static byte[] hash(MemorySegment seg, long off, long len) {
        byte[] out = new byte[Blake3Engine.OUT_LEN];
        engine().hash(seg, off, len, out);
        return out;
    }

    /**
     * Picks the first provider that is available; a provider that fails to load or throws
     * from {@code available()} is skipped, never fatal (a broken native add-on must not
     * stop the analyzer). Package-private so the choice can be tested with fake providers.
     */
    static Selection select(Iterator<Blake3Engine> providers) {
        StringBuilder why = new StringBuilder();
        // Bounded: a ServiceLoader iterator that keeps failing must not loop forever.
        for (int attempts = 0; attempts < 64; attempts++) {
            Blake3Engine candidate;
            try {
                if (!providers.hasNext()) break;
                candidate = providers.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                rethrowIfTheJvmFailed(e);
                note(why, "provider failed to load: " + e.getMessage());
                continue;
            }
            if (candidate instanceof JavaBlake3) continue; // not a native engine
            String name = safeName(candidate);
            try {
                if (candidate.available()) return new Selection(candidate, null);
                note(why, name + " reports unavailable");
            } catch (RuntimeException | LinkageError e) {
                note(why, name + " failed: " + e);
            }
        }
        if (why.isEmpty()) why.append("no Blake3Engine provider on the class path");
        return new Selection(new JavaBlake3(), why.toString());
    }

    /**
     * A provider that could not be made because the heap was full (ServiceLoader wraps the OutOfMemoryError) has
     * not failed: the JVM has. Falling back would hide it behind "native library not found"; it goes on up.
     */
    public static void rethrowIfTheJvmFailed(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof VirtualMachineError fatal) throw fatal;
            if (c.getCause() == c) break;
        }
    }

    private static String safeName(Blake3Engine e) {
        try {
            return e.name();
        } catch (RuntimeException | LinkageError x) {
            return e.getClass().getName();
        }
    }

    private static void note(StringBuilder why, String s) {
        if (!why.isEmpty()) why.append("; ");
        why.append(s);
    }
}
