package dev.cellscope.live.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellscope.live.ring.RingCheck.Content;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ring writer killed with SIGKILL mid-capture: every file, the one being written included, reads
 * cleanly to its last whole block in cellscope's reader and in tshark, the packets run on without
 * a gap across files, and nothing handed to the ring more than the flush interval (200 ms) before
 * the kill is missing.
 */
@Timeout(180)
class RingKillTest {

    @TempDir
    Path dir;

    @Test
    void everyFileReadsCleanlyAfterKillDashNine() throws Exception {
        Random random = new Random(13);
        for (int round = 0; round < 3; round++) {
            killRound(dir.resolve("round" + round), 300 + random.nextInt(700));
        }
    }

    private void killRound(Path ring, int extraMillis) throws Exception {
        Files.createDirectories(ring);
        Path out = dir.resolve(ring.getFileName() + ".out");
        Path err = dir.resolve(ring.getFileName() + ".err");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), RingKillChild.class.getName(), ring.toString());
        Process child = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            // Until the ring has rotated twice (three files), then a little more.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (RingCheck.ringFiles(ring).size() < 3) {
                assertTrue(child.isAlive(), () -> "child died: " + read(err));
                assertTrue(System.nanoTime() < deadline, () -> "no rotation in 60 s: " + read(err));
                Thread.sleep(20);
            }
            // Sample the child's reports while it runs; keep the last one seen at least 600 ms before the kill.
            long killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(extraMillis + 600);
            long safelyWritten = 0;
            List<long[]> seen = new ArrayList<>();
            while (System.nanoTime() < killAt) {
                seen.add(new long[] {System.nanoTime(), lastReport(out)});
                Thread.sleep(10);
            }
            child.destroyForcibly(); // SIGKILL
            long killed = System.nanoTime();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, child.exitValue(), "killed by SIGKILL (128 + 9)");
            for (long[] s : seen) {
                if (killed - s[0] >= TimeUnit.MILLISECONDS.toNanos(600)) safelyWritten = Math.max(safelyWritten, s[1]);
            }

            List<Path> files = RingCheck.ringFiles(ring);
            assertTrue(files.size() >= 3, files.toString());
            List<Long> all = new ArrayList<>();
            for (int k = 0; k < files.size(); k++) {
                Path f = files.get(k);
                Content c = RingCheck.readClean(f); // no damage reported, not even at the very end
                boolean last = k == files.size() - 1;
                if (k >= files.size() - 2) { // tshark on the file being written and the one before; capinfos on all below
                    assertEquals(c.seqs().size(), RingCheck.tsharkCount(f), f.toString());
                }
                assertEquals(last ? 0 : 2, c.statistics().size(), f + (last ? ": killed before its ISBs" : ": closed"));
                if (!last) assertEquals(3000, c.seqs().size(), f.toString());
                all.addAll(c.seqs());
            }
            List<RingCheck.Info> infos = RingCheck.capinfos(files); // exits 1 on a file "cut short"
            for (int k = 0; k < files.size(); k++) {
                assertEquals(k == files.size() - 1 ? List.of(0, 0) : List.of(1, 1), infos.get(k).statEntries());
            }
            assertEquals(LongStream.range(0, all.size()).boxed().toList(), all, "in order, no gap, across files");
            assertTrue(all.size() >= safelyWritten, "read " + all.size() + " but " + safelyWritten
                    + " were handed to the ring 600 ms before the kill");
            assertTrue(safelyWritten > 6000, "the child was writing: " + safelyWritten);
        } finally {
            child.destroyForcibly();
        }
    }

    private static long lastReport(Path out) {
        List<String> lines = read(out).lines().filter(l -> l.startsWith("written ")).toList();
        return lines.isEmpty() ? 0 : Long.parseLong(lines.getLast().substring("written ".length()).strip());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
