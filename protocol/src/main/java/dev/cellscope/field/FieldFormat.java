package dev.cellscope.field;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Instant;

/**
 * Text forms of field values. {@code -T fields}, JSON, CSV and filter literals use the
 * plain forms ({@link #plain}); the detail tree uses the readable forms ({@link #readable}).
 */
public final class FieldFormat {
    private FieldFormat() {}

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Plain form: decimal integers, 0x-padded hex for flags, 1/0, lowercase hex ids. */
    public static String plain(FieldDef f, long v) {
        return switch (f.type()) {
            case UINT, FRAMENUM, ENUM -> Long.toUnsignedString(v);
            case UINT_HEX -> hex(v, f.bits());
            case SYMBOL -> { String n = f.nameOf(v); yield n != null ? n : Long.toString(v); }
            case BOOLEAN -> v != 0 ? "1" : "0";
            case ETHER, TETHER_ID -> mac(v);
            case IPV4 -> ipv4((int) v);
            case ABSTIME, RELTIME -> seconds(v);
            case DOUBLE -> Double.toString(Double.longBitsToDouble(v));
            default -> Long.toString(v);
        };
    }

    /** Readable form for the detail tree. */
    public static String readable(FieldDef f, long v) {
        return switch (f.type()) {
            case ENUM -> { String n = f.nameOf(v); yield n != null ? n + " (" + v + ")" : "Unknown (" + v + ")"; }
            case BOOLEAN -> v != 0 ? "True" : "False";
            case ABSTIME -> f == FrameFields.TIME_EPOCH ? seconds(v) + " seconds" : utc(v); // as Wireshark's tree shows them
            case RELTIME -> seconds(v) + " seconds";
            default -> plain(f, v);
        };
    }

    /**
     * Text that came off the wire or out of a capture file (a NACK's error string, a packet comment), with its
     * control characters written as escapes: backslash-n, -r, -t, -xNN, and -u00NN for the C1 controls, as
     * Wireshark's format_text shows such strings. A sender must not be able to start a new row or column of
     * {@code -T fields}, a new line of the tree or the summary, or a terminal escape sequence. Returns the same
     * string when there is nothing to escape.
     */
    public static String printable(String s) {
        int i = 0;
        while (i < s.length() && !Character.isISOControl(s.charAt(i))) i++;
        if (i == s.length()) return s;
        StringBuilder b = new StringBuilder(s.length() + 8).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Character.isISOControl(c)) {
                b.append(c);
                continue;
            }
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x80) b.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    else b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                }
            }
        }
        return b.toString();
    }

    /** Plain form of a byte-string value. */
    public static String plainBytes(FieldDef f, MemorySegment seg, long from, int count) {
        if (f.type() == FieldType.IPV6 && count == 16) return ipv6(seg.asSlice(from, 16).toArray(ValueLayout.JAVA_BYTE));
        return hex(seg, from, count);
    }

    /**
     * An IPv6 address as RFC 5952 writes it, as tshark and ip print it: lowercase, no leading zeros, the
     * longest run of two or more zero groups (the first of equal runs) as {@code ::} ({@code fe80::10}, not
     * Java's {@code fe80:0:0:0:0:0:0:10}).
     */
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

    /** Lowercase hex of bytes, no separators. */
    public static String hex(MemorySegment seg, long from, int count) {
        char[] out = new char[count * 2];
        for (int i = 0; i < count; i++) {
            int b = seg.get(ValueLayout.JAVA_BYTE, from + i) & 0xFF;
            out[2 * i] = HEX[b >>> 4];
            out[2 * i + 1] = HEX[b & 0xF];
        }
        return new String(out);
    }

    public static String hex(byte[] bytes) {
        return hex(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    /** 0x-prefixed hex padded to the width in bits. */
    public static String hex(long v, int bits) {
        int digits = Math.max(1, (bits + 3) / 4);
        String h = Long.toHexString(v);
        if (h.length() >= digits) return "0x" + h;
        return "0x" + "0".repeat(digits - h.length()) + h;
    }

    /** 48-bit value as colon-separated lowercase octets. */
    public static String mac(long v) {
        char[] out = new char[17];
        for (int i = 0; i < 6; i++) {
            int b = (int) (v >>> (40 - 8 * i)) & 0xFF;
            out[3 * i] = HEX[b >>> 4];
            out[3 * i + 1] = HEX[b & 0xF];
            if (i < 5) out[3 * i + 2] = ':';
        }
        return new String(out);
    }

    public static String ipv4(int v) {
        return ((v >>> 24) & 0xFF) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
    }

    /** Nanoseconds as seconds with nine decimals (sign kept). */
    public static String seconds(long nanos) {
        long abs = Math.abs(nanos);
        String frac = Long.toString(abs % 1_000_000_000L);
        return (nanos < 0 ? "-" : "") + (abs / 1_000_000_000L) + "." + "0".repeat(9 - frac.length()) + frac;
    }

    /** Epoch nanoseconds as an ISO-8601 UTC instant with nanoseconds. */
    public static String utc(long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L))
                .toString();
    }

    /** A hash shortened for summaries: first 8 hex digits and an ellipsis. */
    public static String shortHash(MemorySegment seg, long from) {
        return hex(seg, from, 4) + "…";
    }
}
