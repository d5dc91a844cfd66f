package dev.cellscope.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PcapReaderTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} nanos={1}")
    @CsvSource({"BIG_ENDIAN,false", "LITTLE_ENDIAN,false", "BIG_ENDIAN,true", "LITTLE_ENDIAN,true"})
    void readsBothByteOrdersAndResolutions(String orderName, boolean nanos) throws Exception {
        ByteOrder order = orderName.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        long fraction = nanos ? 999_999_999 : 999_999;
        byte[] eth = frame(60, 7);
        byte[] file = new PcapBuilder(order, nanos, 1, 65535)
                .record(1_700_000_000L, fraction, 1514, eth)                   // caplen < origlen
                .record(0xFFFF_FFFFL, 1, 0, new byte[0])                       // 2106, zero-length
                .record(0, 0, 3, new byte[] {1, 2, 3})
                .build();

        Captures.Result r = Captures.read(dir, "t.pcap", file);

        assertEquals(CaptureReader.Format.PCAP, r.format());
        assertTrue(r.error().isEmpty(), () -> r.error().toString());
        assertEquals(List.of(new InterfaceInfo(0, 1, 65535, null, nanos ? 1_000_000_000L : 1_000_000L)), r.interfaces());
        assertEquals(3, r.packets().size());
        Captures.Copy first = r.packets().get(0);
        assertEquals(1, first.number());
        assertEquals(1_700_000_000L * 1_000_000_000L + (nanos ? 999_999_999L : 999_999_000L), first.timestampNanos());
        assertEquals(1514, first.originalLength());
        assertArrayEquals(eth, first.data());
        assertEquals(1, first.linkType());
        assertEquals(0, first.interfaceId());
        assertEquals(null, first.comment());
        Captures.Copy second = r.packets().get(1);
        assertEquals(0xFFFF_FFFFL * 1_000_000_000L + (nanos ? 1 : 1_000), second.timestampNanos());
        assertEquals(0, second.data().length);
        assertEquals(3, r.packets().get(2).number());
        assertEquals(0, r.packets().get(2).timestampNanos());
    }

    @Test
    void linkTypeIgnoresFcsLengthBits() throws Exception {
        // LT_FCS_LENGTH_PRESENT (bit 26) with an FCS length of 4 (bits 28-31) on Ethernet.
        long field = (4L << 28) | 0x0400_0000L | 1;
        byte[] file = new PcapBuilder(ByteOrder.LITTLE_ENDIAN, false, field, 0).record(1, 2, 60, frame(60, 1)).build();
        Captures.Result r = Captures.read(dir, "fcs.pcap", file);
        assertEquals(1, r.interfaces().get(0).linkType());
        assertEquals(1, r.packets().get(0).linkType());
    }

    @Test
    void capturedLengthAboveOriginalIsKept() throws Exception {
        byte[] file = new PcapBuilder(ByteOrder.LITTLE_ENDIAN, true, 1, 0).record(1, 2, 10, frame(64, 3)).build();
        Captures.Result r = Captures.read(dir, "big.pcap", file);
        assertEquals(64, r.packets().get(0).data().length);
        assertEquals(10, r.packets().get(0).originalLength());
        assertTrue(r.error().isEmpty());
    }

    @Test
    void headerOnlyFileHasNoPackets() throws Exception {
        Captures.Result r = Captures.read(dir, "empty.pcap", new PcapBuilder(ByteOrder.BIG_ENDIAN, false, 1, 0).build());
        assertEquals(List.of(), r.packets());
        assertTrue(r.error().isEmpty());
    }

    @Test
    void unsupportedVersionIsRejectedAtOpen() throws Exception {
        byte[] file = new PcapBuilder(ByteOrder.LITTLE_ENDIAN, false, 1, 0).build();
        file[4] = 3; // major version 3
        var e = assertThrows(CaptureFormatException.class, () -> Captures.read(dir, "v3.pcap", file));
        assertTrue(e.getMessage().contains("unsupported pcap version 3.4"), e.getMessage());
    }

    static byte[] frame(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }
}
