package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.samples.SyntheticCaptures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** {@code cellscope plot} end to end in a child JVM: files written, notes and errors as one line, exit codes. */
class PlotCommandTest {
    @TempDir
    static Path dir;
    static Path capture;

    /**
     * Runs {@code cellscope} with {@code plot} registered: through {@link Main} once the lead has
     * registered it there, until then on a copy of Main's command line with the same error handling.
     */
    public static final class Launcher {
        public static void main(String[] args) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "cellscope: %5$s%6$s%n");
            CommandLine cli = new CommandLine(new Main());
            if (cli.getSubcommands().containsKey("plot")) {
                System.exit(Main.run(args));
            }
            cli.addSubcommand("plot", new PlotCommand());
            cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
                if (e instanceof UserError u) {
                    cmd.getErr().println("cellscope: " + u.getMessage());
                    return u.exitCode();
                }
                cmd.getErr().println("cellscope: internal error: " + e);
                if (System.getenv("CELLSCOPE_DEBUG") != null) e.printStackTrace(cmd.getErr());
                return Main.EXIT_FAILURE;
            });
            cli.setParameterExceptionHandler((e, a) -> {
                e.getCommandLine().getErr().println("cellscope: " + e.getMessage());
                e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
                return Main.EXIT_USAGE;
            });
            System.exit(cli.execute(args));
        }
    }

    static Cli.Result plot(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
                Launcher.class.getName(), "plot"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("plot-out", ".txt"), err = Files.createTempFile("plot-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("cellscope plot " + String.join(" ", args) + " did not finish in 120 s");
            }
            String e = Files.readString(err, StandardCharsets.UTF_8).replaceAll("cellscope: BLAKE3: [^\n]*\n", "");
            return new Cli.Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @BeforeAll
    static void generate() throws IOException {
        capture = dir.resolve("quickstart.pcapng");
        SyntheticCaptures.generate("quickstart", capture, 0, 1);
    }

    static void oneLineNoTrace(Cli.Result r) {
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "stack trace reached the user:\n" + r.err());
        assertTrue(r.err().startsWith("cellscope: "), r.err());
    }

    @Test
    void everyKindAsPng() throws Exception {
        for (String kind : List.of("nack", "grant", "seq", "io")) {
            Path png = dir.resolve(kind + ".png");
            Cli.Result r = plot("-r", capture.toString(), "--kind", kind, "--width", "900", "--height", "500", "-o", png.toString());
            assertEquals(0, r.exit(), kind + ": " + r.err());
            BufferedImage img = ImageIO.read(png.toFile());
            assertEquals(900, img.getWidth(), kind);
            assertEquals(500, img.getHeight(), kind);
            assertTrue(colours(img) >= 4, kind + ": too few colours for a chart");
        }
        assertEquals(List.of(), Files.list(dir).filter(p -> p.getFileName().toString().endsWith(".tmp")).toList(), "temporary files left");
    }

    static int colours(BufferedImage img) {
        java.util.Set<Integer> c = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) for (int x = 0; x < img.getWidth(); x += 2) c.add(img.getRGB(x, y));
        return c.size();
    }

    @Test
    void defaultsAreNamedOnStderr() throws Exception {
        Cli.Result grant = plot("-r", capture.toString(), "--kind", "grant", "-o", dir.resolve("g.svg").toString());
        assertEquals(0, grant.exit(), grant.err());
        assertTrue(grant.err().matches("cellscope: plotting Tether account \\d+: ac:1d:[0-9a-f:]+,ac:1d:[0-9a-f:]+,\\d+ .*\n"), grant.err());
        Cli.Result seq = plot("-r", capture.toString(), "--kind", "seq", "-o", dir.resolve("s.png").toString());
        assertEquals(0, seq.exit(), seq.err());
        assertTrue(seq.err().startsWith("cellscope: plotting UTCP direction "), seq.err());
    }

    @Test
    void svgIsWellFormedWithTheTitle() throws Exception {
        Path svg = dir.resolve("io.svg");
        Cli.Result r = plot("-r", capture.toString(), "--kind", "io", "--interval", "0.001", "-o", svg.toString());
        assertEquals(0, r.exit(), r.err());
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        // The SVG names the W3C DTD; well-formedness needs no network.
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        var doc = factory.newDocumentBuilder().parse(svg.toFile());
        assertEquals("svg", doc.getDocumentElement().getNodeName());
        assertTrue(Files.readString(svg).contains("I/O rates"));
    }

    @Test
    void explicitFlows() throws Exception {
        Cli.Result seq = plot("-r", capture.toString(), "--kind", "seq", "--flow", "0:1", "-o", dir.resolve("s01.png").toString());
        assertEquals(0, seq.exit(), seq.err());
        assertEquals("", seq.err());
        Cli.Result grant = plot("-r", capture.toString(), "--kind", "grant", "--flow", "0", "-o", dir.resolve("g0.png").toString());
        assertEquals(0, grant.exit(), grant.err());
    }

    @Test
    void noSuchFlowListsTheFlows() throws Exception {
        Cli.Result seq = plot("-r", capture.toString(), "--kind", "seq", "--flow", "99", "-o", dir.resolve("x.png").toString());
        assertEquals(2, seq.exit());
        oneLineNoTrace(seq);
        assertTrue(seq.err().contains("no UTCP direction '99'") && seq.err().contains("\n  0:0 "), seq.err());
        Cli.Result grant = plot("-r", capture.toString(), "--kind", "grant", "--flow", "ac:1d:00:00:00:01,ac:1d:00:00:00:02,9",
                "-o", dir.resolve("x.png").toString());
        assertEquals(2, grant.exit());
        assertTrue(grant.err().contains("Tether accounts") && grant.err().contains("\n    0  ac:1d:"), grant.err());
        assertFalse(Files.exists(dir.resolve("x.png")));
    }

    @Test
    void usageErrors() throws Exception {
        Cli.Result kind = plot("-r", capture.toString(), "--kind", "pie", "-o", dir.resolve("x.png").toString());
        assertEquals(2, kind.exit());
        assertTrue(kind.err().contains("nack, grant, seq, io"), kind.err());
        Cli.Result ext = plot("-r", capture.toString(), "--kind", "io", "-o", dir.resolve("x.jpg").toString());
        assertEquals(2, ext.exit());
        assertTrue(ext.err().contains("must end in .png or .svg"), ext.err());
        Cli.Result flow = plot("-r", capture.toString(), "--kind", "io", "--flow", "0", "-o", dir.resolve("x.png").toString());
        assertEquals(2, flow.exit());
    }

    @Test
    void unwritableOutputAndMissingCapture() throws Exception {
        Cli.Result nodir = plot("-r", capture.toString(), "--kind", "io", "-o", dir.resolve("nope/x.png").toString());
        assertEquals(1, nodir.exit());
        oneLineNoTrace(nodir);
        assertTrue(nodir.err().contains("no such directory"), nodir.err());
        Cli.Result missing = plot("-r", dir.resolve("none.pcapng").toString(), "--kind", "io", "-o", dir.resolve("x.png").toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("no such file"), missing.err());
    }

    @Test
    void aCaptureWithoutTetherSaysSo() throws Exception {
        Path mesh = dir.resolve("mesh.pcapng");
        SyntheticCaptures.generate("mesh", mesh, 2000, 1);
        Cli.Result r = plot("-r", mesh.toString(), "--kind", "grant", "-o", dir.resolve("x.png").toString());
        assertEquals(1, r.exit());
        oneLineNoTrace(r);
        assertTrue(r.err().contains("no Tether traffic"), r.err());
    }
}
