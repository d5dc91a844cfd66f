package dev.cellscope.output;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.expert.Expert;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FrameFields;
import dev.cellscope.filter.DisplayFilter;
import dev.cellscope.filter.FilterSink;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * tshark's {@code -z io,stat,INTERVAL[,FILTER]...}: frames and bytes per interval, in one
 * column for all frames and one per display filter. The interval 0 means the whole capture.
 * A capture that would need more than {@link #MAX_INTERVALS} rows widens the interval ten times
 * (merging rows by tens, so the interval stays a round number) until it fits, as {@code plot}
 * widens its intervals; {@link #coarsened()} tells the caller to say so.
 */
public final class IoStats implements CaptureStatistic {
    /** Rows kept at most: memory and output stay bounded whatever the interval and the capture's span. */
    public static final int MAX_INTERVALS = 1_000_000;
    private static final int WIDEN = 10;

    private final long requestedNanos;
    private long intervalNanos;
    private final List<DisplayFilter> filters;
    private final List<FilterSink> sinks = new ArrayList<>();
    private final List<long[]> frames = new ArrayList<>(), bytes = new ArrayList<>();
    private long start = Long.MIN_VALUE, time, len, last;

    public IoStats(long intervalNanos, List<DisplayFilter> filters) {
        this.requestedNanos = intervalNanos;
        this.intervalNanos = intervalNanos;
        this.filters = List.copyOf(filters);
        for (DisplayFilter f : filters) sinks.add(f.newSink());
    }

    @Override
    public boolean wants(FieldDef f) {
        if (f == FrameFields.TIME || f == FrameFields.LEN) return true;
        for (FilterSink s : sinks) if (s.wants(f)) return true;
        return false;
    }

    @Override
    public boolean wantsLayer(FieldDef p) {
        for (FilterSink s : sinks) if (s.wantsLayer(p)) return true;
        return false;
    }

    @Override
    public boolean wantsExperts() {
        for (FilterSink s : sinks) if (s.wantsExperts()) return true;
        return false;
    }

    @Override
    public void protocol(FieldDef f, int offset, int length) {
        for (FilterSink s : sinks) s.protocol(f, offset, length);
    }

    @Override
    public void number(FieldDef f, int offset, int length, long value) {
        if (f == FrameFields.TIME) time = value;
        else if (f == FrameFields.LEN) len = value;
        for (FilterSink s : sinks) if (s.wants(f)) s.number(f, offset, length, value);
    }

    @Override
    public void bytes(FieldDef f, int offset, int length, MemorySegment seg, long from, int count) {
        for (FilterSink s : sinks) if (s.wants(f)) s.bytes(f, offset, length, seg, from, count);
    }

    @Override
    public void text(FieldDef f, int offset, int length, String value) {
        for (FilterSink s : sinks) if (s.wants(f)) s.text(f, offset, length, value);
    }

    @Override
    public void expert(Expert e, int offset, int length) {
        for (FilterSink s : sinks) s.expert(e, offset, length);
    }

    @Override
    public void endFrame() {
        if (start == Long.MIN_VALUE) start = time;
        last = Math.max(last, time);
        long index = index();
        while (index >= MAX_INTERVALS) {
            widen();
            index = index();
        }
        while (frames.size() <= index) {
            frames.add(new long[filters.size() + 1]);
            bytes.add(new long[filters.size() + 1]);
        }
        count((int) index, 0);
        for (int i = 0; i < sinks.size(); i++) {
            if (filters.get(i).matches(sinks.get(i))) count((int) index, i + 1);
            sinks.get(i).reset();
        }
    }

    private long index() {
        if (intervalNanos <= 0 || time <= start) return 0;
        long span = time - start;
        return (span < 0 ? Long.MAX_VALUE : span) / intervalNanos; // span < 0: beyond 2^63 ns
    }

    /** Ten times the interval: rows merged by tens. */
    private void widen() {
        intervalNanos = Math.multiplyHigh(intervalNanos, WIDEN) != 0 ? Long.MAX_VALUE : intervalNanos * WIDEN;
        int rows = (frames.size() + WIDEN - 1) / WIDEN;
        for (int r = 0; r < rows; r++) {
            long[] f = new long[filters.size() + 1], b = new long[filters.size() + 1];
            for (int i = r * WIDEN; i < Math.min(frames.size(), (r + 1) * WIDEN); i++) {
                for (int c = 0; c < f.length; c++) {
                    f[c] += frames.get(i)[c];
                    b[c] += bytes.get(i)[c];
                }
            }
            frames.set(r, f);
            bytes.set(r, b);
        }
        frames.subList(rows, frames.size()).clear();
        bytes.subList(rows, bytes.size()).clear();
    }

    /** Whether the interval had to be widened (then {@link #intervalNanos()} differs from the one asked for). */
    public boolean coarsened() {
        return intervalNanos != requestedNanos;
    }

    /** The interval asked for, in nanoseconds (0: the whole capture). */
    public long requestedNanos() {
        return requestedNanos;
    }

    /** The interval the table uses. */
    public long intervalNanos() {
        return intervalNanos;
    }

    private void count(int index, int column) {
        frames.get(index)[column]++;
        bytes.get(index)[column] += len;
    }

    @Override
    public void print(StringBuilder out) {
        int cols = filters.size() + 1;
        out.append("===================================================================\n");
        out.append("IO Statistics\n");
        out.append("Interval: ").append(intervalNanos <= 0 ? "the whole capture" : seconds(intervalNanos) + " s").append('\n');
        out.append("Col 1: all frames\n");
        for (int i = 0; i < filters.size(); i++) out.append("    ").append(i + 2).append(": ").append(filters.get(i).expression()).append('\n');
        out.append(String.format("%-25s", "Interval (s)"));
        for (int c = 1; c <= cols; c++) out.append(String.format(" | %7s %10s", "Frames", "Bytes") + (c == 1 ? "" : ""));
        out.append('\n');
        for (int i = 0; i < frames.size(); i++) {
            long from = intervalNanos <= 0 ? 0 : i * intervalNanos;
            long to = intervalNanos <= 0 ? last - start : (i + 1) * intervalNanos;
            out.append(String.format("%-25s", seconds(from) + " <> " + seconds(to)));
            for (int c = 0; c < cols; c++) out.append(String.format(" | %7d %10d", frames.get(i)[c], bytes.get(i)[c]));
            out.append('\n');
        }
        out.append("===================================================================\n");
    }

    private static String seconds(long nanos) {
        return String.format("%.6f", nanos / 1e9);
    }
}
