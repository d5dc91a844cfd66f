package dev.cellscope.endpoint.tether;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.*;

/**
 * tether-send maps its file instead of reading it into the heap (1 GB: 16.5 s wall before, 8.6 s after, of which the
 * transfer was 6.5 s). The sender then reads the file's pages as it sends: the same bytes arrive, and a file cut
 * short under it ends the transfer with a reason instead of a JVM fault on the scheduler's thread.
 */
class MappedContentTest {
    @TempDir
    Path dir;

    private MemorySegment map(Path file) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, Files.size(file), Arena.ofAuto());
        }
    }

    @Test
    void aMappedFileArrivesWhole() throws Exception {
        TetherHarness h = new TetherHarness(5, 300_000, TetherHarness.CLEAN).build();
        Path file = Files.write(dir.resolve("in.bin"), h.content);
        h.sender = new TetherSender<>(h.a, h.scheduler, "b", h.senderConfig, map(file)).listener(e -> h.events.add("S " + e));
        SendResult r = h.run();
        assertEquals(SendResult.Status.CONFIRMED, r.status(), h.events.toString());
        assertArrayEquals(h.content, h.reception.content());
    }

    @Test
    void aFileCutShortWhileSentEndsTheTransferWithAReason() throws Exception {
        TetherHarness h = new TetherHarness(6, 300_000, TetherHarness.CLEAN).build();
        Path file = Files.write(dir.resolve("in.bin"), h.content);
        h.sender = new TetherSender<>(h.a, h.scheduler, "b", h.senderConfig, map(file)).listener(e -> h.events.add("S " + e));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(10_000); // after the checksum was taken, before any slot is read
        }
        SendResult r = h.run();
        assertEquals(SendResult.Status.CANCELLED, r.status(), h.events.toString());
        assertTrue(h.events.stream().anyMatch(e -> e.startsWith("S cannot read slot ") && e.endsWith("did the file change?")), h.events.toString());
    }
}
