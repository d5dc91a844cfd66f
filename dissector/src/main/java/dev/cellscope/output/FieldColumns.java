package dev.cellscope.output;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.LayerNeeds;
import dev.cellscope.expert.Expert;
import dev.cellscope.field.ExpertFields;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FieldFormat;
import dev.cellscope.field.FieldRegistry;
import dev.cellscope.field.FieldType;
import dev.cellscope.field.FrameFields;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A sink that keeps only the values of chosen fields, as their plain text forms: the
 * engine of {@code -T fields}. Repeated values of a field are joined with a separator.
 * Unrequested fields cost one array lookup. A field asked for in several columns
 * ({@code -e utcp.seq -e utcp.seq}) is kept once and fills each of them (tshark 4.0 fills
 * only the last; docs/DECISIONS.md).
 */
public final class FieldColumns implements FieldSink {
    private final List<FieldDef> columns;
    private final boolean[] wanted;
    /** Indexed by field id: the field's value slot (one per distinct field). */
    private final int[] slotOf;
    /** Indexed by column: the slot whose value the column shows. */
    private final int[] columnSlot;
    private final StringBuilder[] values;
    private final boolean[] present;
    private final String occurrenceSeparator;
    private final Occurrence occurrence;
    /** Indexed by field id: the layers whose fields (or whose sub-layers' fields) were asked for. */
    private final boolean[] layers;
    private final boolean experts;

    /** Which occurrences of a field a column shows, as tshark's {@code -E occurrence=a|f|l}. */
    public enum Occurrence { ALL, FIRST, LAST }

    /** Every occurrence of each field, joined with {@code occurrenceSeparator}. */
    public FieldColumns(List<FieldDef> columns, String occurrenceSeparator) {
        this(columns, occurrenceSeparator, Occurrence.ALL);
    }

    public FieldColumns(List<FieldDef> columns, String occurrenceSeparator, Occurrence occurrence) {
        this.columns = List.copyOf(columns);
        this.occurrenceSeparator = occurrenceSeparator;
        this.occurrence = occurrence;
        wanted = new boolean[FieldRegistry.size()];
        slotOf = new int[FieldRegistry.size()];
        columnSlot = new int[columns.size()];
        int slots = 0;
        for (int i = 0; i < columns.size(); i++) {
            FieldDef f = columns.get(i);
            if (!wanted[f.id()]) {
                wanted[f.id()] = true;
                slotOf[f.id()] = slots++;
            }
            columnSlot[i] = slotOf[f.id()];
        }
        values = new StringBuilder[slots];
        present = new boolean[slots];
        for (int i = 0; i < slots; i++) values[i] = new StringBuilder();
        boolean everything = columns.stream().anyMatch(f -> f.protocol().equals("expert") || f == FrameFields.PROTOCOLS);
        experts = everything;
        layers = new boolean[FieldRegistry.size()];
        for (FieldDef p : FieldRegistry.all()) {
            if (p.type() != FieldType.PROTOCOL) continue;
            layers[p.id()] = everything || columns.stream().anyMatch(f -> LayerNeeds.needs(p, f));
        }
    }

    @Override
    public boolean wantsLayer(FieldDef protocol) {
        return layers[protocol.id()];
    }

    @Override
    public boolean wantsExperts() {
        return experts;
    }

    /** Clears the values before the next frame. */
    public void reset() {
        for (int i = 0; i < values.length; i++) {
            values[i].setLength(0);
            present[i] = false;
        }
    }

    public List<FieldDef> columns() {
        return columns;
    }

    /** The joined values of column {@code i} for the current frame ("" when absent). */
    public CharSequence value(int i) {
        return values[columnSlot[i]];
    }

    /** Whether column {@code i}'s field occurred in the current frame. */
    public boolean present(int i) {
        return present[columnSlot[i]];
    }

    /** Appends the frame's values, one per column, separated by {@code separator}, to {@code out}. */
    public void appendRow(StringBuilder out, char separator) {
        appendRow(out, separator, (char) 0);
    }

    /** The same, each non-empty value between two {@code quote}s (0: none), as tshark's -E quote. */
    public void appendRow(StringBuilder out, char separator, char quote) {
        for (int i = 0; i < columnSlot.length; i++) {
            if (i > 0) out.append(separator);
            StringBuilder v = values[columnSlot[i]];
            if (quote != 0 && !v.isEmpty()) out.append(quote).append(v).append(quote);
            else out.append(v);
        }
    }

    @Override
    public boolean wants(FieldDef field) {
        return wanted[field.id()];
    }

    /** Where this occurrence of {@code f}'s value goes, or null when the column does not show it. */
    private StringBuilder slot(FieldDef f) {
        int i = slotOf[f.id()];
        StringBuilder b = values[i];
        if (present[i]) {
            switch (occurrence) {
                case ALL -> b.append(occurrenceSeparator);
                case FIRST -> { return null; }
                case LAST -> b.setLength(0);
            }
        }
        present[i] = true;
        return b;
    }

    @Override
    public void protocol(FieldDef field, int offset, int length) {
        put(field, field.name());
    }

    @Override
    public void number(FieldDef field, int offset, int length, long value) {
        if (!wanted[field.id()]) return;
        StringBuilder b = slot(field);
        if (b == null) return;
        if (field.type() == FieldType.UINT || field.type() == FieldType.ENUM || field.type() == FieldType.FRAMENUM) {
            // Hot path: append the digits directly instead of building a String first.
            if (value >= 0) b.append(value);
            else b.append(Long.toUnsignedString(value));
        } else {
            b.append(FieldFormat.plain(field, value));
        }
    }

    @Override
    public void bytes(FieldDef field, int offset, int length, MemorySegment seg, long from, int count) {
        StringBuilder b = wanted[field.id()] ? slot(field) : null;
        if (b != null) b.append(FieldFormat.plainBytes(field, seg, from, count));
    }

    @Override
    public void text(FieldDef field, int offset, int length, String value) {
        put(field, value);
    }

    @Override
    public void expert(Expert expert, int offset, int length) {
        put(ExpertFields.SEVERITY, expert.severity().label());
        put(ExpertFields.GROUP, expert.group().label());
        put(ExpertFields.MESSAGE, expert.message());
        put(ExpertFields.ID, expert.id());
        put(ExpertFields.EXPERT, "expert");
    }

    private void put(FieldDef field, String value) {
        StringBuilder b = wanted[field.id()] ? slot(field) : null;
        if (b != null) b.append(value);
    }
}
