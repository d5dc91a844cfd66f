package dev.cellscope.blocks;

/**
 * Service-provider interface for a faster zlib (RFC 1950) inflater than {@link java.util.zip.Inflater}, for
 * {@link BlockCodec}'s deflate blocks: native-tap provides one over libdeflate through FFM (about 2-3× zlib's
 * speed on 64 KiB blocks; bench/README.md). It only has to get valid streams right: whenever it does not
 * succeed, the codec runs the same bytes through {@code Inflater}, which gives the verdict and the
 * diagnosis, so what a user sees for a bad stream does not depend on which engine is installed.
 *
 * <p>Implementations must be thread-safe; their {@link Decoder}s need not be (one per codec).
 */
public interface ZlibEngine {
    /** {@link Decoder#inflate} result: the stream inflates to more than {@code outCap} bytes (or might). */
    int NO_ROOM = -1;
    /** {@link Decoder#inflate} result: not exactly one valid zlib stream; ask {@code Inflater} why. */
    int FAILED = -2;

    /** Short name for diagnostics, e.g. "libdeflate 1.14 (FFM)". */
    String name();

    /** False when the engine cannot work here (its library did not load). Must not throw. */
    default boolean available() {
        return true;
    }

    /** A decoder for one thread (one {@link BlockCodec}). */
    Decoder newDecoder();

    /** Inflates whole zlib streams; not thread-safe. */
    interface Decoder extends AutoCloseable {
        /**
         * Inflates {@code in[off, off + len)}, which must be exactly one complete zlib stream with a correct
         * Adler-32 trailer and nothing after it, into {@code out[0, outCap)}. Returns the uncompressed size,
         * {@link #NO_ROOM} when that would exceed {@code outCap}, or {@link #FAILED} for anything else.
         * Never throws for bad data.
         */
        int inflate(byte[] in, int off, int len, byte[] out, int outCap);

        /** Frees the native state; the decoder cannot be used afterwards. */
        @Override
        void close();
    }
}
