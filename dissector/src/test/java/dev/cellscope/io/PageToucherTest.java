package dev.cellscope.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page toucher stays within its window ahead of the reader, follows the reader to the end, and is
 * stopped before the mapping goes away. That it takes the reader's page faults is measured, not tested
 * (perf; bench/README.md): which thread faults is not observable from Java.
 */
class PageToucherTest {

    private static final long KIB = 1024;

    @TempDir
    Path dir;

    @Test
    void staysWithinTheWindowAheadOfTheReaderAndFollowsItToTheEnd() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment bytes = arena.allocate(1024 * KIB);
            PageToucher toucher = PageToucher.start(bytes, 64 * KIB);
            try {
                waitFor(() -> toucher.touched() >= 64 * KIB);
                Thread.sleep(50); // time to run past the window, were it to
                assertEquals(64 * KIB, toucher.touched(), "touched only the window ahead of offset 0");

                toucher.readerAt(500 * KIB);
                waitFor(() -> toucher.touched() >= 564 * KIB);
                Thread.sleep(50);
                assertTrue(toucher.touched() <= 568 * KIB, () -> "within a page of reader + window, not " + toucher.touched());

                toucher.readerAt(1000 * KIB);
                waitFor(() -> !toucher.running());
                assertEquals(1024 * KIB, toucher.touched(), "stopped at the end of the mapping");
            } finally {
                toucher.close();
            }
        }
    }

    @Test
    void closeStopsTheThreadBeforeTheMappingIsClosed() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            PageToucher toucher = PageToucher.start(arena.allocate(1024 * KIB), 64 * KIB);
            waitFor(() -> toucher.touched() > 0);
            toucher.close();
            assertFalse(toucher.running());
        }
    }

    @Test
    void smallFilesGetNoThread() {
        assertNull(PageToucher.forMapping(MemorySegment.ofArray(new byte[4096])));
    }

    @Test
    void aLargeCaptureReadsTheSameWithTheToucherRunning() throws Exception {
        // 40 MiB of 9,000-byte frames: above MIN_FILE, so the reader runs with a toucher beside it.
        PcapngBuilder b = new PcapngBuilder().shb(java.nio.ByteOrder.LITTLE_ENDIAN).idb(1, 65535);
        int frames = (int) ((PageToucher.MIN_FILE + (8 << 20)) / 9_028);
        for (int i = 0; i < frames; i++) b.epb(0, i, 9000, PcapReaderTest.frame(9000, i));
        Path file = dir.resolve("big.pcapng");
        Files.write(file, b.build());
        int n = 0;
        try (CaptureReader r = CaptureReader.open(file)) {
            Packet p;
            while ((p = r.next()) != null) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(PcapReaderTest.frame(9000, n),
                        p.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), "frame " + n);
                assertEquals(n, p.timestampNanos() / 1000);
                n++;
            }
            assertTrue(r.error().isEmpty(), () -> r.error().toString());
        }
        assertEquals(frames, n);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L; // generous: a loaded 2-core machine
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting");
            Thread.sleep(5);
        }
    }
}
