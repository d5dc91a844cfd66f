package dev.cellscope.crypto;

import java.lang.foreign.MemorySegment;

/**
 * Service-provider interface for BLAKE3 (256-bit output). The dissector ships a pure-Java
 * engine ({@link JavaBlake3}); a module with a native library can add a faster one through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.cellscope.crypto.Blake3Engine})
 * without the dissector depending on it. {@link Blake3#engine()} picks the engine.
 *
 * <p>Implementations must be thread-safe: one instance serves the whole process.
 */
public interface Blake3Engine {
    /** Digest size in bytes. */
    int OUT_LEN = 32;

    /** Short name for logs and diagnostics, e.g. "pure-Java (BouncyCastle)". */
    String name();

    /**
     * False when the engine cannot work here (say, its native library failed to load);
     * {@link Blake3#engine()} then skips it. Must not throw.
     */
    default boolean available() {
        return true;
    }

    /**
     * Hashes {@code len} bytes of {@code in} from {@code off} into {@code out32[0..32)}.
     *
     * @throws IllegalArgumentException if {@code out32} is shorter than 32 bytes
     * @throws IndexOutOfBoundsException if the range is not inside {@code in}
     */
    void hash(MemorySegment in, long off, long len, byte[] out32);

    /** Hash of a whole array as a new 32-byte array. */
    default byte[] hash(byte[] in) {
        byte[] out = new byte[OUT_LEN];
        hash(MemorySegment.ofArray(in), 0, in.length, out);
        return out;
    }
}
