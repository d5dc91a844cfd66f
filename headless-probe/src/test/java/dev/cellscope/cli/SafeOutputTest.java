package dev.cellscope.cli;

import dev.cellscope.samples.SyntheticCaptures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 11, items 8, 10 and 12: the CLI never loses the user's data. An output that is the capture
 * being read is refused (also through links); write errors are errors (a closed pipe stays quiet);
 * a failed run leaves neither a partial file nor a damaged older one.
 */
class SafeOutputTest {
    @TempDir
    static Path dir;
    static Path capture;
    static byte[] captureBytes;
    static final Path FULL = Path.of("/dev/full");

    @BeforeAll
    static void generate() throws IOException {
        capture = dir.resolve("quickstart.pcapng");
        SyntheticCaptures.generate("quickstart", capture, 0, 1);
        captureBytes = Files.readAllBytes(capture);
    }

    /** A fresh copy of the capture, and the names the output option is given for it. */
    private static List<Path> copyAndLinks(Path d, String name) throws IOException {
        Files.createDirectories(d);
        Path in = d.resolve(name);
        Files.write(in, captureBytes);
        Path sym = Files.createSymbolicLink(d.resolve("sym-" + name), in.getFileName());
        Path hard = Files.createLink(d.resolve("hard-" + name), in);
        return List.of(in, sym, hard, d.resolve(".").resolve(name));
    }

    @Test
    void readRefusesToWriteOverTheCaptureItReads() throws Exception {
        Path d = dir.resolve("read-w");
        for (Path out : copyAndLinks(d, "in.pcapng")) {
            Path in = d.resolve("in.pcapng");
            Cli.Result r = Cli.run("read", "-r", in.toString(), "-w", out.toString());
            assertEquals(2, r.exit(), out + ": " + r.err());
            assertEquals("cellscope: -w " + out + ": is the capture being read (-r " + in + "); write to another file\n", Cli.errors(r));
            assertEquals("", r.out(), "usage errors come before any output");
            assertArrayEquals(captureBytes, Files.readAllBytes(in), "the capture was damaged through " + out);
        }
    }

    @Test
    void statsRefusesToWriteTheFlowsOverTheCaptureItReads() throws Exception {
        Path d = dir.resolve("stats-flows");
        for (Path out : copyAndLinks(d, "in.pcapng")) {
            Path in = d.resolve("in.pcapng");
            Cli.Result r = Cli.run("stats", "-r", in.toString(), "--flows", out.toString());
            assertEquals(2, r.exit(), out + ": " + r.err());
            assertEquals("cellscope: --flows " + out + ": is the capture being read (-r " + in + "); write to another file\n", Cli.errors(r));
            assertArrayEquals(captureBytes, Files.readAllBytes(in));
        }
    }

    @Test
    void plotRefusesToDrawOverTheCaptureItReads() throws Exception {
        Path d = dir.resolve("plot-o");
        for (Path out : copyAndLinks(d, "in.svg")) {
            Path in = d.resolve("in.svg");
            Cli.Result r = Cli.run("plot", "-r", in.toString(), "--kind", "io", "-o", out.toString());
            assertEquals(2, r.exit(), out + ": " + r.err());
            assertEquals("cellscope: -o " + out + ": is the capture being read (-r " + in + "); write to another file\n", Cli.errors(r));
            assertArrayEquals(captureBytes, Files.readAllBytes(in));
        }
    }

    @Test
    void aFullStandardOutputIsAnErrorForEveryCommand() throws Exception {
        Assumptions.assumeTrue(Files.exists(FULL), "no /dev/full here");
        List<List<String>> commands = List.of(
                List.of("read", "-r", capture.toString(), "-T", "json"),
                List.of("read", "-r", capture.toString()),
                List.of("read", "-r", capture.toString(), "-q", "-z", "follow,utcp,0"),
                List.of("stats", "-r", capture.toString(), "--flows", "-"),
                List.of("samples", "list"),
                List.of("fields"));
        for (List<String> args : commands) {
            Cli.Result r = Cli.runWithStdout(FULL, args.toArray(String[]::new));
            assertEquals(1, r.exit(), args + ": " + r.err());
            assertEquals("cellscope: standard output: cannot write: No space left on device\n", Cli.errors(r), args.toString());
        }
    }

    @Test
    void aClosedPipeEndsQuietly() throws Exception {
        // -V -x prints about 100 KB for this capture, more than a pipe holds: the command meets EPIPE.
        Cli.Result r = Cli.runWithClosedPipe("read", "-r", capture.toString(), "-V", "-x");
        assertEquals(0, r.exit(), r.err());
        assertEquals("", Cli.errors(r));
    }

    @Test
    void aFullDiskForTheCopyIsOneLineNamingTheFile() throws Exception {
        Assumptions.assumeTrue(Files.exists(FULL), "no /dev/full here");
        Cli.Result r = Cli.run("read", "-r", capture.toString(), "-q", "-w", FULL.toString());
        assertEquals(1, r.exit(), r.err());
        assertEquals("cellscope: /dev/full: cannot write: No space left on device\n", Cli.errors(r));
    }

    @Test
    void aFailedRunLeavesTheEarlierOutputAsItWasAndNoTemporaryFile() throws Exception {
        Assumptions.assumeTrue(Files.exists(FULL), "no /dev/full here");
        Path d = Files.createDirectories(dir.resolve("failed-run"));
        Path copy = d.resolve("copy.pcapng");
        Files.writeString(copy, "the user's earlier file");
        // The copy is being written when standard output fails: the run fails, the copy is not put in place.
        Cli.Result r = Cli.runWithStdout(FULL, "read", "-r", capture.toString(), "-V", "-w", copy.toString());
        assertEquals(1, r.exit(), r.err());
        assertEquals("the user's earlier file", Files.readString(copy));
        try (Stream<Path> files = Files.list(d)) {
            assertEquals(List.of(copy), files.toList(), "a temporary file was left behind");
        }
    }

    @Test
    void samplesGenerateNeverLeavesHalfAPair() throws Exception {
        Path d = Files.createDirectories(dir.resolve("samples"));
        Path out = d.resolve("m.pcapng");
        Files.writeString(out, "the user's earlier capture");
        Files.createDirectory(d.resolve("m.truth.json")); // the ground truth cannot be written
        Cli.Result r = Cli.run("samples", "generate", "mesh-transfer", "-o", out.toString());
        assertEquals(1, r.exit(), r.err());
        assertEquals("cellscope: " + d.resolve("m.truth.json") + ": is a directory\n", Cli.errors(r));
        assertEquals("the user's earlier capture", Files.readString(out));
        try (Stream<Path> files = Files.list(d)) {
            assertEquals(2, files.count(), "a temporary file was left behind");
        }
    }

    @Test
    void samplesGenerateRefusesSizesBeyondItsLimit() throws Exception {
        Path out = dir.resolve("huge.pcapng");
        Cli.Result r = Cli.run("samples", "generate", "quickstart", "--size", "20000001", "-o", out.toString());
        assertEquals(2, r.exit(), r.err());
        assertEquals("cellscope: --size must be 0 to 20000000 frames, got 20000001\n", Cli.errors(r));
        assertFalse(Files.exists(out));
    }
}
