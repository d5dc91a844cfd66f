package dev.cellscope.io;

import static dev.cellscope.io.PcapReaderTest.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cellscope.io.PcapngBuilder.Opt;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapngReaderTest {

    private static final long NS = 1_000_000_000L;

    @TempDir
    Path dir;

    private Captures.Result read(PcapngBuilder b) throws Exception {
        Captures.Result r = Captures.read(dir, "t.pcapng", b.build());
        assertTrue(r.error().isEmpty(), () -> r.error().toString());
        assertEquals(CaptureReader.Format.PCAPNG, r.format());
        return r;
    }

    @Test
    void bigEndianSectionWithMillisecondsAndName() throws Exception {
        byte[] eth = frame(60, 1);
        PcapngBuilder b = new PcapngBuilder().shb(ByteOrder.BIG_ENDIAN)
                .idb(1, 1500, Opt.string(PcapngReader.IF_NAME, "eth0"), Opt.u8(PcapngReader.IF_TSRESOL, 3))
                .epb(0, 1_700_000_000_123L, 1514, eth);
        Captures.Result r = read(b);
        assertEquals(List.of(new InterfaceInfo(0, 1, 1500, "eth0", 1000)), r.interfaces());
        Captures.Copy p = r.packets().get(0);
        assertEquals(1_700_000_000_123L * 1_000_000L, p.timestampNanos());
        assertEquals(1514, p.originalLength());
        assertArrayEquals(eth, p.data());
        assertEquals(1, p.number());
    }

    @Test
    void powerOfTwoResolutionIsExactToTheNanosecondFloor() throws Exception {
        PcapngBuilder b = new PcapngBuilder().shb(ByteOrder.LITTLE_ENDIAN)
                .idb(1, 0, Opt.u8(PcapngReader.IF_TSRESOL, 0x80 | 20))
                .epb(0, (1_700_000_000L << 20) + 3, 60, frame(60, 2))       // 3 / 2^20 s = 2861.02 ns
                .epb(0, (5L << 20) | (1L << 19), 60, frame(60, 3));          // 5.5 s
        Captures.Result r = read(b);
        assertEquals(1L << 20, r.interfaces().get(0).unitsPerSecond());
        assertEquals(1_700_000_000L * NS + 2861, r.packets().get(0).timestampNanos());
        assertEquals(5_500_000_000L, r.packets().get(1).timestampNanos());
    }

    @Test
    void picosecondsAndOffsetSeconds() throws Exception {
        PcapngBuilder b = new PcapngBuilder().shb(ByteOrder.LITTLE_ENDIAN)
                .idb(1, 0, Opt.u8(PcapngReader.IF_TSRESOL, 12))
                .epb(0, 4_000_000_000_123_456_789L, 60, frame(60, 2))
                .idb(1, 0, Opt.u64(PcapngReader.IF_TSOFFSET, 1_000_000_000L, ByteOrder.LITTLE_ENDIAN))
                .epb(1, 5, 60, frame(60, 4));
        Captures.Result r = read(b);
        assertEquals(4_000_000_000_123_456L, r.packets().get(0).timestampNanos());
        assertEquals(1_000_000_000L * NS + 5_000, r.packets().get(1).timestampNanos());
        assertEquals(1_000_000L, r.interfaces().get(1).unitsPerSecond());
    }

    @Test
    void simplePacketBlocksTakeLengthFromBlockSnapLengthAndOriginal() throws Exception {
        byte[] hundred = frame(100, 5);
        PcapngBuilder b = new PcapngBuilder().shb(ByteOrder.LITTLE_ENDIAN)
                .idb(1, 64)
                .spb(100, hundred)            // cut to snaplen 64
                .spb(30, frame(30, 6))        // padded to 32 in the block, original 30
                .spb(200, frame(40, 7));      // block holds only 40
        Captures.Result r = read(b);
        assertEquals(List.of(64, 30, 40), r.packets().stream().map(p -> p.data().length).toList());
        assertArrayEquals(Arrays.copyOf(hundred, 64), r.packets().get(0).data());
        assertArrayEquals(frame(30, 6), r.packets().get(1).data());
        assertEquals(List.of(100, 30, 200), r.packets().stream().map(Captures.Copy::originalLength).toList());
        assertTrue(r.packets().stream().allMatch(p -> p.timestampNanos() == 0));
    }

    @Test
    void skipsNameResolutionStatisticsSecretsAndCustomBlocks() throws Exception {
        PcapngBuilder b = new PcapngBuilder().shb(ByteOrder.BIG_ENDIAN)
                .nrb(new byte[] {10, 0, 0, 1}, "router.example")
                .idb(1, 0)
                .raw(0x0BAD, new byte[] {0, 0, 0x7E, (byte) 0xD9, 1, 2, 3, 0})        // custom, copyable
                .epb(0, 1, 60, frame(60, 1))
                .raw(0x4000_0BAD, new byte[] {0, 0, 0x7E, (byte) 0xD9})               // custom, not copyable
                .raw(5, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})               // ISB
                .raw(0x0A, new byte[] {0x54, 0x4c, 0x53, 0x4b, 0, 0, 0, 4, 1, 2, 3, 4}) // DSB
                .raw(0x8000_0001, new byte[0])                                       // local use
                .epb(0, 2, 60, frame(60, 2));
        Captures.Result r = read(b);
        assertEquals(List.of(1L, 2L), r.packets().stream().map(Captures.Copy::number).toList());
        assertEquals(List.of(1000L, 2000L), r.packets().stream().map(Captures.Copy::timestampNanos).toList());
    }

    @Test
    void interfaceIdsAreGlobalAcrossSectionsOfDifferentByteOrder() throws Exception {
        PcapngBuilder b = new PcapngBuilder().shb(ByteOrder.LITTLE_ENDIAN)
                .idb(1, 0, Opt.string(PcapngReader.IF_NAME, "a"))
                .epb(0, 10, 60, frame(60, 1))
                .shb(ByteOrder.BIG_ENDIAN)
                .idb(147, 9000, Opt.string(PcapngReader.IF_NAME, "b"), Opt.u8(PcapngReader.IF_TSRESOL, 9))
                .epb(0, 20, 70, frame(70, 2));
        Captures.Result r = read(b);
        assertEquals(List.of(new InterfaceInfo(0, 1, 0, "a", 1_000_000), new InterfaceInfo(1, 147, 9000, "b", NS)),
                r.interfaces());
        Captures.Copy second = r.packets().get(1);
        assertEquals(1, second.interfaceId());
        assertEquals(147, second.linkType());
        assertEquals(20, second.timestampNanos());
        assertArrayEquals(frame(70, 2), second.data());
    }

    @Test
    void packetBlockInASecondSectionCannotUseTheFirstSectionsInterfaces() throws Exception {
        PcapngBuilder b = new PcapngBuilder().shb(ByteOrder.LITTLE_ENDIAN).idb(1, 0).epb(0, 1, 60, frame(60, 1))
                .shb(ByteOrder.LITTLE_ENDIAN);
        int at = b.size();
        b.epb(0, 2, 60, frame(60, 2));
        Captures.Result r = Captures.read(dir, "t.pcapng", b.build());
        assertEquals(1, r.packets().size());
        assertEquals(at, r.error().orElseThrow().offset());
        assertTrue(r.error().get().message().contains("refers to interface 0 but its section declares 0"),
                r.error().get().message());
    }

    @Test
    void commentsAreJoinedAndOtherOptionsIgnored() throws Exception {
        PcapngBuilder b = new PcapngBuilder().shb(ByteOrder.BIG_ENDIAN).idb(1, 0)
                .epb(0, 1, 60, frame(60, 1),
                        Opt.string(1, "first"), new Opt(2, new byte[] {0, 0, 0, 1}), Opt.string(1, "zweite Ünïcødé ✓"))
                .epb(0, 2, 60, frame(61, 1), Opt.string(1, ""))
                .pb(0, 3, 62, frame(62, 1), Opt.string(1, "old block"));
        Captures.Result r = read(b);
        assertEquals("first\nzweite Ünïcødé ✓", r.packets().get(0).comment());
        assertEquals("", r.packets().get(1).comment());
        assertEquals("old block", r.packets().get(2).comment());
        assertArrayEquals(frame(62, 1), r.packets().get(2).data());
        assertEquals(3000, r.packets().get(2).timestampNanos());
    }

    @Test
    void sectionWithoutPacketsAndFileWithOnlyHeader() throws Exception {
        Captures.Result r = read(new PcapngBuilder().shb(ByteOrder.BIG_ENDIAN));
        assertEquals(List.of(), r.packets());
        assertEquals(List.of(), r.interfaces());
    }
}
