package dev.cellscope.analysis;

import dev.cellscope.field.FieldDef;

import java.util.Collection;

/**
 * Which fields only the conversation analysis makes (links, reassembled SBI, findings, the
 * protocol stack with every layer): a filter or a column that reads one needs a session with
 * analysis, in order; any other field is known from a frame's own bytes, so a frame can be tested
 * on its own (the GUI's parallel filter over the index). One rule, used by {@code cellscope read}
 * and the GUI alike.
 */
public final class AnalysedFields {
    private AnalysedFields() {}

    public static boolean analysed(FieldDef f) {
        String n = f.name();
        return n.startsWith("utcp.analysis") || n.equals("utcp.stream") || n.startsWith("sbi") || n.startsWith("tether.analysis")
                || n.startsWith("expert") || n.equals("frame.protocols");
    }

    /** Whether any of {@code fields} needs the analysis. */
    public static boolean anyAnalysed(Collection<FieldDef> fields) {
        return fields.stream().anyMatch(AnalysedFields::analysed);
    }
}
