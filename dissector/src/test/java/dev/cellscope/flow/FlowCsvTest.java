package dev.cellscope.flow;

import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The CSV format: headers, RFC 4180 quoting, and round trips through Commons CSV and Python's csv module. */
class FlowCsvTest {
    @TempDir
    Path dir;

    /** Rows of every kind from the three simulations, plus one with text that needs quoting. */
    static List<FlowRow> rows() {
        List<FlowRow> rows = new ArrayList<>();
        UtcpFlowsTest.Sim sim = new UtcpFlowsTest.Sim(3, 0.05, 0.02, 0.02, 0.01);
        sim.run(200, 2);
        rows.addAll(sim.capture.rows(FlowTable.Config.DEFAULT, EnumSet.allOf(FlowKind.class)));
        rows.add(new SbiFlowRow("00".repeat(16), "ff".repeat(16), 1_000_000_000L, 2_500_000_001L, 1, 9, 3,
                List.of(1L, 0L, 0L, 0L, 0L, 0L, 2L), "none", "odd, \"quoted\"\r\nvalue", 0, 0, 0, 0, 0, 0, 0,
                FlowRow.NONE, FlowRow.NONE, List.of(0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L)));
        rows.add(new TetherFlowRow("ac:1d:00:00:00:01", "ac:1d:00:00:00:02", 3, FlowRow.NONE, FlowRow.NONE, 5, FlowRow.NONE, 0, 0, 0,
                0, 1, 4096, 0, FlowRow.NONE, 4096, 0, 0, 0, 0, 0, "none", FlowRow.NONE, FlowRow.NONE));
        return rows;
    }

    /** Every row's values in the order written: header lines, then rows, table by table. */
    static List<List<String>> expectedRecords(List<FlowRow> rows) {
        List<List<String>> out = new ArrayList<>();
        for (FlowKind k : FlowKind.values()) {
            out.add(CsvColumns.header(k));
            for (FlowRow r : rows) if (r.kind() == k) out.add(CsvColumns.values(r));
        }
        return out;
    }

    @Test
    void headersAreSnakeCaseAndUnique() {
        for (FlowKind k : FlowKind.values()) {
            List<String> h = CsvColumns.header(k);
            assertEquals("kind", h.getFirst());
            assertEquals(h.size(), h.stream().distinct().count(), "unique names in " + k);
            for (String c : h) assertTrue(c.matches("[a-z][a-z0-9_]*"), c);
        }
    }

    @Test
    void everyColumnIsDocumented() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "CSV.md"));
        for (FlowKind k : FlowKind.values()) {
            for (String c : CsvColumns.header(k)) assertTrue(doc.contains("| `" + c + "` |"), "docs/CSV.md lacks " + c);
        }
    }

    @Test
    void commonsCsvRoundTripKeepsEveryValue() throws IOException {
        List<FlowRow> rows = rows();
        String csv = FlowCapture.csv(rows, EnumSet.allOf(FlowKind.class));
        assertTrue(csv.contains("\r\n"), "RFC 4180 line ends");
        List<List<String>> parsed = new ArrayList<>();
        try (CSVParser p = CSVParser.parse(new StringReader(csv), FlowCsv.FORMAT)) {
            for (CSVRecord r : p) parsed.add(r.toList());
        }
        assertEquals(expectedRecords(rows), parsed);
    }

    @Test
    void pythonCsvModuleReadsTheSameValues() throws Exception {
        List<FlowRow> rows = rows();
        Path file = dir.resolve("flows.csv");
        Files.writeString(file, FlowCapture.csv(rows, EnumSet.allOf(FlowKind.class)), StandardCharsets.UTF_8);
        // Python re-emits each record with separators that never occur in the values.
        String script = "import csv,sys\n"
                + "with open(sys.argv[1], newline='', encoding='utf-8') as f:\n"
                + "    sys.stdout.write('\\x1e'.join('\\x1f'.join(r) for r in csv.reader(f)))\n";
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", script, file.toString()).redirectErrorStream(false).start();
        } catch (IOException notInstalled) {
            Assumptions.abort("python3 is not installed: the Python csv round trip is skipped");
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        List<List<String>> parsed = new ArrayList<>();
        for (String rec : out.split("\u001e", -1)) parsed.add(List.of(rec.split("\u001f", -1)));
        assertEquals(expectedRecords(rows), parsed);
    }

    @Test
    void oneKindIsOneTable() throws IOException {
        List<FlowRow> rows = rows();
        String csv = FlowCapture.csv(rows, EnumSet.of(FlowKind.TETHER));
        List<CSVRecord> records;
        try (CSVParser p = CSVParser.parse(new StringReader(csv), FlowCsv.FORMAT)) {
            records = p.getRecords();
        }
        assertEquals(CsvColumns.header(FlowKind.TETHER), records.getFirst().toList());
        assertEquals(rows.stream().filter(r -> r.kind() == FlowKind.TETHER).count() + 1, records.size());
        assertTrue(records.stream().skip(1).allMatch(r -> r.get(0).equals("tether")));
    }

    @Test
    void absentValuesAreEmptyAndTimesAreIsoAndEpoch() {
        List<String> v = CsvColumns.values(rows().getLast());
        List<String> h = CsvColumns.header(FlowKind.TETHER);
        assertEquals("", v.get(h.indexOf("first_time")));
        assertEquals("", v.get(h.indexOf("delay_p99_ms")));
        assertEquals("4096", v.get(h.indexOf("credit_final_bytes")));
        List<String> s = CsvColumns.values(rows().get(rows().size() - 2));
        List<String> hs = CsvColumns.header(FlowKind.SBI);
        assertEquals("1970-01-01T00:00:01.000000000Z", s.get(hs.indexOf("first_time")));
        assertEquals("2.500000001", s.get(hs.indexOf("last_epoch_s")));
        assertEquals("1.500000001", s.get(hs.indexOf("duration_s")));
    }
}
