package dev.cellscope.charts;

import java.text.DecimalFormat;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;

/** Tick labels with SI prefixes ("1.2 G", "350 k"): rates of a gigabit link stay readable. */
final class SiFormat extends NumberFormat {
    private static final String[] PREFIX = {"", " k", " M", " G", " T", " P"};
    private final DecimalFormat digits = new DecimalFormat("0.###");

    @Override
    public StringBuffer format(double v, StringBuffer to, FieldPosition pos) {
        int p = 0;
        double a = Math.abs(v);
        while (a >= 1000 && p < PREFIX.length - 1) {
            a /= 1000;
            v /= 1000;
            p++;
        }
        return to.append(digits.format(v)).append(PREFIX[p]);
    }

    @Override
    public StringBuffer format(long v, StringBuffer to, FieldPosition pos) {
        return format((double) v, to, pos);
    }

    @Override
    public Number parse(String source, ParsePosition pos) {
        return digits.parse(source, pos); // axes only format
    }
}
