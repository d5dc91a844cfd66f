package dev.cellscope.output;

import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.field.FieldFormat;
import dev.cellscope.io.Packet;

/** One line per frame, as tshark prints by default: No. Time Source → Destination Protocol Length Info. */
public final class SummaryLine {
    private SummaryLine() {}

    public static void format(Packet p, FrameTiming timing, ProtoTree tree, StringBuilder out) {
        String no = Long.toString(p.number());
        out.append(" ".repeat(Math.max(0, 6 - no.length()))).append(no).append(' ');
        String rel = FieldFormat.seconds(p.timestampNanos() - timing.firstNanos());
        rel = rel.substring(0, rel.length() - 3); // microseconds, as tshark shows by default
        out.append(" ".repeat(Math.max(0, 11 - rel.length()))).append(rel).append(' ')
                .append(tree.sourceColumn()).append(" → ").append(tree.destinationColumn()).append(' ')
                .append(tree.protocolColumn()).append(' ').append(p.wireLength());
        if (!tree.infoColumn().isEmpty()) out.append(' ').append(tree.infoColumn());
        if (!tree.experts().isEmpty()) {
            var worst = tree.experts().stream().map(n -> n.expert().severity()).max(Enum::compareTo).orElseThrow();
            if (worst.compareTo(dev.cellscope.expert.Severity.NOTE) >= 0) out.append(" [").append(worst.label()).append(']');
        }
        out.append('\n');
    }
}
