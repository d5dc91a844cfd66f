package dev.cellscope.live.ring;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ring file names as dumpcap makes them: {@code <prefix>_<index>_<YYYYMMDDhhmmss>.pcapng}, the
 * index zero-padded to 5 digits (more once it passes 99999) and the time of opening in UTC (not
 * local time as dumpcap: a daylight-saving change must not make names repeat or run backwards).
 */
final class RingFileName {

    static final String SUFFIX = ".pcapng";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    private RingFileName() {}

    static String format(String prefix, long index, long wallNanos) {
        Instant at = Instant.ofEpochSecond(Math.floorDiv(wallNanos, 1_000_000_000L));
        return String.format("%s_%05d_%s%s", prefix, index, TIME.format(at), SUFFIX);
    }

    /** The index of a file of this prefix, or -1 when the name is not one of ours. */
    static long index(String prefix, String fileName) {
        Matcher m = Pattern.compile(Pattern.quote(prefix) + "_(\\d{5,18})_\\d{14}" + Pattern.quote(SUFFIX))
                .matcher(fileName);
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
