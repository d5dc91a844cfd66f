package dev.cellscope.nativetap.packet;

import java.util.HexFormat;

/**
 * 48-bit MAC addresses as the low bits of a {@code long}, first octet most significant, so
 * {@code 02:00:00:00:00:01} is {@code 0x020000000001L}: cheap to compare, hash and use as a
 * map key or a link neighbour.
 */
public final class MacAddress {
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    private static final long MASK = 0xFFFF_FFFF_FFFFL;

    private MacAddress() {
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} (or with '-'); rejects anything else. */
    public static long parse(String text) {
        String s = text.strip();
        if (s.length() != 17) throw new IllegalArgumentException("not a MAC address: '" + text + "'");
        long v = 0;
        for (int i = 0; i < 6; i++) {
            if (i > 0 && s.charAt(3 * i - 1) != ':' && s.charAt(3 * i - 1) != '-') {
                throw new IllegalArgumentException("not a MAC address: '" + text + "'");
            }
            try {
                v = v << 8 | HexFormat.fromHexDigits(s, 3 * i, 3 * i + 2);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a MAC address: '" + text + "'", e);
            }
        }
        return v;
    }

    /** {@code aa:bb:cc:dd:ee:ff}, lower case. */
    public static String format(long mac) {
        StringBuilder b = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            if (shift < 40) b.append(':');
            b.append(HexFormat.of().toHexDigits((byte) (mac >>> shift)));
        }
        return b.toString();
    }

    /** Broadcast or a multicast group (the I/G bit of the first octet). */
    public static boolean isGroup(long mac) {
        return (mac >>> 40 & 1) != 0;
    }

    static long checked(long mac) {
        if ((mac & ~MASK) != 0) throw new IllegalArgumentException("MAC wider than 48 bits: 0x" + Long.toHexString(mac));
        return mac;
    }
}
