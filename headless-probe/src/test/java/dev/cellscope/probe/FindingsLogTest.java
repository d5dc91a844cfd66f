package dev.cellscope.probe;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The findings file on a disk that fills up: whole lines only, before and after (a real tmpfs, not a mock). */
class FindingsLogTest {

    @Test
    void aWriteCutShortByAFullDiskLeavesNoHalfLine(@TempDir Path dir) throws Exception {
        Path mount = Files.createDirectories(dir.resolve("tmpfs"));
        Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mount.toString()).redirectErrorStream(true).start();
        assertTrue(m.waitFor(30, TimeUnit.SECONDS));
        Assumptions.assumeTrue(m.exitValue() == 0, "cannot mount a tmpfs to fill (needs CAP_SYS_ADMIN)");
        Path file = mount.resolve("findings.json"), filler = mount.resolve("filler");
        try (FindingsLog log = new FindingsLog(file, new ProbeMetrics(), "")) {
            String first = lines("a", 1);
            log.write(first); // the file now has most of a page to itself
            try (OutputStream o = Files.newOutputStream(filler)) { // the rest of the disk
                byte[] k = new byte[1024];
                while (true) o.write(k);
            } catch (IOException full) {
                // no space left
            }
            // 8 KB: tmpfs takes what fits in the file's page, then says ENOSPC.
            log.write(lines("b", 80));
            assertEquals(first, Files.readString(file, StandardCharsets.UTF_8), "the half-written batch is cut off");
            Files.delete(filler);
            String third = lines("c", 3);
            log.write(third);
            assertEquals(first + third, Files.readString(file, StandardCharsets.UTF_8), "the next batch starts on a line of its own");
        } finally {
            new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** {@code n} JSON lines of about 100 bytes. */
    private static String lines(String tag, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) b.append("{\"tag\":\"").append(tag).append("\",\"n\":").append(i).append(",\"summary\":\"")
                .append("x".repeat(70)).append("\"}\n");
        return b.toString();
    }
}
