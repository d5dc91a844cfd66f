package dev.cellscope.live.ring;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the values of the ring flags ({@code --ring-size 100MB}, {@code --ring-duration 10m}) and other sizes ({@code endpoint put --block-size}) so
 * every face spells them the same way. Sizes: a number of bytes, or with kB/MB/GB (powers of 1000,
 * as dumpcap's kB) or KiB/MiB/GiB (powers of 1024); k, M, G alone are the decimal ones. Durations:
 * seconds (as dumpcap's {@code duration:}), or with ms, s, m, h, d.
 */
public final class RingUnits {

    private static final Pattern NUMBER_UNIT = Pattern.compile("(\\d+)\\s*([A-Za-z]*)");

    private RingUnits() {}

    /** Bytes from "100MB", "512KiB", "1G", "65536". */
    public static long bytes(String text) {
        Matcher m = match(text, "size");
        long factor = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1;
            case "k", "kb" -> 1000;
            case "m", "mb" -> 1000_000;
            case "g", "gb" -> 1000_000_000;
            case "kib" -> 1L << 10;
            case "mib" -> 1L << 20;
            case "gib" -> 1L << 30;
            default -> throw new IllegalArgumentException("size '" + text + "': unknown unit '" + m.group(2)
                    + "' (use B, kB, MB, GB, KiB, MiB or GiB)");
        };
        return Math.multiplyExact(Long.parseLong(m.group(1)), factor);
    }

    /** A duration from "10s", "5m", "1h", "500ms", "2d", or plain seconds "90". */
    public static Duration duration(String text) {
        Matcher m = match(text, "duration");
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "s" -> Duration.ofSeconds(n);
            case "ms" -> Duration.ofMillis(n);
            case "m", "min" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> throw new IllegalArgumentException("duration '" + text + "': unknown unit '" + m.group(2)
                    + "' (use ms, s, m, h or d)");
        };
    }

    private static Matcher match(String text, String what) {
        Matcher m = NUMBER_UNIT.matcher(text == null ? "" : text.strip());
        if (!m.matches() || m.group(1).length() > 18) {
            throw new IllegalArgumentException(what + " '" + text + "': expected a whole number and an optional unit");
        }
        return m;
    }
}
