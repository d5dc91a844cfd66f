package dev.cellscope.io;

import static dev.cellscope.io.PcapReaderTest.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellscope.io.PcapngBuilder.Opt;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DamageTest {

    @TempDir
    Path dir;

    // ---- truncation at every byte ----

    @Test
    void pcapCutAtEveryPositionYieldsExactlyTheWholeRecordsBeforeTheCut() throws Exception {
        PcapBuilder b = new PcapBuilder(ByteOrder.BIG_ENDIAN, true, 1, 0);
        int[] sizes = {0, 1, 7, 60, 3};
        for (int i = 0; i < sizes.length; i++) {
            b.record(i, i, sizes[i] + 4, frame(sizes[i], i));
        }
        byte[] full = b.build();
        List<Integer> ends = new ArrayList<>(b.recordStarts.subList(1, sizes.length));
        ends.add(full.length);
        assertCutsBehave(full, PcapReader.FILE_HEADER, b.recordStarts, ends);
    }

    @Test
    void pcapngCutAtEveryPositionYieldsExactlyTheWholeBlocksBeforeTheCut() throws Exception {
        PcapngBuilder b = new PcapngBuilder().shb(ByteOrder.LITTLE_ENDIAN)
                .idb(1, 0, Opt.string(PcapngReader.IF_NAME, "x"))
                .epb(0, 1, 60, frame(60, 1), Opt.string(1, "c1"))
                .nrb(new byte[] {1, 2, 3, 4}, "h")
                .epb(0, 2, 0, new byte[0])
                .spb(5, frame(5, 2))
                .idb(1, 0)
                .raw(0x0BAD, new byte[8])
                .epb(1, 3, 9, frame(9, 3), Opt.string(1, "c2"), Opt.string(1, "c3"))
                .shb(ByteOrder.BIG_ENDIAN).idb(1, 0)
                .epb(0, 4, 13, frame(13, 4));
        byte[] full = b.build();
        List<Integer> starts = b.blockStarts;
        List<Integer> packetStarts = b.packetStarts;
        List<Integer> packetEnds = packetStarts.stream().map(s -> nextBoundary(starts, s, full.length)).toList();
        assertCutsBehave(full, nextBoundary(starts, 0, full.length), starts, packetEnds);
    }

    private static int nextBoundary(List<Integer> starts, int start, int fileEnd) {
        return starts.stream().filter(s -> s > start).findFirst().orElse(fileEnd);
    }

    /**
     * @param headerEnd   cuts before this make the file unopenable
     * @param unitStarts  start of every record or block after the header
     * @param packetEnds  end offset of every packet, in order
     */
    private void assertCutsBehave(byte[] full, int headerEnd, List<Integer> unitStarts, List<Integer> packetEnds)
            throws Exception {
        List<Captures.Copy> all = Captures.read(dir, "full", full).packets();
        assertEquals(packetEnds.size(), all.size());
        for (int cut = 0; cut <= full.length; cut++) {
            byte[] cutFile = Arrays.copyOf(full, cut);
            if (cut < headerEnd) {
                int at = cut;
                assertThrows(CaptureFormatException.class, () -> Captures.read(dir, "cut", cutFile), "cut at " + at);
                continue;
            }
            Captures.Result r = Captures.read(dir, "cut", cutFile);
            int whole = 0;
            while (whole < packetEnds.size() && packetEnds.get(whole) <= cut) {
                whole++;
            }
            assertEquals(all.subList(0, whole), r.packets(), "cut at " + cut);
            boolean onBoundary = cut == full.length || unitStarts.contains(cut) || cut == headerEnd;
            if (onBoundary) {
                assertTrue(r.error().isEmpty(), "cut at " + cut + ": " + r.error());
            } else {
                int c = cut;
                int damaged = unitStarts.stream().filter(s -> s < c).max(Integer::compare).orElseThrow();
                CaptureError e = r.error().orElseThrow(() -> new AssertionError("no error for cut at " + c));
                assertEquals(damaged, e.offset(), "cut at " + cut + ": " + e);
                assertTrue(e.message().contains("offset " + damaged), e.message());
            }
        }
    }

    // ---- pcap lies ----

    @Test
    void pcapCapturedLengthOfTwoGigabytesIsReportedLikeWireshark() throws Exception {
        for (long lie : new long[] {0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL, CaptureFiles.MAX_PACKET_LENGTH + 1}) {
            PcapBuilder b = new PcapBuilder(ByteOrder.LITTLE_ENDIAN, false, 1, 0).record(1, 0, 4, new byte[4]);
            b.record(2, 0, lie, 60, frame(60, 1));
            Captures.Result r = Captures.read(dir, "lie.pcap", b.build());
            assertEquals(1, r.packets().size());
            CaptureError e = r.error().orElseThrow();
            assertEquals(b.recordStarts.get(1), (int) e.offset());
            assertTrue(e.message().startsWith("File has " + lie + "-byte packet, bigger than maximum of 262144"),
                    e.message());
        }
    }

    @Test
    void pcapRecordClaimingMoreThanRemainsNamesBothNumbers() throws Exception {
        PcapBuilder b = new PcapBuilder(ByteOrder.LITTLE_ENDIAN, false, 1, 0).record(1, 0, 1514, 1514, frame(200, 1));
        Captures.Result r = Captures.read(dir, "short.pcap", b.build());
        assertEquals("packet record at offset 24 claims 1514 captured bytes but only 200 remain",
                r.error().orElseThrow().message());
        assertEquals(24, r.error().get().offset());
    }

    @Test
    void pcapCapturedLengthAtTheLimitIsAccepted() throws Exception {
        int max = CaptureFiles.MAX_PACKET_LENGTH;
        Captures.Result r = Captures.read(dir, "max.pcap",
                new PcapBuilder(ByteOrder.LITTLE_ENDIAN, false, 1, 0).record(1, 0, max, new byte[max]).build());
        assertEquals(max, r.packets().get(0).data().length);
        assertTrue(r.error().isEmpty());
    }

    // ---- pcapng lies ----

    private static PcapngBuilder goodStart() {
        return new PcapngBuilder().shb(ByteOrder.LITTLE_ENDIAN).idb(1, 0).epb(0, 1, 60, frame(60, 1));
    }

    /** Appends {@code block} after one good packet and expects exactly that packet, then an error at the block. */
    private CaptureError damageAfterOnePacket(byte[] block) throws Exception {
        PcapngBuilder b = goodStart();
        int at = b.size();
        b.bytes(block).epb(0, 2, 60, frame(60, 2));
        Captures.Result r = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> Captures.read(dir, "bad.pcapng", b.build()));
        assertEquals(1, r.packets().size(), () -> r.toString());
        CaptureError e = r.error().orElseThrow(() -> new AssertionError("no error"));
        assertEquals(at, e.offset(), e.toString());
        assertTrue(e.message().contains("offset " + at), e.message());
        return e;
    }

    private static byte[] le(int... words) {
        ByteWriter w = new ByteWriter(ByteOrder.LITTLE_ENDIAN);
        for (int v : words) {
            w.u32(v);
        }
        return w.toByteArray();
    }

    @Test
    void zeroBlockLengthStopsInsteadOfLooping() throws Exception {
        assertTrue(damageAfterOnePacket(le(6, 0, 0)).message().contains("invalid length 0"));
        assertTrue(damageAfterOnePacket(le(0, 0, 0, 0)).message().contains("invalid length 0"));
    }

    @Test
    void blockLengthNotAMultipleOfFourOrBelowTwelve() throws Exception {
        assertTrue(damageAfterOnePacket(le(5, 14, 0, 14)).message().contains("invalid length 14"));
        assertTrue(damageAfterOnePacket(le(5, 8, 8)).message().contains("invalid length 8"));
    }

    @Test
    void blockLongerThanTheFile() throws Exception {
        CaptureError e = damageAfterOnePacket(le(5, 4096, 0, 4096));
        assertTrue(e.message().contains("claims 4096 bytes but only"), e.message());
    }

    @Test
    void trailingLengthDiffersFromLeading() throws Exception {
        CaptureError e = damageAfterOnePacket(le(5, 16, 0, 20));
        assertTrue(e.message().contains("leading length 16 but trailing length 20"), e.message());
    }

    @Test
    void enhancedPacketClaimingMoreBytesThanItsBlock() throws Exception {
        CaptureError e = damageAfterOnePacket(le(6, 36, 0, 0, 0, 100, 100, 0, 36));
        assertTrue(e.message().contains("claims 100 captured bytes but the block holds only 4"), e.message());
    }

    @Test
    void enhancedPacketWithTwoGigabyteCapturedLength() throws Exception {
        CaptureError e = damageAfterOnePacket(le(6, 36, 0, 0, 0, 0x8000_0000, 100, 0, 36));
        assertTrue(e.message().startsWith("File has 2147483648-byte packet, bigger than maximum of 262144"),
                e.message());
    }

    @Test
    void enhancedPacketOnUndeclaredInterface() throws Exception {
        CaptureError e = damageAfterOnePacket(le(6, 32, 7, 0, 0, 0, 0, 32));
        assertTrue(e.message().contains("refers to interface 7 but its section declares 1"), e.message());
    }

    @Test
    void enhancedPacketTooShortForItsFixedFields() throws Exception {
        assertTrue(damageAfterOnePacket(le(6, 16, 0, 16)).message().contains("less than 32"));
    }

    @Test
    void optionOverrunningItsBlock() throws Exception {
        // EPB, 0 captured bytes, then opt_comment claiming 200 bytes inside a 40-byte block.
        CaptureError e = damageAfterOnePacket(le(6, 40, 0, 0, 0, 0, 0, 1 | (200 << 16), 0, 40));
        assertTrue(e.message().contains("option 1 at offset"), e.message());
    }

    @Test
    void simplePacketBeforeAnyInterface() throws Exception {
        PcapngBuilder b = new PcapngBuilder().shb(ByteOrder.BIG_ENDIAN);
        int at = b.size();
        b.spb(4, new byte[4]);
        Captures.Result r = Captures.read(dir, "spb.pcapng", b.build());
        assertEquals(List.of(), r.packets());
        assertEquals("simple packet block at offset " + at + " refers to interface 0 but its section declares 0",
                r.error().orElseThrow().message());
    }

    @Test
    void badSecondSectionHeader() throws Exception {
        CaptureError magic = damageAfterOnePacket(le(0x0A0D0D0A, 28, 0x11223344, 1, -1, -1, 28));
        assertTrue(magic.message().contains("bad byte-order magic 0x44332211"), magic.message());
        CaptureError version = damageAfterOnePacket(le(0x0A0D0D0A, 28, 0x1A2B3C4D, 2, -1, -1, 28));
        assertTrue(version.message().contains("unsupported version 2.0"), version.message());
    }

    @Test
    void interfaceWithMalformedResolution() throws Exception {
        // IDB with if_tsresol of length 2.
        CaptureError e = damageAfterOnePacket(le(1, 32, 1, 0, 9 | (2 << 16), 6, 0, 32));
        assertTrue(e.message().contains("if_tsresol option in block at offset"), e.message());
    }

    /** Units finer than a long can count are not damage: the frames are read (as tshark reads them), at whole nanoseconds. */
    @Test
    void anInterfaceOfAResolutionBeyondALongKeepsItsFrames() throws Exception {
        PcapngBuilder b = goodStart();
        b.bytes(le(1, 32, 1, 0, 9 | (1 << 16), 0x7F, 0, 32)).epb(1, 2, 60, frame(60, 2)).epb(0, 2, 60, frame(60, 3));
        Captures.Result r = Captures.read(dir, "fine.pcapng", b.build());
        assertTrue(r.error().isEmpty(), r.toString());
        assertEquals(3, r.packets().size(), r.toString()); // goodStart's, then one on each interface
    }

    @Test
    void resolutionsBeyondALongAreFlooredToNanoseconds() {
        assertEquals(1_500_000_000L, Timebase.of(0x13, 0).toNanos(Long.parseUnsignedLong("15000000000000000000"))); // 10^-19 s
        assertEquals(0, Timebase.of(0x7F, 0).toNanos(-1)); // 10^-127 s: under a nanosecond
        assertEquals(500_000_000L, Timebase.of(0x80 | 64, 0).toNanos(1L << 63)); // 2^-64 s: half a second
        assertEquals(999_999_999L, Timebase.of(0x80 | 64, 0).toNanos(-1));
        assertEquals(7_000_000_000L, Timebase.of(0xFF, 7).toNanos(-1)); // 2^-127 s: the offset alone
        assertEquals(Long.MAX_VALUE, Timebase.of(0x80 | 63, 0).unitsPerSecond());
        assertEquals(Long.MAX_VALUE, Timebase.of(0x13, 0).unitsPerSecond());
    }

    @Test
    void brokenFirstSectionHeaderIsRejectedAtOpen() throws Exception {
        byte[] bytes = le(0x0A0D0D0A, 28, 0x11223344, 1, 0, 0, 28);
        var e = assertThrows(CaptureFormatException.class, () -> Captures.read(dir, "shb.pcapng", bytes));
        assertTrue(e.getMessage().contains("bad byte-order magic"), e.getMessage());
        var cut = assertThrows(CaptureFormatException.class,
                () -> Captures.read(dir, "shb2.pcapng", Arrays.copyOf(bytes, 8)));
        assertTrue(cut.getMessage().contains("shb2.pcapng"), cut.getMessage());
    }

    // ---- not captures at all ----

    @Test
    void emptyFile() throws Exception {
        var e = assertThrows(CaptureFormatException.class, () -> Captures.read(dir, "empty.pcap", new byte[0]));
        assertTrue(e.getMessage().contains("empty.pcap") && e.getMessage().contains("empty file"), e.getMessage());
    }

    @Test
    void threeByteFile() throws Exception {
        var e = assertThrows(CaptureFormatException.class,
                () -> Captures.read(dir, "three.pcap", new byte[] {(byte) 0xD4, (byte) 0xC3, (byte) 0xB2}));
        assertTrue(e.getMessage().contains("three.pcap") && e.getMessage().contains("only 3 bytes")
                && e.getMessage().contains("d4 c3 b2"), e.getMessage());
    }

    @Test
    void jsonTextFile() throws Exception {
        byte[] json = "{\"abc\": [1, 2, 3]}\n".getBytes(StandardCharsets.UTF_8);
        var e = assertThrows(CaptureFormatException.class, () -> Captures.read(dir, "x.json", json));
        assertEquals(dir.resolve("x.json") + ": not a pcap or pcapng file: first bytes 7b 22 61 62", e.getMessage());
    }

    @Test
    void pcapMagicWithCutHeader() throws Exception {
        byte[] header = Arrays.copyOf(new PcapBuilder(ByteOrder.LITTLE_ENDIAN, false, 1, 0).build(), 10);
        var e = assertThrows(CaptureFormatException.class, () -> Captures.read(dir, "h.pcap", header));
        assertTrue(e.getMessage().contains("header cut short: 10 bytes"), e.getMessage());
    }

    @Test
    void missingFileIsAnIOException() {
        assertThrows(java.nio.file.NoSuchFileException.class, () -> CaptureReader.open(dir.resolve("nope.pcap")));
    }

    @Test
    void nextAfterCloseReturnsNull() throws Exception {
        Path file = dir.resolve("ok.pcapng");
        Files.write(file, goodStart().build());
        CaptureReader reader = CaptureReader.open(file);
        reader.close();
        assertNull(reader.next());
        reader.close(); // closing twice is harmless
    }
}
