package dev.cellscope.live;

import java.net.Inet6Address;
import java.net.InetAddress;

/** Addresses as {@code -D} shows them, the same for every backend. */
public final class AddressText {
    private AddressText() {}

    /** IPv4 dotted, IPv6 as RFC 5952 (no zone): what ip and tshark print. */
    public static String of(InetAddress a) {
        return a instanceof Inet6Address ? ipv6(a.getAddress()) : a.getHostAddress();
    }

    /** RFC 5952 text, as ip and tshark print it (fe80::1, not Java's fe80:0:0:0:0:0:0:1%veth0). */
    public static String ipv6(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = (b[2 * i] & 0xff) << 8 | (b[2 * i + 1] & 0xff);
        int bestStart = -1, bestLength = 1; // only a run of two or more zero groups becomes "::"
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        if (bestStart < 0) return groups(g, 0, 8);
        return groups(g, 0, bestStart) + "::" + groups(g, bestStart + bestLength, 8);
    }

    private static String groups(int[] g, int from, int to) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < to; i++) {
            if (i > from) s.append(':');
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }
}
