package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;

/**
 * The 5-byte UTCP-SBI envelope: frame_len (u32 big-endian, the SBI frame only) and op.
 * Decoding reads it as found; whether frame_len is acceptable is {@link #frameLenInRange}.
 */
public record SbiEnvelope(long frameLen, int op) {
    public static final int SIZE = SbiLayouts.ENVELOPE_SIZE;
    public static final long MIN_FRAME = SbiLayouts.PREAMBLE_SIZE, MAX_FRAME = SbiLayouts.MAX_FRAME;
    /** A stream starting with this byte is a legacy JSON (NIP) peer. */
    static final int JSON_OPEN_BRACE = '{';

    private static final Slot FRAME_LEN = SbiLayouts.ENVELOPE.slot("frame_len"), OP = SbiLayouts.ENVELOPE.slot("op");

    public SbiEnvelope {
        Require.unsigned(frameLen, 32, "frameLen");
        Require.unsigned(op, 8, "op");
    }

    /** The receiver's first check, before it allocates anything: 24 ≤ frame_len ≤ 262144. */
    public static boolean frameLenInRange(long frameLen) {
        return frameLen >= MIN_FRAME && frameLen <= MAX_FRAME;
    }

    /** The cause for an out-of-range frame_len; a leading '{' marks a legacy JSON peer. */
    static String outOfRange(long frameLen) {
        String cause = "frame_len " + frameLen + " out of range [" + MIN_FRAME + ", " + MAX_FRAME + "]";
        return frameLen >>> 24 == JSON_OPEN_BRACE ? cause + ": legacy JSON peer" : cause;
    }

    /** Offset of frame_len's end: with fewer bytes nothing can be checked yet. */
    static int frameLenEnd() {
        return FRAME_LEN.end();
    }

    static long frameLen(MemorySegment seg, long offset) {
        return FRAME_LEN.get(seg, offset);
    }

    public static Decoded<SbiEnvelope> decode(MemorySegment seg, long offset, long available) {
        long n = Input.usable(seg, offset, available);
        if (n < 0) return Input.badWindow(seg, offset, available);
        if (n < SIZE) return Decoded.incomplete(SIZE, n);
        return Decoded.ok(new SbiEnvelope(FRAME_LEN.get(seg, offset), OP.getInt(seg, offset)), SIZE);
    }

    public static Decoded<SbiEnvelope> decode(byte[] bytes) {
        return decode(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    public int encodedSize() {
        return SIZE;
    }

    public void encodeTo(MemorySegment dst, long offset) {
        FRAME_LEN.set(dst, offset, frameLen);
        OP.set(dst, offset, op);
    }

    public byte[] encode() {
        byte[] out = new byte[SIZE];
        encodeTo(MemorySegment.ofArray(out), 0);
        return out;
    }
}
