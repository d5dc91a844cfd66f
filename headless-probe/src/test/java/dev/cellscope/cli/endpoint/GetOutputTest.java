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
}
