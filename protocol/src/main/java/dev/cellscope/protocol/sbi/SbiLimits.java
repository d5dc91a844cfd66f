package dev.cellscope.protocol.sbi;

/**
 * The sizes a UTCP-SBI receiver checks, and the one frame_len rule every reader applies before
 * it buffers anything: {@code 24 <= frame_len <= 262144}.
 */
public final class SbiLimits {
    private SbiLimits() {}

    /** The preamble's size, and so the smallest frame_len. */
    public static final int PREAMBLE_SIZE = 24;
    public static final int MIN_FRAME_LEN = PREAMBLE_SIZE;
    public static final int MAX_FRAME_LEN = 262_144;
    /** Largest container a frame can hold. */
    public static final int MAX_CONTAINER = MAX_FRAME_LEN - PREAMBLE_SIZE;

    /** [decided] A block may decompress to at most 16 MiB. */
    public static final int DEFAULT_DECOMPRESS_LIMIT = 16 << 20;
    /** Largest decompression limit a receiver may configure (limit + 1 must fit a Java array comfortably). */
    public static final int MAX_DECOMPRESS_LIMIT = 1 << 30;

    /** A stream starting with this byte is a legacy JSON (NIP) peer: it fails the frame_len check by design. */
    public static final int JSON_OPEN_BRACE = '{';

    /** The receiver's first check, before it allocates anything. */
    public static boolean frameLenInRange(long frameLen) {
        return frameLen >= MIN_FRAME_LEN && frameLen <= MAX_FRAME_LEN;
    }

    /** "frame_len N out of range [24, 262144]". */
    public static String frameLenOutOfRange(long frameLen) {
        return "frame_len " + frameLen + " out of range [" + MIN_FRAME_LEN + ", " + MAX_FRAME_LEN + "]";
    }

    /** True when frame_len's first byte (its top byte, big-endian) is '{': the bytes look like JSON. */
    public static boolean startsLikeJson(long frameLen) {
        return frameLen >>> 24 == JSON_OPEN_BRACE;
    }
}
