package dev.cellscope.wire;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.*;

/** UDP encapsulation: headers decode back and the checksums verify independently. */
class LinkLayerTest {
    private static final Bytes PAYLOAD = Bytes.fromHex("00112233445566778899aabbccddeeff ffeeddccbbaa99887766554433221100 "
            + "00000001 0001 0000 61");  // odd length on purpose

    /** RFC 1071 sum, written out again here so the check does not reuse production code. */
    private static int onesComplementSum(byte[]... parts) {
        long sum = 0;
        for (byte[] p : parts) {
            for (int i = 0; i < p.length; i += 2) sum += (p[i] & 0xFF) << 8 | (i + 1 < p.length ? p[i + 1] & 0xFF : 0);
        }
        while (sum >>> 16 != 0) sum = (sum & 0xFFFF) + (sum >>> 16);
        return (int) sum;
    }

    @Test
    void overIpv4() {
        byte[] frame = UdpEncapsulation.overIpv4(0x020000000001L, 0x020000000002L, 0x0A000001, 0x0A000002, PAYLOAD);
        MemorySegment seg = MemorySegment.ofArray(frame);
        EthernetHeader eth = EthernetHeader.decode(frame).orElseThrow();
        assertEquals(new EthernetHeader(0x020000000002L, 0x020000000001L, 0x0800), eth);
        Ipv4Header ip = Ipv4Header.decode(seg, 14, frame.length - 14).orElseThrow();
        assertTrue(ip.checksumValid());
        assertEquals(frame.length - 14, ip.totalLength());
        UdpHeader udp = UdpHeader.decode(seg, 34, frame.length - 34).orElseThrow();
        assertEquals(34997, udp.srcPort());
        assertEquals(34997, udp.dstPort());
        assertEquals(8 + PAYLOAD.length(), udp.length());

        byte[] pseudo = Bytes.fromHex("0a000001 0a000002 0011" + String.format("%04x", udp.length())).toArray();
        byte[] udpAndPayload = java.util.Arrays.copyOfRange(frame, 34, frame.length);
        assertEquals(0xFFFF, onesComplementSum(pseudo, udpAndPayload));
        assertEquals(PAYLOAD, Bytes.copyOf(seg, 42, PAYLOAD.length()));
    }

    @Test
    void overIpv6() {
        Bytes src = Bytes.fromHex("fe800000000000000000000000000001"), dst = Bytes.fromHex("fe800000000000000000000000000002");
        byte[] frame = UdpEncapsulation.overIpv6(1, 2, src, dst, 40000, 34997, PAYLOAD);
        MemorySegment seg = MemorySegment.ofArray(frame);
        assertEquals(0x86DD, EthernetHeader.decode(frame).orElseThrow().etherType());
        Ipv6Header ip = Ipv6Header.decode(seg, 14, frame.length - 14).orElseThrow();
        assertEquals(17, ip.nextHeader());
        UdpHeader udp = UdpHeader.decode(seg, 54, frame.length - 54).orElseThrow();
        assertNotEquals(0, udp.checksum());
        assertEquals(40000, udp.srcPort());

        byte[] pseudo = Bytes.fromHex(src.hex() + dst.hex() + String.format("%08x", udp.length()) + "00000011").toArray();
        assertEquals(0xFFFF, onesComplementSum(pseudo, java.util.Arrays.copyOfRange(frame, 54, frame.length)));
    }

    @Test
    void misuseIsRejectedAtConstruction() {
        assertThrows(IllegalArgumentException.class, () -> new EthernetHeader(1L << 48, 0, 0x0800));
        assertThrows(IllegalArgumentException.class, () -> new EthernetHeader(0, 0, 0x8100));
        assertThrows(IllegalArgumentException.class, () -> new VlanTag(0x8100, 8, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new UtcpHeader(Bytes.zeros(15), Bytes.zeros(16), 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TetherFrame(
                new TetherHeader(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), Bytes.zeros(63)));
    }
}
