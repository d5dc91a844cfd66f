package dev.cellscope.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * SipHash-2-4 with 128-bit output, as the reference {@code siphash.c} computes it with
 * {@code outlen = 16}: {@code v1 ^= 0xee} at init, {@code v2 ^= 0xee} before the first
 * finalization, {@code v1 ^= 0xdd} before the second; the two 64-bit halves are written
 * little-endian, first half first. UTCP CellIDs are this hash of an Ed25519 public key.
 *
 * <p>Written out here (rather than calling BouncyCastle's Mac object) so that hashing a
 * CellID allocates nothing but its result and keeps no state; the tests use
 * BouncyCastle's {@code SipHash128} as the independent cross-check.
 */
public final class SipHash128 {
    private SipHash128() {}

    public static final int KEY_SIZE = 16, OUT_SIZE = 16;

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * The 16-byte tag of {@code data} under {@code key16}.
     *
     * @throws IllegalArgumentException if the key is not 16 bytes
     */
    public static byte[] hash(byte[] key16, byte[] data) {
        byte[] out = new byte[OUT_SIZE];
        hash(key16, data, 0, data.length, out, 0);
        return out;
    }

    /**
     * Writes the tag of {@code data[off, off+len)} to {@code out[outOff, outOff+16)}; allocates nothing.
     *
     * @throws IllegalArgumentException if the key is not 16 bytes or {@code out} has no room for 16 bytes
     * @throws IndexOutOfBoundsException if the input range is not inside {@code data}
     */
    public static void hash(byte[] key16, byte[] data, int off, int len, byte[] out, int outOff) {
        if (key16.length != KEY_SIZE) {
            throw new IllegalArgumentException("SipHash key must be " + KEY_SIZE + " bytes, got " + key16.length);
        }
        if (outOff < 0 || out.length - outOff < OUT_SIZE) {
            throw new IllegalArgumentException("SipHash-128 output needs " + OUT_SIZE + " bytes at offset " + outOff
                    + " of a " + out.length + "-byte array");
        }
        Objects.checkFromIndexSize(off, len, data.length);
        long k0 = (long) LONG_LE.get(key16, 0), k1 = (long) LONG_LE.get(key16, 8);

        long v0 = 0x736f6d6570736575L ^ k0;
        long v1 = 0x646f72616e646f6dL ^ k1 ^ 0xee; // the 128-bit-output variant
        long v2 = 0x6c7967656e657261L ^ k0;
        long v3 = 0x7465646279746573L ^ k1;

        // SipRound is written out at each use: Java cannot return four longs without allocating.
        int end = off + len, i = off;
        for (int words = end - 8; i <= words; i += 8) {
            long m = (long) LONG_LE.get(data, i);
            v3 ^= m;
            for (int r = 0; r < 2; r++) {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        // Last block: the remaining 0..7 bytes little-endian, the length (mod 256) in the top byte.
        long b = ((long) len) << 56;
        for (int k = 0; i < end; i++, k += 8) b |= (data[i] & 0xFFL) << k;

        v3 ^= b;
        for (int r = 0; r < 2; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        v0 ^= b;

        v2 ^= 0xee;
        for (int r = 0; r < 4; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        LONG_LE.set(out, outOff, v0 ^ v1 ^ v2 ^ v3);

        v1 ^= 0xdd;
        for (int r = 0; r < 4; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        LONG_LE.set(out, outOff + 8, v0 ^ v1 ^ v2 ^ v3);
    }
}
