package dev.cellscope.gui.model;

import dev.cellscope.filter.DisplayFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Filters on analysed fields run frame by frame with what the load's analysis recorded
 * ({@link AnalysedValues}) give exactly the frames a single-pass session with the analysis gives:
 * the GUI's {@link FilterRun} over every committed sample, and the CLI's {@code cellscope read -Y}
 * (an independent process, the user's reference) over four of them.
 */
class AnalysedFilterTest {
    private static final Path SAMPLES = Path.of(System.getProperty("gui.samples", "../samples/captures"));

    /** Retransmissions, gaps, findings, SBI ops, verification failures, links, texts, hashes, mixed with own fields. */
    static final List<String> FILTERS = List.of(
            "utcp.analysis.retransmission",
            "utcp.analysis.gap || utcp.analysis.tap_loss",
            "expert.severity >= warn",
            "expert.group == sequence || expert.id contains \"tether\"",
            "sbi.op == BLOCK_PUT",
            "sbi.put.verified == 0",
            "sbi.response_to || sbi.segment.count > 1",
            "frame.protocols contains \"sbi\" && frame.len > 200",
            "tether.analysis.overrun == 1 || tether.analysis.credit < 0",
            "sbi.put.hash[0] == 0x00 || sbi.handshake.compression == \"zstd\"",
            "utcp.stream == 1 && !expert");

    static Stream<String> samples() throws IOException {
        try (Stream<Path> s = Files.list(SAMPLES)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pcapng")).sorted().toList().stream();
        }
    }

    private static int[] recorded(Path file, LoadedCapture c, DisplayFilter f) throws Exception {
        assertTrue(IndexFilter.canRun(f, c.analysed()), f.expression());
        try (FrameStore store = new FrameStore(file, c.index())) {
            IndexFilter run = new IndexFilter(c.index(), store, f, c.analysed(), 3, 7);
            int[] r = run.run();
            assertEquals(1.0, run.fraction());
            return r;
        }
    }

    @ParameterizedTest
    @MethodSource("samples")
    void findsWhatASessionFinds(String sample) throws Exception {
        Path file = SAMPLES.resolve(sample);
        LoadedCapture c = IndexFilterTest.load(file);
        assertTrue(c.analysed().isComplete());
        assertEquals(c.index().size(), c.analysed().frames());
        for (String expression : FILTERS) {
            DisplayFilter f = DisplayFilter.compile(expression);
            assertFalse(IndexFilter.canRun(f), expression + " reads analysed fields");
            assertArrayEquals(new FilterRun(file, f).run(), recorded(file, c, f), sample + ": " + expression);
        }
    }

    /** The filters tell frames apart somewhere: an empty result everywhere would prove nothing. */
    @Test
    void theFiltersMatchSomething() throws Exception {
        List<String> none = new ArrayList<>(FILTERS);
        for (String sample : samples().toList()) {
            Path file = SAMPLES.resolve(sample);
            LoadedCapture c = IndexFilterTest.load(file);
            none.removeIf(e -> {
                try {
                    int n = recorded(file, c, DisplayFilter.compile(e)).length;
                    return n > 0 && n < c.index().size();
                } catch (Exception x) {
                    throw new AssertionError(x);
                }
            });
        }
        assertEquals(List.of(), none, "filters that match no frame (or every frame) of any sample");
    }

    @ParameterizedTest
    @MethodSource("cliSamples")
    void findsWhatTheCliFinds(String sample) throws Exception {
        Path file = SAMPLES.resolve(sample);
        LoadedCapture c = IndexFilterTest.load(file);
        for (String expression : FILTERS) {
            int[] cli = cli(file, expression);
            assertArrayEquals(cli, recorded(file, c, DisplayFilter.compile(expression)), sample + ": " + expression);
        }
    }

    static Stream<String> cliSamples() {
        return Stream.of("lossy-mesh.pcapng", "tether-overrun.pcapng", "quickstart.pcapng", "corrupt-block.pcapng");
    }

    /**
     * {@code cellscope read -r FILE -Y EXPR -T fields -e frame.number}, as 0-based frame indexes: the
     * CLI in a process of its own (its classes are on this test's class path).
     */
    private static int[] cli(Path file, String expression) throws Exception {
        Path out = Files.createTempFile("cellscope-cli", ".txt");
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.cellscope.cli.Main",
                    "read", "-r", file.toString(), "-Y", expression, "-T", "fields", "-e", "frame.number")
                    .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "cellscope read timed out");
            assertEquals(0, p.exitValue(), "cellscope read -Y " + expression);
            return Files.readAllLines(out, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank())
                    .mapToInt(l -> Integer.parseInt(l.trim()) - 1).toArray();
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * "Apply as column" of analysed fields: each frame's value from the recording is what
     * {@code cellscope read -T fields -e FIELD} prints for it (the CLI as the oracle).
     */
    @ParameterizedTest
    @MethodSource("cliSamples")
    void analysedColumnsShowWhatTheCliPrints(String sample) throws Exception {
        Path file = SAMPLES.resolve(sample);
        LoadedCapture c = IndexFilterTest.load(file);
        List<String> names = List.of("utcp.analysis.retransmission", "utcp.stream", "sbi.op", "expert.id", "tether.analysis.credit", "sbi.put.hash");
        List<String> args = new ArrayList<>(List.of("read", "-r", file.toString(), "-T", "fields", "-E", "occurrence=,", "-e", "frame.number"));
        for (String n : names) args.addAll(List.of("-e", n));
        List<String> rows = cliLines(args);
        assertEquals(c.index().size(), rows.size(), "one CLI line per frame");
        int shown = 0;
        try (FrameStore store = new FrameStore(file, c.index())) {
            for (int k = 0; k < names.size(); k++) {
                FieldColumn column = new FieldColumn(java.util.Objects.requireNonNull(dev.cellscope.field.FieldRegistry.byName(names.get(k)), names.get(k)), store, c.index(), c.analysed());
                FieldColumn without = new FieldColumn(column.field(), store, c.index(), null);
                for (int f = 0; f < rows.size(); f++) {
                    String expected = rows.get(f).split("\t", -1)[k + 1];
                    assertEquals(expected, column.value(f), sample + " frame " + (f + 1) + " " + names.get(k));
                    assertEquals("", without.value(f), "no recording, no analysed value");
                    if (!expected.isEmpty()) shown++;
                }
            }
        }
        assertTrue(shown > 0, sample + ": some analysed value is shown");
    }

    private static List<String> cliLines(List<String> args) throws Exception {
        Path out = Files.createTempFile("cellscope-cli", ".txt");
        try {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.cellscope.cli.Main"));
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "cellscope read timed out");
            assertEquals(0, p.exitValue(), String.join(" ", args));
            return Files.readAllLines(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @Test
    void aFieldWhoseValuesWereNotKeptTakesTheSessionPath() throws Exception {
        LoadedCapture c = IndexFilterTest.load(SAMPLES.resolve("corrupt-block.pcapng"));
        assertFalse(IndexFilter.canRun(DisplayFilter.compile("sbi.put.data[0] == 0x28"), c.analysed()),
                "block data is longer than the store keeps");
        assertTrue(IndexFilter.canRun(DisplayFilter.compile("sbi.put.hash[0] == 0x28"), c.analysed()));
    }
}
