package dev.cellscope.cli.endpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 12, item 5: "Confirmed, then lost". tether-recv checks its output before it accepts a flow,
 * confirms only what it has written (fsync, rename), and creates the file with the umask.
 */
@Timeout(120)
class TetherOutputTest {
    @TempDir
    Path dir;

    @Test
    void missingDirectoryFailsAtStartUp() throws Exception {
        Path out = dir.resolve("no-such-dir").resolve("got.bin");
        try (Child recv = Child.start(dir, "recv", List.of(), "endpoint", "tether-recv", "-o", out.toString(), "--key", key("r"),
                "--listen", "127.0.0.1:" + TetherCliTest.freeUdpPort(), "--timeout", "20")) {
            assertEquals(1, recv.finish(15), recv.tail());
            assertEquals("cellscope: -o " + out + ": directory " + out.getParent() + " does not exist\n", recv.err(), recv.tail());
            assertFalse(recv.err().contains("waiting for a flow"));
        }
    }

    @Test
    void directoryAsOutputFailsAtStartUp() throws Exception {
        Path out = Files.createDirectory(dir.resolve("full"));
        Files.writeString(out.resolve("x"), "x");
        try (Child recv = Child.start(dir, "recv", List.of(), "endpoint", "tether-recv", "-o", out.toString(), "--key", key("r"),
                "--listen", "127.0.0.1:" + TetherCliTest.freeUdpPort(), "--timeout", "20")) {
            assertEquals(1, recv.finish(15), recv.tail());
            assertEquals("cellscope: -o " + out + ": is a directory; -o names the file to write\n", recv.err(), recv.tail());
        }
    }

    /** The directory vanishes after start-up: the write fails, so the sender must not hear CONFIRMED, and no .part is left. */
    @Test
    void aFlowThatCannotBeWrittenIsNotConfirmed() throws Exception {
        Path outDir = Files.createDirectory(dir.resolve("out")), out = outDir.resolve("got.bin");
        Path content = random("in.bin", 200_000);
        int port = TetherCliTest.freeUdpPort();
        try (Child recv = Child.start(dir, "recv", List.of(), "endpoint", "tether-recv", "-o", out.toString(), "--key", key("r"),
                "--listen", "127.0.0.1:" + port, "--timeout", "30")) {
            String rid = recv.await("tether (ac:1d(?::[0-9a-f]{2}){4})\\)? on udp .*waiting for a flow", 30);
            Files.delete(outDir);
            try (Child send = Child.start(dir, "send", List.of(), "endpoint", "tether-send", content.toString(), "--key", key("s"), "--lamp",
                    "--to", rid + "@127.0.0.1:" + port, "--timeout", "20")) {
                assertEquals(1, send.finish(40), send.tail());
                assertTrue(send.out().contains(": UNCONFIRMED,"), send.tail());
            }
            assertEquals(1, recv.finish(30), recv.tail());
            assertTrue(recv.err().lines().anyMatch(l -> l.startsWith("cellscope: " + out + ": cannot write: ")), recv.tail());
            assertFalse(Files.exists(outDir), "nothing recreated the directory");
        }
    }

    /** The file follows the umask (0666 minus it), as every other file a command writes; not 0600. */
    @Test
    void receivedFileFollowsTheUmask() throws Exception {
        Path content = random("in.bin", 70_000), out = dir.resolve("got.bin");
        int port = TetherCliTest.freeUdpPort();
        try (Child recv = Child.start(dir, "recv", List.of(), "endpoint", "tether-recv", "-o", out.toString(), "--key", key("r"),
                "--listen", "127.0.0.1:" + port, "--timeout", "30")) {
            String rid = recv.await("tether (ac:1d(?::[0-9a-f]{2}){4})\\)? on udp .*waiting for a flow", 30);
            try (Child send = Child.start(dir, "send", List.of(), "endpoint", "tether-send", content.toString(), "--key", key("s"), "--lamp",
                    "--to", rid + "@127.0.0.1:" + port, "--timeout", "20")) {
                assertEquals(0, send.finish(40), send.tail());
            }
            assertEquals(0, recv.finish(30), recv.tail());
        }
        assertEquals(-1, Files.mismatch(content, out));
        assertEquals(expectedMode(umask()), Files.getPosixFilePermissions(out));
        try (Stream<Path> left = Files.list(dir)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().endsWith(".part")), "a .part file was left");
        }
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(Path.of(key("r"))),
                "keys stay 0600");
    }

    /** The umask this JVM (and its children) run with, from the shell: independent of Java's file creation. */
    static int umask() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "umask").start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        p.waitFor();
        return Integer.parseInt(text, 8);
    }

    static Set<PosixFilePermission> expectedMode(int umask) {
        int mode = 0666 & ~umask;
        StringBuilder s = new StringBuilder();
        for (int shift = 6; shift >= 0; shift -= 3) {
            s.append((mode >> shift & 4) != 0 ? 'r' : '-').append((mode >> shift & 2) != 0 ? 'w' : '-').append('-');
        }
        return PosixFilePermissions.fromString(s.toString());
    }

    private String key(String name) {
        return dir.resolve(name + ".key").toString();
    }

    private Path random(String name, int size) throws Exception {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return Files.write(dir.resolve(name), b);
    }
}
