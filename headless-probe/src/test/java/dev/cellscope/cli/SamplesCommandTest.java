package dev.cellscope.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class SamplesCommandTest {

    @Test
    void listShowsScenariosAndCodecBuiltSamples() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Console.redirect(buf);
        int rc;
        try {
            rc = new CommandLine(new SamplesCommand()).execute("list");
        } finally {
            Console.redirect(null);
        }
        assertEquals(0, rc);
        String out = buf.toString(StandardCharsets.UTF_8);
        for (String committed : dev.cellscope.samples.Scenarios.COMMITTED) {
            assertTrue(out.lines().anyMatch(l -> l.matches(java.util.regex.Pattern.quote(committed) + " +\\[committed\\] .+")), committed + "\n" + out);
        }
        assertTrue(out.lines().anyMatch(l -> l.matches("big-transfer +on demand, for benchmarks.*")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("quickstart +\\[codec-built\\] .+")), out);
    }

    @Test
    void generateWritesTheCaptureAndItsGroundTruth(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("m.pcapng");
        assertEquals(0, new CommandLine(new SamplesCommand()).execute("generate", "mesh-transfer", "-o", out.toString()));
        Path committed = Path.of("..", "samples", "captures", "mesh-transfer.pcapng");
        assertArrayEquals(Files.readAllBytes(committed), Files.readAllBytes(out));
        assertTrue(Files.readString(dir.resolve("m.truth.json")).contains("\"scenario\": \"mesh-transfer\""));
    }
}
