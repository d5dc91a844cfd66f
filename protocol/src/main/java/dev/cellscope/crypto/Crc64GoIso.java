package dev.cellscope.crypto;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * CRC-64/GO-ISO, the Tether frame checksum (PROTOCOLS.md section 3): the ISO 3309
 * polynomial x^64+x^4+x^3+x+1, reflected (0xD800000000000000), init and xorout all
 * ones; {@code check("123456789") = 0xB90956C775A41001}.
 *
 * <p>Streaming and allocation-free: start from {@link #INIT}, {@code update} any number
 * of times, then {@link #finish}. The register between calls is the raw (not yet
 * inverted) CRC, so updates compose in any split. Slice-by-8: eight 256-entry tables let
 * the loop fold one little-endian 64-bit word per step instead of one byte, which is what
 * makes checksumming every Tether frame of a large capture cheap.
 */
public final class Crc64GoIso {
    private Crc64GoIso() {}

    /** Reflected form of the ISO 3309 polynomial. */
    public static final long POLY = 0xD800000000000000L;
    /** Register value to start from (init = all ones). */
    public static final long INIT = -1L;
    /** CRC of "123456789", the catalogue check value. */
    public static final long CHECK = 0xB90956C775A41001L;

    /** Byte range of the checksum field inside the 64-byte Tether header. */
    public static final int TETHER_CHECKSUM_OFFSET = 48, TETHER_CHECKSUM_SIZE = 8;

    private static final ValueLayout.OfLong LONG_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle ARRAY_LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** T[k*256 + b]: CRC of byte b followed by k zero bytes (one flat array: fewer bounds checks). */
    private static final long[] T = new long[8 * 256];

    static {
        for (int b = 0; b < 256; b++) {
            long c = b;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >>> 1) ^ POLY : c >>> 1;
            T[b] = c;
        }
        for (int k = 1; k < 8; k++) {
            for (int b = 0; b < 256; b++) {
                long prev = T[(k - 1) * 256 + b];
                T[k * 256 + b] = (prev >>> 8) ^ T[(int) prev & 0xFF];
            }
        }
    }

    /** Folds one 64-bit little-endian word already XORed into the register. */
    private static long fold8(long x) {
        return T[7 * 256 + ((int) x & 0xFF)]
                ^ T[6 * 256 + ((int) (x >>> 8) & 0xFF)]
                ^ T[5 * 256 + ((int) (x >>> 16) & 0xFF)]
                ^ T[4 * 256 + ((int) (x >>> 24) & 0xFF)]
                ^ T[3 * 256 + ((int) (x >>> 32) & 0xFF)]
                ^ T[2 * 256 + ((int) (x >>> 40) & 0xFF)]
                ^ T[256 + ((int) (x >>> 48) & 0xFF)]
                ^ T[(int) (x >>> 56)];
    }

    private static long fold1(long crc, int b) {
        return (crc >>> 8) ^ T[((int) crc ^ b) & 0xFF];
    }

    /** Adds {@code length} bytes of {@code seg} from {@code offset} (heap or native segment). */
    public static long update(long crc, MemorySegment seg, long offset, long length) {
        Objects.checkFromIndexSize(offset, length, seg.byteSize());
        long i = offset, end = offset + length;
        for (long words = end - 8; i <= words; i += 8) crc = fold8(crc ^ seg.get(LONG_LE, i));
        for (; i < end; i++) crc = fold1(crc, seg.get(ValueLayout.JAVA_BYTE, i));
        return crc;
    }

    /** Adds {@code len} bytes of {@code b} from {@code off}. */
    public static long update(long crc, byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        int i = off, end = off + len;
        for (int words = end - 8; i <= words; i += 8) crc = fold8(crc ^ (long) ARRAY_LONG_LE.get(b, i));
        for (; i < end; i++) crc = fold1(crc, b[i]);
        return crc;
    }

    /**
     * Adds {@code count} zero bytes without needing a buffer of zeros: the Tether rule
     * hashes the checksum field as if it were zero.
     */
    public static long updateZeros(long crc, long count) {
        if (count < 0) throw new IllegalArgumentException("negative zero-byte count: " + count);
        long i = 0;
        for (; i + 8 <= count; i += 8) crc = fold8(crc);
        for (; i < count; i++) crc = fold1(crc, 0);
        return crc;
    }

    /**
     * {@code X2N[k]} = x^(2^k) mod P in the reflected representation (x^0 is bit 63): the powers that
     * {@link #shift} multiplies together, so that it costs O(log count) products instead of count bytes.
     */
    private static final long[] X2N = new long[64];

    static {
        X2N[0] = 1L << 62; // x^1
        for (int k = 1; k < X2N.length; k++) X2N[k] = multiplyModP(X2N[k - 1], X2N[k - 1]);
    }

    /** a(x)·b(x) mod P, both reflected (zlib's multmodp for 64 bits). */
    private static long multiplyModP(long a, long b) {
        long product = 0;
        for (long m = Long.MIN_VALUE; a != 0; m >>>= 1) {
            if ((a & m) != 0) {
                product ^= b;
                a ^= m;
            }
            b = (b & 1) != 0 ? (b >>> 1) ^ POLY : b >>> 1;
        }
        return product;
    }

    /**
     * The register after {@code count} zero bytes, as {@link #updateZeros} gives it, in O(log count): the register is
     * multiplied by x^(8·count) mod P. With it the CRC of a whole can be put together from the CRCs of its parts in any
     * order (zlib's crc32_combine): a register is linear in the bytes, so {@code update(0, A‖B) = shift(update(0, A), |B|)
     * ^ update(0, B)}, and {@code update(INIT, C) = shift(INIT, |C|) ^ update(0, C)}. The tap uses it to check a Tether
     * Manifest's content checksum from slots that arrive in any order, without keeping them.
     */
    public static long shift(long crc, long count) {
        if (count < 0) throw new IllegalArgumentException("negative zero-byte count: " + count);
        if (crc == 0 || count == 0) return crc;
        // x^(8·count) = product of x^(2^k) over the set bits of 8·count (count < 2^63, so bit k+3 of it fits 64 entries).
        long op = Long.MIN_VALUE; // x^0
        for (int k = 3; count != 0; count >>>= 1, k++) {
            if ((count & 1) != 0) op = multiplyModP(X2N[k], op);
        }
        return multiplyModP(op, crc);
    }

    /** The final CRC value from a register (applies xorout). */
    public static long finish(long crc) {
        return ~crc;
    }

    public static long compute(byte[] b) {
        return finish(update(INIT, b, 0, b.length));
    }

    public static long compute(MemorySegment seg, long off, long len) {
        return finish(update(INIT, seg, off, len));
    }

    /**
     * The Tether checksum of the frame at {@code [off, off+len)}: CRC over the whole frame
     * (header and payload blocks) with header bytes [48,56) taken as zero. {@code len} is every
     * byte the frame has, whether or not it is whole blocks: the tap and the peer both hash what
     * arrived, and a length that is not a multiple of 64 is a separate fault. A frame too
     * short to hold the field is hashed as far as it goes, again with those bytes as zero,
     * so a truncated capture still gets a value (and a "bad" status) rather than an error.
     */
    public static long tetherChecksum(MemorySegment frame, long off, long len) {
        Objects.checkFromIndexSize(off, len, frame.byteSize());
        long head = Math.min(len, TETHER_CHECKSUM_OFFSET);
        long fieldEnd = Math.min(len, TETHER_CHECKSUM_OFFSET + TETHER_CHECKSUM_SIZE);
        long crc = update(INIT, frame, off, head);
        crc = updateZeros(crc, fieldEnd - head);
        crc = update(crc, frame, off + fieldEnd, len - fieldEnd);
        return finish(crc);
    }
}
