package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.flow.CsvColumns;
import dev.cellscope.flow.FlowKind;
import dev.cellscope.samples.SyntheticCaptures;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code cellscope stats} end to end in a child JVM. Until the lead registers the command in
 * {@link Main}, {@link Launcher} adds it to Main's command line with Main's error handling.
 */
class StatsCommandTest {
    @TempDir
    static Path dir;
    static Path capture;

    /** Main's command line plus {@code stats}, with Main's handlers (one-line errors, exit codes). */
    public static final class Launcher {
        public static void main(String[] args) {
            CommandLine cli = new CommandLine(new Main());
            if (!cli.getSubcommands().containsKey("stats")) cli.addSubcommand("stats", new StatsCommand());
            cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
                if (e instanceof UserError u) {
                    cmd.getErr().println("cellscope: " + u.getMessage());
                    return u.exitCode();
                }
                cmd.getErr().println("cellscope: internal error: " + e);
                return Main.EXIT_FAILURE;
            });
            cli.setParameterExceptionHandler((e, a) -> {
                e.getCommandLine().getErr().println("cellscope: " + e.getMessage());
                return Main.EXIT_USAGE;
            });
            System.exit(cli.execute(args));
        }
    }

    static Cli.Result run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Launcher.class.getName(), "stats"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt"), err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "stats finished");
        return new Cli.Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void generate() throws IOException {
        capture = dir.resolve("quickstart.pcapng");
        SyntheticCaptures.generate("quickstart", capture, 0, 1);
    }

    static List<CSVRecord> records(String csv) throws IOException {
        try (CSVParser p = CSVParser.parse(new StringReader(csv), CSVFormat.RFC4180)) {
            return p.getRecords();
        }
    }

    static void noStackTrace(Cli.Result r) {
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "stack trace reached the user:\n" + r.err());
    }

    @Test
    void allKindsToAFileThreeTablesInOrder() throws Exception {
        Path out = dir.resolve("flows.csv");
        Cli.Result r = run("-r", capture.toString(), "--flows", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.out());
        List<CSVRecord> recs = records(Files.readString(out));
        List<String> kinds = new ArrayList<>();
        for (CSVRecord rec : recs) {
            if (rec.get(0).equals("kind")) {
                FlowKind k = FlowKind.values()[kinds.size()];
                assertEquals(CsvColumns.header(k), rec.toList());
                kinds.add(k.label());
            } else {
                assertEquals(kinds.getLast(), rec.get(0), "rows follow their own header");
                assertEquals(CsvColumns.header(FlowKind.valueOf(rec.get(0).toUpperCase())).size(), rec.size());
            }
        }
        assertEquals(List.of("utcp", "tether", "sbi"), kinds);
        String csv = Files.readString(out);
        // The sample's Alice–Bob conversation: an agreed HANDSHAKE (zstd); its Tether flow 1 closes with a matching Manifest.
        assertTrue(csv.lines().anyMatch(l -> l.startsWith("sbi,") && l.contains(",ok,zstd,")), csv);
        assertTrue(csv.lines().anyMatch(l -> l.startsWith("tether,") && l.contains(",1,") && l.contains(",yes,")), csv);
        assertTrue(csv.lines().anyMatch(l -> l.startsWith("tether,") && l.contains(",-320,")), "the sample's overrun: " + csv);
    }

    @Test
    void dashWritesToStdoutTheSameBytes() throws Exception {
        Path out = dir.resolve("same.csv");
        assertEquals(0, run("-r", capture.toString(), "--flows", out.toString(), "--kind", "utcp").exit());
        Cli.Result r = run("-r", capture.toString(), "--flows", "-", "--kind", "utcp");
        assertEquals(0, r.exit(), r.err());
        assertEquals(Files.readString(out), r.out());
        List<CSVRecord> recs = records(r.out());
        assertEquals(CsvColumns.header(FlowKind.UTCP), recs.getFirst().toList());
        assertTrue(recs.stream().skip(1).allMatch(x -> x.get(0).equals("utcp")));
        assertTrue(recs.size() > 2);
    }

    @Test
    void twoPassesGiveTheSameTable() throws Exception {
        Cli.Result one = run("-r", capture.toString(), "--flows", "-");
        Cli.Result two = run("-r", capture.toString(), "--flows", "-", "-2");
        assertEquals(0, two.exit(), two.err());
        assertEquals(one.out(), two.out());
    }

    @Test
    void aShortIdleIntervalSplitsFlows() throws Exception {
        Cli.Result all = run("-r", capture.toString(), "--flows", "-", "--kind", "tether");
        Cli.Result split = run("-r", capture.toString(), "--flows", "-", "--kind", "tether", "--idle", "0.000001");
        assertEquals(0, split.exit(), split.err());
        assertTrue(split.lines().size() > all.lines().size(), "more rows when flows end after 1 µs idle");
        long packets = 0, packetsSplit = 0;
        for (CSVRecord rec : records(all.out()).subList(1, all.lines().size())) packets += Long.parseLong(rec.get(11));
        for (CSVRecord rec : records(split.out()).subList(1, split.lines().size())) packetsSplit += Long.parseLong(rec.get(11));
        assertEquals(CsvColumns.header(FlowKind.TETHER).indexOf("packets"), 11);
        assertEquals(packets, packetsSplit, "every frame is still counted once");
    }

    @Test
    void userErrorsAreOneLineWithExitCodes() throws Exception {
        Cli.Result missing = run("-r", dir.resolve("nope.pcapng").toString(), "--flows", "-");
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("no such file"), missing.err());
        noStackTrace(missing);
        Cli.Result idle = run("-r", capture.toString(), "--flows", "-", "--idle", "0");
        assertEquals(2, idle.exit());
        assertTrue(idle.err().startsWith("cellscope: --idle takes a positive number"), idle.err());
        noStackTrace(idle);
        Cli.Result kind = run("-r", capture.toString(), "--flows", "-", "--kind", "tcp");
        assertEquals(2, kind.exit());
        noStackTrace(kind);
        Cli.Result dirOut = run("-r", capture.toString(), "--flows", dir.toString());
        assertEquals(1, dirOut.exit());
        assertTrue(dirOut.err().contains("is a directory"), dirOut.err());
        Cli.Result flows = run("-r", capture.toString(), "--flows", "-", "--max-flows", "2");
        assertEquals(2, flows.exit());
        noStackTrace(flows);
    }
}
