package dev.cellscope.cli.endpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code get -o} is checked before the stack opens, as {@code tether-recv -o} is: now that the file is written while
 * the blocks arrive, a bad path must fail before anything is asked of the peer (and it used to fail only after the
 * whole object had been fetched). Nobody listens at the peer's address: a check made after connecting would show as
 * a connect timeout instead.
 */
@Timeout(60)
class GetOutputTest {
    private static final String ROOT = "ab".repeat(32), PEER = "00112233445566778899aabbccddeeff@127.0.0.1:";

    @TempDir
    Path dir;

    private Child get(Path out) throws Exception {
        return Child.start(dir, "get", List.of(), "endpoint", "get", ROOT, "--from", PEER + TetherCliTest.freeUdpPort(),
                "-o", out.toString(), "--key", dir.resolve("g.key").toString(), "--store", dir.resolve("store").toString(),
                "--timeout", "20");
    }

    @Test
    void aMissingDirectoryFailsBeforeConnecting() throws Exception {
        Path out = dir.resolve("no-such-dir").resolve("got.bin");
        try (Child get = get(out)) {
            assertEquals(1, get.finish(15), get.tail());
            assertEquals("cellscope: -o " + out + ": directory " + out.getParent() + " does not exist\n", get.err(), get.tail());
        }
    }

    @Test
    void aDirectoryAsOutputFailsBeforeConnecting() throws Exception {
        Path out = Files.createDirectory(dir.resolve("full"));
        try (Child get = get(out)) {
            assertEquals(1, get.finish(15), get.tail());
            assertEquals("cellscope: -o " + out + ": is a directory; -o names the file to write\n", get.err(), get.tail());
        }
    }

    /**
     * User review: a get ended by SIGTERM left its {@code .tmp-….part} beside FILE for good. The temporary file is made
     * before connecting (above), so a get still waiting for its silent peer has one to leave.
     */
    @Test
    void aGetEndedBySigtermLeavesNoTemporaryFile() throws Exception {
        Path outDir = Files.createDirectory(dir.resolve("out"));
        try (Child get = get(outDir.resolve("got.bin"))) {
            long until = System.nanoTime() + 15_000_000_000L;
            while (listing(outDir).isEmpty() && System.nanoTime() < until && get.alive()) Thread.sleep(20);
            assertEquals(1, listing(outDir).size(), "the get's temporary file: " + listing(outDir) + "\n" + get.tail());
            get.signal("TERM");
            assertTrue(get.waitMillis(5_000), "SIGTERM ends the get\n" + get.tail());
            assertEquals(List.of(), listing(outDir), get.tail());
        }
    }

    private static List<String> listing(Path d) throws java.io.IOException {
        try (var s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
