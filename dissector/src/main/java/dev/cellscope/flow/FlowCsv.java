package dev.cellscope.flow;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes flow rows as RFC 4180 CSV (Apache Commons CSV: CRLF line ends, fields quoted only when
 * needed). One table per kind, each with its header and a leading {@code kind} column; with
 * several kinds the tables follow one another in the order utcp, tether, sbi.
 *
 * <p>Rows arrive as flows are evicted, so kinds interleave. The first kind's rows go straight to
 * the output; the others are spooled to temporary files and appended by {@link #close()}: memory
 * stays bounded and the output can be a pipe.
 */
public final class FlowCsv implements FlowListener, Closeable {
    public static final CSVFormat FORMAT = CSVFormat.RFC4180;

    private final Writer out;
    private final CSVPrinter direct;
    private final FlowKind directKind;
    private final Map<FlowKind, Spool> spools = new EnumMap<>(FlowKind.class);
    private final Map<FlowKind, Long> rows = new EnumMap<>(FlowKind.class);
    /** A column appended after the kind's own (docs/CSV.md), or null: the probe's {@code record}. */
    private final String extraHeader;
    private boolean closed;

    private record Spool(Path file, CSVPrinter printer) {}

    /** Writes the tables of {@code kinds} to {@code out}, which the caller closes. */
    public FlowCsv(Writer out, Set<FlowKind> kinds) throws IOException {
        this(out, kinds, null);
    }

    /**
     * Writes the tables of {@code kinds} to {@code out} with one more column, {@code extraHeader},
     * after the kind's own: rows are then given with {@link #flow(FlowRow, String)}. The columns
     * of docs/CSV.md keep their positions, as appended columns do there.
     */
    public FlowCsv(Writer out, Set<FlowKind> kinds, String extraHeader) throws IOException {
        this.extraHeader = extraHeader;
        if (kinds.isEmpty()) throw new IllegalArgumentException("no kind of row to write");
        this.out = out;
        EnumSet<FlowKind> ordered = EnumSet.copyOf(kinds);
        directKind = ordered.iterator().next();
        direct = new CSVPrinter(out, FORMAT);
        direct.printRecord(header(directKind));
        for (FlowKind k : ordered) {
            rows.put(k, 0L);
            if (k == directKind) continue;
            Path file = Files.createTempFile("cellscope-flows-" + k.label() + "-", ".csv");
            file.toFile().deleteOnExit();
            BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            spools.put(k, new Spool(file, new CSVPrinter(w, FORMAT)));
        }
    }

    private List<String> header(FlowKind kind) {
        List<String> h = CsvColumns.header(kind);
        if (extraHeader == null) return h;
        List<String> all = new ArrayList<>(h);
        all.add(extraHeader);
        return all;
    }

    @Override
    public void flow(FlowRow row) {
        flow(row, null);
    }

    /** A row with the value of the extra column (ignored when there is none). */
    public void flow(FlowRow row, String extra) {
        if (!rows.containsKey(row.kind())) return;
        try {
            CSVPrinter p = row.kind() == directKind ? direct : spools.get(row.kind()).printer();
            List<String> values = CsvColumns.values(row);
            if (extraHeader != null) {
                values = new ArrayList<>(values);
                values.add(extra == null ? "" : extra);
            }
            p.printRecord(values);
            rows.merge(row.kind(), 1L, Long::sum);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rows written so far of a kind. */
    public long rows(FlowKind kind) {
        return rows.getOrDefault(kind, 0L);
    }

    /** Appends the spooled tables and flushes; does not close the output. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            for (Map.Entry<FlowKind, Spool> e : spools.entrySet()) {
                Spool s = e.getValue();
                s.printer().close();
                direct.printRecord(header(e.getKey()));
                direct.flush();
                try (Reader r = Files.newBufferedReader(s.file(), StandardCharsets.UTF_8)) {
                    r.transferTo(out);
                }
            }
            direct.flush();
        } finally {
            for (Spool s : spools.values()) {
                try {
                    s.printer().close();
                } finally {
                    Files.deleteIfExists(s.file());
                }
            }
        }
    }
}
