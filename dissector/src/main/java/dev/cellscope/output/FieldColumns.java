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
    /** Indexed by slot: occurrences seen in the current frame (for {@link #occurrence}). */
    private final int[] seen;
    private final String occurrenceSeparator;
    /** Which occurrences a column shows: {@link #ALL}, {@link #LAST} or the Nth (1 = the first; tshark's -E occurrence=f). */
    private final int occurrence;
    /** Indexed by field id: the layers whose fields (or whose sub-layers' fields) were asked for. */
    private final boolean[] layers;
    private final boolean experts;

    public static final int ALL = 0;
    public static final int FIRST = 1;
    public static final int LAST = -1;

    /** Every occurrence of each field, joined with {@code occurrenceSeparator}. */
    public FieldColumns(List<FieldDef> columns, String occurrenceSeparator) {
        this(columns, occurrenceSeparator, ALL);
    }

    /** {@code occurrence}: {@link #ALL}, {@link #LAST}, or N &ge; 1 for the Nth occurrence only. */
    public FieldColumns(List<FieldDef> columns, String occurrenceSeparator, int occurrence) {
        if (occurrence < LAST) throw new IllegalArgumentException("occurrence " + occurrence);
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
        seen = new int[slots];
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
            seen[i] = 0;
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
        int n = ++seen[i];
        if (occurrence == LAST) {
            b.setLength(0);
        } else if (occurrence != ALL) {
            if (n != occurrence) return null;
        } else if (present[i]) {
            b.append(occurrenceSeparator);
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
