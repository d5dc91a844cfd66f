package dev.cellscope.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A heap too small for the capture ends the run with one line that names the fix (issue 17 item 3: the launcher
 * caps single-pass commands' heap, so a user can meet this). A two-pass read of 60,000 frames under a 12 MiB heap
 * runs out in several threads at once (the reader and the block verifiers): still one line, no stack trace, exit 1.
 */
class OutOfMemoryMessageTest {

    @Test
    void runningOutOfHeapIsOneLineNamingTheFix(@TempDir Path dir) throws Exception {
        Path capture = dir.resolve("bulk.pcapng");
        Cli.Result generated = Cli.run("samples", "generate", "bulk", "--size", "60000", "-o", capture.toString());
        assertEquals(0, generated.exit(), generated.err());

        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(Cli.command(List.of("-Xmx12m"), "read", "-2", "-r", capture.toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "read did not end within 120 s");
        String stderr = Files.readString(err, StandardCharsets.UTF_8);

        assertEquals(1, p.exitValue(), stderr);
        assertEquals(List.of("cellscope: out of memory (heap limit 12 MiB): run again with a larger heap, e.g. CELLSCOPE_HEAP=2g ./cellscope ..."),
                stderr.lines().toList(), "stderr must be the one line, once");
    }
}
