package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.samples.SyntheticCaptures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 11 item 7: arguments that used to cost the heap or the stack. An address book is read
 * up to 16 MiB and no further; a display filter may nest 100 levels. Both are usage errors
 * (exit 2) with one clear line, as a malformed address book line or a bad filter already were.
 */
class HostileArgumentsTest {
    @TempDir
    static Path dir;
    static Path capture;

    @BeforeAll
    static void generate() throws IOException {
        capture = dir.resolve("quickstart.pcapng");
        SyntheticCaptures.generate("quickstart", capture, 0, 1);
    }

    @Test
    void cellIdsFromDevZeroIsAUsageErrorAfterABoundedRead() throws Exception {
        long t0 = System.nanoTime();
        Cli.Result r = Cli.run("read", "-r", capture.toString(), "--cellids", "/dev/zero");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(2, r.exit(), r.err());
        assertEquals("cellscope: --cellids /dev/zero: more than 16 MiB: not an address book (one CellID per line)\n", r.err());
        assertEquals("", r.out());
        // Bound: a child JVM start plus 16 MiB read; the old code read until the heap ran out.
        assertTrue(ms < 30_000, "took " + ms + " ms");
    }

    @Test
    void theAddressBookReadAllocatesAtMostTwiceItsLimit() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid), t0 = System.nanoTime();
        UserError e = assertThrows(UserError.class, () -> CellIdList.read(Path.of("/dev/zero")));
        long allocated = mx.getThreadAllocatedBytes(tid) - before, ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("HostileArgumentsTest: /dev/zero refused after %d ms, %d MiB allocated%n", ms, allocated >> 20);
        assertEquals(UserError.EXIT_USAGE, e.exitCode());
        // Bounds: reading an endless file costs < 64 MiB of allocation (16 MiB limit, buffers grow by
        // doubling) and < 2 s, whatever the file's size.
        assertTrue(allocated < 64L << 20, (allocated >> 20) + " MiB allocated");
        assertTrue(ms < 2_000, ms + " ms");
    }

    @Test
    void anAddressBookUpToTheLimitIsRead() throws IOException {
        Path book = dir.resolve("book.txt");
        Files.writeString(book, "# two nodes\n7eb397dda09a938a41ec30cdcfc1cf15 alice\nFE:D9:3F:8C:AA:47:70:AA:03:47:30:70:E5:A3:9B:F3\r\n\n");
        assertEquals(Set.of("7eb397dda09a938a41ec30cdcfc1cf15", "fed93f8caa4770aa03473070e5a39bf3"), CellIdList.read(book));
        Path big = dir.resolve("big.txt");
        String entry = "7eb397dda09a938a41ec30cdcfc1cf15 alice\n"; // 39 bytes
        Files.writeString(big, entry.repeat(CellIdList.MAX_BYTES / entry.length()));
        assertEquals(1, CellIdList.read(big).size());
        Files.writeString(big, "x".repeat(CellIdList.MAX_BYTES + 1));
        assertEquals(UserError.EXIT_USAGE, assertThrows(UserError.class, () -> CellIdList.read(big)).exitCode());
        UserError unread = assertThrows(UserError.class, () -> CellIdList.read(dir)); // a directory
        assertEquals(UserError.EXIT_FAILURE, unread.exitCode());
    }

    @Test
    void aFilterNested2000DeepIsAUsageErrorWithItsColumn() throws Exception {
        String deep = "(".repeat(2000) + "utcp" + ")".repeat(2000);
        Cli.Result r = Cli.run("read", "-r", capture.toString(), "-Y", deep);
        assertEquals(2, r.exit(), r.err());
        String[] lines = r.err().split("\n");
        assertEquals("cellscope: -Y: filter nested too deeply at column 101: at most 100 levels of parentheses and 'not'", lines[0]);
        assertEquals(deep, lines[1]);
        assertEquals(" ".repeat(100) + "^", lines[2]);
        assertFalse(r.err().contains("StackOverflow"), r.err());
        // The same through -z io,stat's filters, and a long chain (no nesting) is fine.
        Cli.Result z = Cli.run("read", "-r", capture.toString(), "-q", "-z", "io,stat,1," + "!".repeat(2000) + "utcp");
        assertEquals(2, z.exit(), z.err());
        assertTrue(z.err().contains("filter nested too deeply at column 101"), z.err());
        String chain = String.join(" || ", java.util.Collections.nCopies(10_000, "utcp"));
        Cli.Result c = Cli.run("read", "-r", capture.toString(), "-Y", chain, "-T", "fields", "-e", "frame.number");
        Cli.Result plain = Cli.run("read", "-r", capture.toString(), "-Y", "utcp", "-T", "fields", "-e", "frame.number");
        assertEquals(0, c.exit(), c.err());
        assertEquals(plain.out(), c.out());
    }
}
