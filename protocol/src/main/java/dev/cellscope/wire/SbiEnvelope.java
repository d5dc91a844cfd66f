package dev.cellscope.wire;

import dev.cellscope.protocol.sbi.SbiLimits;

import java.lang.foreign.MemorySegment;

/**
 * The 5-byte UTCP-SBI envelope: frame_len (u32 big-endian, the SBI frame only) and op.
 * Decoding reads it as found; whether frame_len is acceptable is {@link SbiLimits#frameLenInRange}.
 */
public record SbiEnvelope(long frameLen, int op) {
    public static final int SIZE = SbiLayouts.ENVELOPE_SIZE;

    private static final Slot FRAME_LEN = SbiLayouts.ENVELOPE.slot("frame_len"), OP = SbiLayouts.ENVELOPE.slot("op");

    public SbiEnvelope {
        Require.unsigned(frameLen, 32, "frameLen");
        Require.unsigned(op, 8, "op");
    }

    /** The cause for an out-of-range frame_len; a leading '{' marks a legacy JSON peer. */
    static String outOfRange(long frameLen) {
        String cause = SbiLimits.frameLenOutOfRange(frameLen);
        return SbiLimits.startsLikeJson(frameLen) ? cause + ": legacy JSON peer" : cause;
    }

    /** Offset of frame_len's end: with fewer bytes nothing can be checked yet. */
    public static int frameLenEnd() {
        return FRAME_LEN.end();
    }

    /** frame_len at {@code offset} (the caller checked that {@link #frameLenEnd()} bytes are there). */
    public static long frameLen(MemorySegment seg, long offset) {
        return FRAME_LEN.get(seg, offset);
    }

    /** The op byte at {@code offset} (the caller checked that the envelope is there). */
    public static int op(MemorySegment seg, long offset) {
        return OP.getInt(seg, offset);
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
