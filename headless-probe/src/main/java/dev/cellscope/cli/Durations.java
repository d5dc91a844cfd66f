package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;

import java.math.BigDecimal;
import java.util.Locale;

/** Durations as the probe's options take them: {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h}, or plain seconds. */
final class Durations {
    private Durations() {}

    static long nanos(String option, String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        long unit = 1_000_000_000L;
        String number = t;
        if (t.endsWith("ms")) { unit = 1_000_000L; number = t.substring(0, t.length() - 2); }
        else if (t.endsWith("s")) number = t.substring(0, t.length() - 1);
        else if (t.endsWith("m")) { unit = 60_000_000_000L; number = t.substring(0, t.length() - 1); }
        else if (t.endsWith("h")) { unit = 3_600_000_000_000L; number = t.substring(0, t.length() - 1); }
        try {
            BigDecimal v = new BigDecimal(number);
            if (v.signum() < 0) throw new NumberFormatException();
            return v.multiply(BigDecimal.valueOf(unit)).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw UserError.usage(option + ": '" + text + "' is not a duration (e.g. 10s, 500ms, 2m, 1h)");
        }
    }
}
