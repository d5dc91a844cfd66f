package dev.cellscope.endpoint.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Issue 12, item 5: the file {@code get -o} writes follows the umask (it was 0600, from Files.createTempFile), and no .part is left. */
class AssembleToModeTest {
    @TempDir
    Path dir;

    @Test
    void theWrittenFileFollowsTheUmask() throws Exception {
        byte[] bytes = new byte[300_000];
        new Random(9).nextBytes(bytes);
        Path in = Files.write(dir.resolve("in.bin"), bytes), out = Files.createDirectory(dir.resolve("out")).resolve("got.bin");
        ContentStore store = ContentStore.open(dir.resolve("store"));
        Chunker.assembleTo(store, Chunker.store(store, in, 65_536), out);
        assertEquals(-1, Files.mismatch(in, out));
        // The umask from the shell, not from Java's own file creation.
        Process p = new ProcessBuilder("sh", "-c", "umask").start();
        int umask = Integer.parseInt(new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip(), 8);
        int mode = 0666 & ~umask;
        StringBuilder rwx = new StringBuilder();
        for (int shift = 6; shift >= 0; shift -= 3) {
            rwx.append((mode >> shift & 4) != 0 ? 'r' : '-').append((mode >> shift & 2) != 0 ? 'w' : '-').append('-');
        }
        assertEquals(PosixFilePermissions.fromString(rwx.toString()), Files.getPosixFilePermissions(out));
        try (Stream<Path> left = Files.list(out.getParent())) {
            assertEquals(1, left.count(), "only the file itself: no .part left");
        }
    }
}
