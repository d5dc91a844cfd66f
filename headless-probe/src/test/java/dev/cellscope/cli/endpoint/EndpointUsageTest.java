package dev.cellscope.cli.endpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Arguments a user got wrong, found by the user review: one line each, before anything is sent. */
@Timeout(120)
class EndpointUsageTest {
    @TempDir
    Path dir;

    /** `--timeout -1` and `--timeout 0` ran and then said "timed out after -1 s". */
    @Test
    void aTimeoutUnderOneSecondIsAUsageError() throws Exception {
        String key = dir.resolve("k.key").toString(), file = java.nio.file.Files.writeString(dir.resolve("f.bin"), "x").toString();
        List<List<String>> commands = List.of(
                List.of("endpoint", "put", file, "--key", key, "--to", "0123456789abcdef0123456789abcdef@127.0.0.1:9", "--timeout", "-1"),
                List.of("endpoint", "get", "ab".repeat(32), "--key", key, "--from", "0123456789abcdef0123456789abcdef@127.0.0.1:9",
                        "-o", dir.resolve("o.bin").toString(), "--timeout", "0"),
                List.of("endpoint", "tether-recv", "--key", key, "-o", dir.resolve("t.bin").toString(), "--timeout", "0"));
        for (List<String> args : commands) {
            try (Child c = Child.start(dir, "usage", List.of(), args.toArray(String[]::new))) {
                assertEquals(2, c.finish(30), args + "\n" + c.tail());
                assertEquals("cellscope: --timeout must be at least 1 s\n", c.err(), c.tail());
            }
        }
    }

    /** `-o /proc/x.bin` named the file cellscope tried to make ("NoSuchFileException: /proc/.x.bin.10253.probe"). */
    @Test
    void anOutputWhereNoFileCanBeMadeSaysWhyWithoutOurProbeFile() throws Exception {
        try (Child c = Child.start(dir, "proc", List.of(), "endpoint", "get", "ab".repeat(32), "--key", dir.resolve("k.key").toString(),
                "--from", "0123456789abcdef0123456789abcdef@127.0.0.1:9", "-o", "/proc/x.bin")) {
            assertEquals(1, c.finish(30), c.tail());
            String err = c.err();
            assertTrue(err.startsWith("cellscope: -o /proc/x.bin: cannot create a file in /proc (") && err.lines().count() == 1, err);
            assertFalse(err.contains(".probe") || err.contains("Exception"), err);
        }
    }

    /** tether-send `--silence-timeout -1` was refused only once the socket was bound: with the port taken, it said "cannot bind". */
    @Test
    void aNegativeSilenceTimeoutIsRefusedBeforeTheSocketIsBound() throws Exception {
        String file = java.nio.file.Files.writeString(dir.resolve("f.bin"), "x").toString();
        try (java.net.DatagramSocket taken = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress());
             Child c = Child.start(dir, "silence", List.of(), "endpoint", "tether-send", file, "--key", dir.resolve("k.key").toString(), "--lamp",
                     "--to", "ac:1d:00:00:00:01@127.0.0.1:9", "--listen", "127.0.0.1:" + taken.getLocalPort(), "--silence-timeout", "-1")) {
            assertEquals(2, c.finish(30), c.tail());
            assertEquals("cellscope: --silence-timeout must be 0 or more seconds\n", c.err(), c.tail());
        }
    }

    /** `--to ID@127.0.0.1:0` was taken, and the sender lit Lamps towards port 0 until it gave up. */
    @Test
    void aPeerAtPortZeroIsRefused() throws Exception {
        String file = java.nio.file.Files.writeString(dir.resolve("f.bin"), "x").toString();
        try (Child c = Child.start(dir, "port0", List.of(), "endpoint", "tether-send", file, "--key", dir.resolve("k.key").toString(), "--lamp",
                "--to", "ac:1d:00:00:00:01@127.0.0.1:0", "--timeout", "5")) {
            int rc = c.finish(30);
            assertTrue(rc != 0 && c.err().contains("port 0 cannot be sent to") && c.out().isEmpty(), rc + "\n" + c.tail());
        }
    }
}
