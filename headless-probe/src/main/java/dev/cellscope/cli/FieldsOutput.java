package dev.cellscope.cli;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.field.FieldDef;
import dev.cellscope.io.Packet;
import dev.cellscope.output.FieldColumns;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/** -T fields: separated values of the -e fields, one line per frame. */
final class FieldsOutput implements FrameOutput {
    private final FieldColumns columns;
    private final char separator;
    /** -E quote: the character around each non-empty value, 0 for none. */
    private final char quote;
    private final boolean header;
    /** -E bom=y: a UTF-8 byte order mark before the first line, as tshark writes it. */
    private final boolean bom;
    private final StringBuilder line = new StringBuilder(128);
    /** The line's characters, handed to the writer as they are (Writer.append(CharSequence) makes a String of every line). */
    private char[] chars = new char[128];

    FieldsOutput(FieldColumns columns, char separator, char quote, boolean header, boolean bom) {
        this.columns = columns;
        this.separator = separator;
        this.quote = quote;
        this.header = header;
        this.bom = bom;
    }

    @Override
    public void begin(Writer out) throws IOException {
        if (bom) out.append('\uFEFF');
        if (!header) return;
        List<FieldDef> cols = columns.columns();
        for (int i = 0; i < cols.size(); i++) {
            if (i > 0) out.append(separator);
            out.append(cols.get(i).name());
        }
        out.append('\n');
    }

    @Override
    public FieldSink sink() {
        columns.reset();
        return columns;
    }

    @Override
    public void write(Packet p, FrameTiming timing, Writer out) throws IOException {
        line.setLength(0);
        columns.appendRow(line, separator, quote);
        line.append('\n');
        int n = line.length();
        if (n > chars.length) chars = new char[Math.max(n, 2 * chars.length)];
        line.getChars(0, n, chars, 0);
        out.write(chars, 0, n);
    }

    /** Only fields computed by analysis (and SBI, which is reassembled) need the analysis pass. */
    @Override
    public boolean needsAnalysis() {
        return columns.columns().stream().anyMatch(FieldsOutput::analysed);
    }

    static boolean analysed(FieldDef f) {
        return dev.cellscope.analysis.AnalysedFields.analysed(f); // the rule the GUI's filter uses too
    }
}
