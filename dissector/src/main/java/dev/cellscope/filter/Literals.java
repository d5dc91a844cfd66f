package dev.cellscope.filter;

import dev.cellscope.field.FieldDef;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing of literal words into values; null means "not of this form". */
final class Literals {
    private Literals() {}

    private static final Pattern DEC = Pattern.compile("[0-9]+");
    private static final Pattern HEX = Pattern.compile("0[xX]([0-9a-fA-F]+)");
    private static final Pattern BIN = Pattern.compile("0[bB]([01]+)");
    private static final Pattern OCT = Pattern.compile("0([0-7]+)");
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})(?:/(\\d{1,2}))?");
    private static final Pattern SECONDS = Pattern.compile("-?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)");
    private static final Pattern HEXDIGITS = Pattern.compile("[0-9a-fA-F]+");

    /** An unsigned integer in C notation (decimal, 0x hex, 0b binary, 0 octal), or null. May exceed 64 bits. */
    /** A signed decimal integer (for INT fields), or null. */
    static BigInteger signedInteger(String w) {
        if (w.startsWith("-")) {
            BigInteger v = integer(w.substring(1));
            return v == null ? null : v.negate();
        }
        return integer(w);
    }

    static BigInteger integer(String w) {
        Matcher m;
        if ((m = HEX.matcher(w)).matches()) return new BigInteger(m.group(1), 16);
        if ((m = BIN.matcher(w)).matches()) return new BigInteger(m.group(1), 2);
        if ((m = OCT.matcher(w)).matches()) return new BigInteger(m.group(1), 8);
        if (DEC.matcher(w).matches()) return new BigInteger(w);
        return null;
    }

    /** Byte string from hex digits, optionally separated by ':', '.' or '-' (groups of one or an even number of digits). */
    static byte[] hexBytes(String w) {
        if (w.isEmpty()) return null;
        String[] groups = w.split("[:.\\-]", -1);
        if (groups.length == 1) {
            if (w.length() % 2 != 0 || !HEXDIGITS.matcher(w).matches()) return null;
            return java.util.HexFormat.of().parseHex(w);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (String g : groups) {
            if (g.isEmpty() || !HEXDIGITS.matcher(g).matches()) return null;
            if (g.length() == 1) out.write(Character.digit(g.charAt(0), 16));
            else if (g.length() % 2 == 0) out.writeBytes(java.util.HexFormat.of().parseHex(g));
            else return null;
        }
        return out.toByteArray();
    }

    /** IPv4 dotted quad with optional /prefix: {address, prefixBits}; or null. */
    static long[] ipv4(String w) {
        Matcher m = IPV4.matcher(w);
        if (!m.matches()) return null;
        long v = 0;
        for (int i = 1; i <= 4; i++) {
            int octet = Integer.parseInt(m.group(i));
            if (octet > 255) return null;
            v = (v << 8) | octet;
        }
        int prefix = m.group(5) == null ? 32 : Integer.parseInt(m.group(5));
        if (prefix > 32) return null;
        return new long[] {v, prefix};
    }

    /** 16 bytes of an IPv6 literal, or null. Never resolves names. */
    static byte[] ipv6(String w) {
        if (w.indexOf(':') < 0 || !w.matches("[0-9a-fA-F:.]+")) return null;
        try {
            InetAddress a = InetAddress.ofLiteral(w);
            byte[] b = a.getAddress();
            if (a instanceof Inet4Address) {
                byte[] mapped = new byte[16];
                mapped[10] = mapped[11] = (byte) 0xFF;
                System.arraycopy(b, 0, mapped, 12, 4);
                return mapped;
            }
            return b;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Seconds with decimals as nanoseconds, or null. */
    static Long seconds(String w) {
        if (!SECONDS.matcher(w).matches()) return null;
        try {
            return new BigDecimal(w).movePointRight(9).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
        } catch (ArithmeticException e) {
            return null;
        }
    }

    /** An ISO-8601 date-time as epoch nanoseconds (UTC when no zone is given), or null. */
    static Long isoTime(String s) {
        String t = s.trim().replace(' ', 'T');
        try {
            Instant i = Instant.parse(t);
            return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
        } catch (DateTimeParseException | ArithmeticException e) {
            // fall through
        }
        try {
            Instant i = java.time.OffsetDateTime.parse(t).toInstant();
            return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
        } catch (DateTimeParseException | ArithmeticException e) {
            // fall through
        }
        try {
            Instant i = LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
            return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
        } catch (DateTimeParseException | ArithmeticException e) {
            return null;
        }
    }

    /** A decimal floating-point number as double bits, or null. */
    static Long doubleBits(String w) {
        if (!w.matches("-?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?")) return null;
        return Double.doubleToLongBits(Double.parseDouble(w));
    }

    /** How a field's type is described in messages: "utcp.seq is an unsigned integer". */
    static String describe(FieldDef f) {
        return switch (f.type()) {
            case PROTOCOL -> "a protocol";
            case UINT, UINT_HEX -> "an unsigned integer";
            case INT -> "a signed integer";
            case ENUM -> "an enumerated integer";
            case SYMBOL -> "a symbol";
            case BOOLEAN -> "a boolean";
            case FRAMENUM -> "a frame number";
            case BYTES -> "a byte string";
            case CELLID -> "a CellID";
            case ETHER -> "a MAC address";
            case TETHER_ID -> "a Tether identity";
            case IPV4 -> "an IPv4 address";
            case IPV6 -> "an IPv6 address";
            case STRING -> "a string";
            case ABSTIME -> "an absolute time";
            case RELTIME -> "a relative time";
            case DOUBLE -> "a floating-point number";
        };
    }
}
