package dev.cellscope.crypto;

import java.util.HexFormat;

/**
 * Node identities derived from an Ed25519 public key, and their text forms
 * (PROTOCOLS.md sections 2 and 3).
 *
 * <ul>
 *   <li>UTCP CellID: SipHash-2-4-128 of the 32-byte key, key 16 zero bytes unless the user
 *       configures one; shown as 32 lowercase hex digits.</li>
 *   <li>Tether ID: 48 bits, {@code AC:1D} then the first 4 bytes of BLAKE3(key); shown
 *       MAC-style. Held in the low 48 bits of a {@code long}.</li>
 * </ul>
 * Hex goes through {@link HexFormat} (lowercase), so the package needs no hex helper of its own.
 */
public final class Identities {
    private Identities() {}

    public static final int PUBLIC_KEY_SIZE = 32, CELL_ID_SIZE = 16;

    /** The Spine, {@code cc:cc:cc:cc:cc:cc}. */
    public static final long SPINE = 0xCCCCCCCCCCCCL;
    /** The Registry, {@code ac:1d:00:00:00:00}. */
    public static final long REGISTRY = 0xAC1D00000000L;
    /** Top 16 bits of unicast and multicast Tether IDs. */
    public static final int UNICAST_PREFIX = 0xAC1D, MULTICAST_PREFIX = 0xAD1D;

    private static final byte[] ZERO_KEY = new byte[SipHash128.KEY_SIZE];
    private static final HexFormat HEX = HexFormat.of();
    private static final long MASK48 = 0xFFFF_FFFF_FFFFL;

    /** CellID with the default (all-zero) SipHash key. */
    public static byte[] cellId(byte[] ed25519PublicKey32) {
        return cellId(ed25519PublicKey32, ZERO_KEY);
    }

    /**
     * CellID with a configured SipHash key.
     *
     * @throws IllegalArgumentException if the public key is not 32 bytes or the key not 16
     */
    public static byte[] cellId(byte[] ed25519PublicKey32, byte[] sipKey16) {
        requireKey(ed25519PublicKey32);
        return SipHash128.hash(sipKey16, ed25519PublicKey32);
    }

    /**
     * Unicast Tether ID: {@code 0xAC1D_0000_0000L | first 4 bytes of BLAKE3(key), big-endian}.
     *
     * @throws IllegalArgumentException if the public key is not 32 bytes
     */
    public static long tetherId(byte[] ed25519PublicKey32) {
        requireKey(ed25519PublicKey32);
        byte[] h = Blake3.hash(ed25519PublicKey32);
        long first4 = ((h[0] & 0xFFL) << 24) | ((h[1] & 0xFFL) << 16) | ((h[2] & 0xFFL) << 8) | (h[3] & 0xFFL);
        return REGISTRY | first4;
    }

    /** True for a multicast group ID ({@code ad:1d:...}). */
    public static boolean isMulticast(long id) {
        return id >>> 32 == MULTICAST_PREFIX;
    }

    /** True for a unicast node ID ({@code ac:1d:...}), the Registry included. */
    public static boolean isUnicast(long id) {
        return id >>> 32 == UNICAST_PREFIX;
    }

    /** {@code ac:1d:12:34:56:78}: the low 48 bits as six lowercase hex pairs. */
    public static String formatTetherId(long id) {
        char[] c = new char[17];
        for (int i = 0; i < 6; i++) {
            int b = (int) (id >>> (40 - 8 * i)) & 0xFF;
            c[3 * i] = Character.forDigit(b >>> 4, 16);
            c[3 * i + 1] = Character.forDigit(b & 0xF, 16);
            if (i < 5) c[3 * i + 2] = ':';
        }
        return new String(c);
    }

    /**
     * Parses a Tether ID written as six hex pairs separated by {@code :} or {@code -}, or as
     * 12 bare hex digits; either case; surrounding blanks ignored.
     *
     * @throws IllegalArgumentException naming the text and the expected form
     */
    public static long parseTetherId(String text) {
        String s = text == null ? "" : text.strip();
        long v = 0;
        int digits = 0;
        boolean ok = s.length() == 12 || s.length() == 17;
        for (int i = 0; ok && i < s.length(); i++) {
            char ch = s.charAt(i);
            if (s.length() == 17 && i % 3 == 2) {
                ok = (ch == ':' || ch == '-') && ch == s.charAt(2);
                continue;
            }
            int d = Character.digit(ch, 16);
            ok = d >= 0 && ch < 128; // digit() also accepts non-ASCII digits; IDs are ASCII
            v = (v << 4) | d;
            digits++;
        }
        if (!ok || digits != 12) {
            throw new IllegalArgumentException("not a Tether ID: \"" + text
                    + "\" (expected 6 hex byte pairs such as ac:1d:12:34:56:78, ac-1d-12-34-56-78 or ac1d12345678)");
        }
        return v & MASK48;
    }

    /**
     * 32 lowercase hex digits.
     *
     * @throws IllegalArgumentException if not 16 bytes
     */
    public static String formatCellId(byte[] cellId16) {
        if (cellId16.length != CELL_ID_SIZE) {
            throw new IllegalArgumentException("a CellID is " + CELL_ID_SIZE + " bytes, got " + cellId16.length);
        }
        return HEX.formatHex(cellId16);
    }

    /**
     * Parses 32 hex digits (either case; {@code :} and {@code -} separators ignored, so
     * UUID-style text works too).
     *
     * @throws IllegalArgumentException naming the text and the expected form
     */
    public static byte[] parseCellId(String text) {
        String s = text == null ? "" : text.strip().replace(":", "").replace("-", "");
        boolean ok = s.length() == 2 * CELL_ID_SIZE;
        for (int i = 0; ok && i < s.length(); i++) ok = s.charAt(i) < 128 && Character.digit(s.charAt(i), 16) >= 0;
        if (!ok) {
            throw new IllegalArgumentException("not a CellID: \"" + text + "\" (expected 32 hex digits)");
        }
        return HEX.parseHex(s);
    }

    private static void requireKey(byte[] key) {
        if (key.length != PUBLIC_KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 public key is " + PUBLIC_KEY_SIZE + " bytes, got " + key.length);
        }
    }
}
