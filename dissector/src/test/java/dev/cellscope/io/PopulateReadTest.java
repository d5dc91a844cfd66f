package dev.cellscope.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PopulateRead} maps the asked range of a file mapping, and only that range, as the kernel
 * itself reports it: the mapping's {@code Rss} in {@code /proc/self/smaps} counts the pages present in
 * this process's page tables. Nothing may throw on a range it cannot map.
 */
class PopulateReadTest {

    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void mapsTheAskedRangeOfAFileMappingAndNoMore() throws Exception {
        Assumptions.assumeTrue(kernelAtLeast(5, 14), "MADV_POPULATE_READ needs Linux 5.14; this kernel is " + System.getProperty("os.version"));
        Path file = dir.resolve("capture.bin");
        Files.write(file, new byte[(int) (8 * MIB)]); // written, so in the page cache
        try (Arena arena = Arena.ofShared(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment mapping = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            assertEquals(0, rssKib(mapping), "nothing read yet, nothing mapped");

            assertTrue(PopulateRead.range(mapping, MIB, 2 * MIB), "the kernel refused MADV_POPULATE_READ");
            assertEquals(2 * 1024, rssKib(mapping), "exactly the 2 MiB asked for are mapped");

            assertTrue(PopulateRead.range(mapping, 6 * MIB, 2 * MIB));
            assertEquals(4 * 1024, rssKib(mapping));
        }
    }

    @Test
    void aRangeItCannotMapIsFalseNotAnException() {
        assertFalse(PopulateRead.range(MemorySegment.ofArray(new byte[8192]), 0, 4096), "a heap array is not a mapping");
        MemorySegment closed;
        try (Arena arena = Arena.ofConfined()) {
            closed = arena.allocate(8192, 4096);
            assertFalse(PopulateRead.range(closed, 0, 0), "an empty range");
        }
        assertFalse(PopulateRead.range(closed, 0, 4096), "a closed segment");
    }

    /** The Rss of the mapping that starts at the segment's address, from /proc/self/smaps (kB). */
    private static long rssKib(MemorySegment mapping) throws Exception {
        String start = Long.toHexString(mapping.address()) + "-";
        List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        int i = 0;
        while (i < lines.size() && !lines.get(i).startsWith(start)) i++;
        // The mapping's fields follow its header line, up to the next header ("start-end perms ...").
        for (i++; i < lines.size() && !lines.get(i).matches("^[0-9a-f]+-[0-9a-f]+ .*"); i++) {
            if (lines.get(i).startsWith("Rss:")) return Long.parseLong(lines.get(i).replaceAll("[^0-9]", ""));
        }
        throw new AssertionError("no mapping at " + start + " in /proc/self/smaps");
    }

    private static boolean kernelAtLeast(int major, int minor) {
        String[] v = System.getProperty("os.version").split("[.-]");
        int ma = Integer.parseInt(v[0]), mi = Integer.parseInt(v[1]);
        return ma > major || ma == major && mi >= minor;
    }
}
