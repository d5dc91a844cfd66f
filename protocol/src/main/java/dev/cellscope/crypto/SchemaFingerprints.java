package dev.cellscope.crypto;

import dev.cellscope.wire.Layout;
import dev.cellscope.wire.SbiLayouts;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * UTCP-SBI schema fingerprints (PROTOCOLS.md section 4): the first 16 bytes of BLAKE3 of
 * a container type's canonical layout descriptor (CLD). The six are computed once from
 * {@link SbiLayouts}' declared layouts, so the fingerprints cannot drift from the layouts
 * the codecs use.
 *
 * <p>{@link #opOf} runs on every preamble and during resynchronisation after a capture
 * hole (once per candidate byte position), so it compares two big-endian longs per known
 * schema and allocates nothing.
 */
public final class SchemaFingerprints {
    private SchemaFingerprints() {}

    public static final int SIZE = SbiLayouts.SCHEMA_SIZE;

    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final VarHandle ARRAY_LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Ops in SbiLayouts.CONTAINERS order, with their fingerprints as two longs each. */
    private static final int[] OPS = {SbiLayouts.OP_HANDSHAKE, SbiLayouts.OP_BLOCK_WANT, SbiLayouts.OP_BLOCK_PUT,
            SbiLayouts.OP_DAG_SYNC, SbiLayouts.OP_ACK, SbiLayouts.OP_NACK};
    private static final byte[][] PRINTS = new byte[OPS.length][];
    private static final long[] HI = new long[OPS.length], LO = new long[OPS.length];

    static {
        for (int i = 0; i < OPS.length; i++) {
            Layout container = SbiLayouts.containerOf(OPS[i]);
            PRINTS[i] = of(container.cld());
            HI[i] = (long) ARRAY_LONG_BE.get(PRINTS[i], 0);
            LO[i] = (long) ARRAY_LONG_BE.get(PRINTS[i], 8);
        }
    }

    /**
     * Fingerprint of a CLD text: first 16 bytes of BLAKE3 of its ASCII bytes. (CLDs are
     * ASCII by construction; any other character would be hashed as '?'.)
     */
    public static byte[] of(String cld) {
        return Arrays.copyOf(Blake3.hash(cld.getBytes(StandardCharsets.US_ASCII)), SIZE);
    }

    /** Fingerprint of an assigned op's container (a fresh copy), or null for an unassigned op. */
    public static byte[] forOp(int op) {
        for (int i = 0; i < OPS.length; i++) {
            if (OPS[i] == op) return PRINTS[i].clone();
        }
        return null;
    }

    /**
     * The op whose fingerprint is the 16 bytes at {@code off}, or -1 when none is (also
     * when fewer than 16 bytes are there: truncated data is "unknown", not an error).
     */
    public static int opOf(MemorySegment seg, long off) {
        if (off < 0 || off > seg.byteSize() - SIZE) return -1;
        return find(seg.get(LONG_BE, off), seg.get(LONG_BE, off + 8));
    }

    /** As {@link #opOf(MemorySegment, long)}, for an array. */
    public static int opOf(byte[] b, int off) {
        if (off < 0 || off > b.length - SIZE) return -1;
        return find((long) ARRAY_LONG_BE.get(b, off), (long) ARRAY_LONG_BE.get(b, off + 8));
    }

    private static int find(long hi, long lo) {
        for (int i = 0; i < OPS.length; i++) {
            if (HI[i] == hi && LO[i] == lo) return OPS[i];
        }
        return -1;
    }
}
