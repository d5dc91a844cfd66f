package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;

/**
 * The [decided] 24-byte SBI preamble: magic "SB", version, flags, container_len (u32 LE) and
 * the 16-byte schema fingerprint. The fingerprint is the caller's (this package computes no
 * hashes); decoding checks only the magic, the dissector judges version and fingerprint.
 */
public record SbiPreamble(int version, int flags, long containerLength, Bytes schema) {
    public static final int SIZE = SbiLayouts.PREAMBLE_SIZE;
    public static final int VERSION = 1;
    public static final Bytes MAGIC = Bytes.of((byte) 'S', (byte) 'B');

    private static final Layout L = SbiLayouts.PREAMBLE;
    private static final Slot MAGIC_SLOT = L.slot("magic"), VERSION_SLOT = L.slot("version"), FLAGS = L.slot("flags"),
            CONTAINER_LEN = L.slot("container_len"), SCHEMA = L.slot("schema");

    public SbiPreamble {
        Require.unsigned(version, 8, "version");
        Require.unsigned(flags, 8, "flags");
        Require.unsigned(containerLength, 32, "containerLength");
        Require.length(schema, SbiLayouts.SCHEMA_SIZE, "schema");
    }

    /** A version-1 preamble with no flags. */
    public static SbiPreamble of(long containerLength, Bytes schema) {
        return new SbiPreamble(VERSION, 0, containerLength, schema);
    }

    static int containerLengthOffset() {
        return CONTAINER_LEN.offset();
    }

    public static Decoded<SbiPreamble> decode(MemorySegment seg, long offset, long available) {
        long n = Input.usable(seg, offset, available);
        if (n < 0) return Input.badWindow(seg, offset, available);
        if (n < SIZE) return Input.truncated("SBI preamble", SIZE, n);
        Bytes magic = Bytes.copyOf(seg, offset + MAGIC_SLOT.offset(), MAGIC_SLOT.size());
        if (!magic.equals(MAGIC)) return Decoded.invalid("bad preamble magic " + magic.hex(), MAGIC_SLOT.offset());
        return Decoded.ok(new SbiPreamble(VERSION_SLOT.getInt(seg, offset), FLAGS.getInt(seg, offset),
                CONTAINER_LEN.get(seg, offset), Bytes.copyOf(seg, offset + SCHEMA.offset(), SCHEMA.size())), SIZE);
    }

    public static Decoded<SbiPreamble> decode(byte[] bytes) {
        return decode(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    public int encodedSize() {
        return SIZE;
    }

    public void encodeTo(MemorySegment dst, long offset) {
        MAGIC_SLOT.setBytes(dst, offset, MAGIC.toArray());
        VERSION_SLOT.set(dst, offset, version);
        FLAGS.set(dst, offset, flags);
        CONTAINER_LEN.set(dst, offset, containerLength);
        SCHEMA.setBytes(dst, offset, schema.toArray());
    }

    public byte[] encode() {
        byte[] out = new byte[SIZE];
        encodeTo(MemorySegment.ofArray(out), 0);
        return out;
    }
}
