package dev.cellscope.io;

import static dev.cellscope.io.PcapReaderTest.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellscope.io.PcapngBuilder.Opt;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The readers over a file read ahead in chunks ({@link ReadAheadFile}): whatever the chunk size, every packet,
 * its place in the file and the damage found are those of the file's bytes, checked against the builders' own
 * record of where each block starts, not against another run of the reader.
 */
class ReadAheadTest {

    @TempDir
    Path dir;

    /** A frame: the bytes the builder wrote and where they start in the file. */
    private record Expected(byte[] data, long offset) {}

    @Test
    void everyChunkSizeGivesThePacketsTheFileHolds() throws Exception {
        Random random = new Random(7);
        PcapngBuilder b = new PcapngBuilder().shb(ByteOrder.LITTLE_ENDIAN).idb(1, 0);
        List<Expected> expected = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            byte[] data = frame(random.nextInt(3000), i);
            if (i == 150) b.nrb(new byte[] {10, 0, 0, 1}, "a-name-between-packets");
            if (i == 200) b.shb(ByteOrder.BIG_ENDIAN).idb(1, 0); // a new section in the other byte order
            int start = b.size();
            if (i % 7 == 3) b.epb(0, i, data.length, data, Opt.string(1, "comment " + i));
            else b.epb(0, i, data.length, data);
            expected.add(new Expected(data, start + 28));
        }
        Path file = write("many.pcapng", b.build());
        for (int chunk : new int[] {16, 64, 1000, 4096, 65536, 1 << 20}) {
            try (CaptureReader r = CaptureFiles.open(file, chunk)) {
                List<Packet> seen = new ArrayList<>();
                for (Packet p; (p = r.next()) != null; ) {
                    seen.add(p);
                    Expected e = expected.get(seen.size() - 1);
                    assertEquals(e.offset(), r.dataOffset(p), "chunk " + chunk + ", packet " + seen.size());
                    if (seen.size() % 7 == 4) assertEquals("comment " + (seen.size() - 1), p.comment());
                }
                assertEquals(r.error(), java.util.Optional.empty(), "chunk " + chunk);
                assertEquals(expected.size(), seen.size(), "chunk " + chunk);
                // Held packets keep their bytes after the reader went on (and after it is closed, below).
                for (int i = 0; i < seen.size(); i++) {
                    assertArrayEquals(expected.get(i).data(), seen.get(i).data().toArray(ValueLayout.JAVA_BYTE), "chunk " + chunk + ", packet " + (i + 1));
                }
                r.close();
                assertArrayEquals(expected.get(0).data(), seen.get(0).data().toArray(ValueLayout.JAVA_BYTE));
            }
        }
    }

    @Test
    void pcapRecordsAcrossChunkBoundaries() throws Exception {
        PcapBuilder b = new PcapBuilder(ByteOrder.BIG_ENDIAN, true, 1, 0);
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] data = frame((i * 37) % 1600, i);
            frames.add(data);
            b.record(i, i, data.length, data);
        }
        Path file = write("many.pcap", b.build());
        for (int chunk : new int[] {16, 100, 4096}) {
            try (CaptureReader r = CaptureFiles.open(file, chunk)) {
                int n = 0;
                for (Packet p; (p = r.next()) != null; n++) {
                    assertArrayEquals(frames.get(n), p.data().toArray(ValueLayout.JAVA_BYTE), "chunk " + chunk + ", record " + n);
                    assertEquals((long) b.recordStarts.get(n) + PcapReader.RECORD_HEADER, r.dataOffset(p));
                }
                assertEquals(frames.size(), n);
                assertTrue(r.error().isEmpty());
            }
        }
    }

    /**
     * A bad option's message names its file offset, not its place in the chunk (or in the copy of a block that
     * straddles two chunks) the reader parsed it in: found by fuzzing, a 2.5 MB capture said "option 1 at offset
     * 404468" for an option at 2501620.
     */
    @Test
    void aBadOptionIsNamedByItsOffsetInTheFile() throws Exception {
        PcapngBuilder b = new PcapngBuilder().shb(ByteOrder.LITTLE_ENDIAN).idb(1, 0);
        for (int i = 0; i < 50; i++) b.epb(0, i, 1000, frame(1000, i));
        int at = b.size();
        b.epb(0, 50, 60, frame(60, 50), Opt.string(1, "a comment"));
        byte[] bytes = b.build();
        int option = at + 28 + 60;
        bytes[option + 2] = (byte) 200; // opt_comment claims 200 bytes (little-endian length)
        Path file = write("bad-option.pcapng", bytes);
        for (int chunk : new int[] {16, 100, 4096, 1 << 20}) {
            try (CaptureReader r = CaptureFiles.open(file, chunk)) {
                while (r.next() != null) { }
                CaptureError e = r.error().orElseThrow();
                assertEquals(at, e.offset(), "chunk " + chunk);
                assertTrue(e.message().contains("option 1 at offset " + option + " claims 200 bytes"), "chunk " + chunk + ": " + e.message());
            }
        }
    }

    @Test
    void aBlockTooLongToHoldIsSkippedWhenItCarriesNothingNeeded() throws Exception {
        byte[] big = new byte[ReadAheadFile.MAX_COVER + 64];
        PcapngBuilder b = new PcapngBuilder().shb(ByteOrder.LITTLE_ENDIAN).idb(1, 0)
                .epb(0, 1, 60, frame(60, 1))
                .raw(0x0BAD, big) // a custom/local block type nobody reads
                .epb(0, 2, 61, frame(61, 2));
        Path file = write("big-block.pcapng", b.build());
        try (CaptureReader r = CaptureReader.open(file)) {
            assertArrayEquals(frame(60, 1), r.next().data().toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(frame(61, 2), r.next().data().toArray(ValueLayout.JAVA_BYTE));
            assertEquals(null, r.next());
            assertTrue(r.error().isEmpty(), r.error().toString());
        }
    }

    @Test
    void aPacketBlockTooLongToHoldIsDamageNamingItsLength() throws Exception {
        Opt[] comments = new Opt[ReadAheadFile.MAX_COVER / 65_532 + 2]; // an option holds at most 65,535 bytes
        for (int i = 0; i < comments.length; i++) comments[i] = new Opt(1, new byte[65_532]);
        PcapngBuilder b = new PcapngBuilder().shb(ByteOrder.LITTLE_ENDIAN).idb(1, 0)
                .epb(0, 1, 60, frame(60, 1));
        long at = b.size();
        b.epb(0, 2, 60, frame(60, 2), comments);
        Path file = write("big-epb.pcapng", b.build());
        try (CaptureReader r = CaptureReader.open(file)) {
            assertEquals(1, r.next().number());
            assertEquals(null, r.next());
            CaptureError e = r.error().orElseThrow();
            assertEquals(at, e.offset());
            assertTrue(e.message().contains("more than the " + ReadAheadFile.MAX_COVER), e.message());
        }
    }

    @Test
    void aFileThatShrinksWhileItIsReadEndsAsDamageNotACrash() throws Exception {
        PcapngBuilder b = new PcapngBuilder().shb(ByteOrder.LITTLE_ENDIAN).idb(1, 0);
        for (int i = 0; i < 200; i++) b.epb(0, i, 1000, frame(1000, i));
        Path file = write("shrinks.pcapng", b.build());
        long cut = b.packetStarts.get(120) + 10;
        try (CaptureReader r = CaptureFiles.open(file, 4096)) { // read ahead on a thread: 4 chunks ahead
            assertEquals(1, r.next().number());
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.setLength(cut);
            }
            long n = 1;
            while (r.next() != null) n++;
            CaptureError e = r.error().orElseThrow();
            assertTrue(e.message().contains("ended"), e.message());
            assertTrue(n <= 120 && n >= 1, "packets before the cut only: " + n);
        }
    }

    @Test
    void closingStopsTheReadAheadThread() throws Exception {
        PcapngBuilder b = new PcapngBuilder().shb(ByteOrder.LITTLE_ENDIAN).idb(1, 0);
        for (int i = 0; i < 300; i++) b.epb(0, i, 1000, frame(1000, i));
        Path file = write("close.pcapng", b.build());
        CaptureReader r = CaptureFiles.open(file, 1024); // 300 KB: the thread fills its queue and waits
        r.next();
        Thread.sleep(50);
        assertTrue(readAheadThreads() > 0, "a read-ahead thread while reading");
        r.close();
        for (int i = 0; i < 100 && readAheadThreads() > 0; i++) Thread.sleep(10);
        assertEquals(0, readAheadThreads(), "read-ahead thread still alive after close");
        assertFalse(r.next() != null);
    }

    private static long readAheadThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("cellscope-read-ahead") && t.isAlive()).count();
    }

    private Path write(String name, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content);
        return file;
    }
}
