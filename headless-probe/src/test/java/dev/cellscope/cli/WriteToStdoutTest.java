package dev.cellscope.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code read -w -} writes the pcapng to standard output and nothing else, as tshark and tcpdump do (it wrote a file
 * named "-" and printed the text summary to standard output).
 */
class WriteToStdoutTest {

    @Test
    void theCaptureIsTheStandardOutput(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Cli.tool("tshark", "-v") != null, "tshark not found (Debian package tshark): the independent reader");
        Path stdout = dir.resolve("stdout.pcapng");
        Path sample = Path.of("../samples/captures/quickstart.pcapng").toAbsolutePath();
        Cli.Result r = Cli.runWithStdout(stdout, "read", "-r", sample.toString(), "-w", "-");
        assertEquals(0, r.exit(), r.err());
        assertFalse(Files.exists(Path.of("-")), "a file named - was written");
        Cli.Result copy = Cli.tool("tshark", "-r", stdout.toString(), "-T", "fields", "-e", "frame.number", "-e", "frame.len");
        Cli.Result original = Cli.tool("tshark", "-r", sample.toString(), "-T", "fields", "-e", "frame.number", "-e", "frame.len");
        assertEquals(0, copy.exit(), copy.err());
        assertEquals(53, copy.lines().size());
        assertEquals(original.out(), copy.out());
    }

    @Test
    void nothingElseMayPrintThere() throws Exception {
        Cli.Result r = Cli.run("read", "-r", "../samples/captures/quickstart.pcapng", "-w", "-", "-z", "expert");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("-w - writes the capture to standard output"), r.err());
        assertEquals("", r.out());
    }
}
