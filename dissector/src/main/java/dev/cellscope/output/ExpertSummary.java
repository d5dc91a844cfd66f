package dev.cellscope.output;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.expert.Expert;
import dev.cellscope.expert.ExpertGroup;
import dev.cellscope.expert.Severity;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FrameFields;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code -z expert}: collects every finding with its frame number, then prints counts by
 * severity and group and the findings themselves, worst first (capture-level findings, such as
 * tap loss, have no frame). Keeps at most {@link #MAX_KEPT} findings; the counts stay exact.
 */
public final class ExpertSummary implements CaptureStatistic {
    static final int MAX_KEPT = 1_000_000;

    private record Finding(long frame, Expert expert) {}

    private final List<Finding> kept = new ArrayList<>();
    private final long[][] counts = new long[Severity.values().length][ExpertGroup.values().length];
    private long frame;
    private long dropped;

    @Override
    public void captureFindings(List<Expert> findings) {
        for (Expert e : findings) add(-1, e);
    }

    private void add(long f, Expert e) {
        counts[e.severity().ordinal()][e.group().ordinal()]++;
        if (kept.size() < MAX_KEPT) kept.add(new Finding(f, e));
        else dropped++;
    }

    @Override public boolean wants(FieldDef field) { return field == FrameFields.NUMBER; }
    @Override public boolean wantsLayer(FieldDef protocol) { return true; }
    @Override public void protocol(FieldDef field, int offset, int length) {}
    @Override
    public void number(FieldDef field, int offset, int length, long value) {
        if (field == FrameFields.NUMBER) frame = value; // reported first, before any finding
    }
    @Override public void bytes(FieldDef field, int offset, int length, MemorySegment seg, long from, int count) {}
    @Override public void text(FieldDef field, int offset, int length, String value) {}

    @Override
    public void expert(Expert expert, int offset, int length) {
        add(frame, expert);
    }

    public long count(Severity s) {
        long n = 0;
        for (long c : counts[s.ordinal()]) n += c;
        return n;
    }

    @Override
    public void print(StringBuilder out) {
        out.append("===================================================================\n");
        out.append("Expert information\n\n");
        out.append(String.format("%-10s", "severity"));
        for (ExpertGroup g : ExpertGroup.values()) out.append(String.format("%10s", g.label()));
        out.append(String.format("%10s%n", "total"));
        for (int s = Severity.values().length - 1; s >= 0; s--) {
            out.append(String.format("%-10s", Severity.values()[s].label()));
            long total = 0;
            for (int g = 0; g < ExpertGroup.values().length; g++) {
                out.append(String.format("%10d", counts[s][g]));
                total += counts[s][g];
            }
            out.append(String.format("%10d%n", total));
        }
        out.append('\n');
        List<Finding> sorted = new ArrayList<>(kept);
        sorted.sort(Comparator.comparing((Finding f) -> f.expert().severity()).reversed()
                .thenComparingLong(f -> f.frame() < 0 ? Long.MAX_VALUE : f.frame()));
        for (Finding f : sorted) {
            out.append(String.format("%8s  %-5s  %-9s  %s%n", f.frame() < 0 ? "capture" : Long.toString(f.frame()),
                    f.expert().severity().label(), f.expert().group().label(), f.expert().message()));
        }
        if (dropped > 0) out.append("(").append(dropped).append(" more findings counted above but not listed)\n");
        out.append("===================================================================\n");
    }
}
