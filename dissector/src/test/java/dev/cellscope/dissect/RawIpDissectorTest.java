package dev.cellscope.dissect;

import dev.cellscope.field.FrameFields;
import dev.cellscope.io.Packet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static dev.cellscope.dissect.LinkDissectorTest.ipv4Udp;
import static dev.cellscope.dissect.LinkDissectorTest.ipv6Udp;
import static dev.cellscope.dissect.TestFrames.*;
import static dev.cellscope.field.LinkFields.*;
import static dev.cellscope.field.UtcpFields.SEQ;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Captures with no link header: raw IP (101, 228, 229) and BSD loopback (0, 108). The layer names and null.family are
 * what tshark 4.0 shows for the same packets (raw:ip:udp, null:ip:udp with "Family: IP (2)", ip:udp for 228); before,
 * every such frame was "Link type N is not decoded" and its UTCP went unseen.
 */
class RawIpDissectorTest {
    private static final byte[] UTCP = utcp(42, 0x0010, new byte[0]);

    private static ProtoTree dissect(int linkType, byte[] frame) {
        ProtoTree tree = new ProtoTree();
        new Dissector().dissect(new Packet(1, 1_000_000_000L, 0, linkType, frame.length, MemorySegment.ofArray(frame), null),
                new FrameTiming(1_000_000_000L, 1_000_000_000L), tree);
        return tree;
    }

    private static byte[] withFamily(long family, ByteOrder order, byte[] packet) {
        return ByteBuffer.allocate(4 + packet.length).order(order).putInt((int) family).put(packet).array();
    }

    @ParameterizedTest(name = "link type {0}, IPv{1}, family {2} {3}")
    @CsvSource({
            "101, 4, -1, -, raw:ip:udp:utcp",
            "101, 6, -1, -, raw:ipv6:udp:utcp",
            "12, 4, -1, -, raw:ip:udp:utcp",              // Linux's DLT_RAW, a tun device through libpcap live
            "228, 4, -1, -, ip:udp:utcp",
            "229, 6, -1, -, ipv6:udp:utcp",
            "0, 4, 2, LITTLE_ENDIAN, null:ip:udp:utcp",   // captured on a little-endian host
            "0, 4, 2, BIG_ENDIAN, null:ip:udp:utcp",      // on a big-endian one: still family 2
            "0, 6, 30, LITTLE_ENDIAN, null:ipv6:udp:utcp", // macOS lo0
            "0, 6, 10, LITTLE_ENDIAN, null:ipv6:udp:utcp", // Linux's AF_INET6
            "108, 6, 24, BIG_ENDIAN, null:ipv6:udp:utcp",  // OpenBSD's LOOP, network order
            "108, 4, 2, BIG_ENDIAN, null:ip:udp:utcp",
    })
    void udpEncapsulatedUtcpBehindNoLinkHeader(int linkType, int ipVersion, long family, String order, String protocols) {
        byte[] packet = ipVersion == 4 ? ipv4Udp(40000, 34997, UTCP) : ipv6Udp(40000, 34997, UTCP);
        byte[] frame = family < 0 ? packet : withFamily(family, order.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN, packet);
        ProtoTree t = dissect(linkType, frame);
        assertEquals(protocols, value(t, FrameFields.PROTOCOLS));
        assertEquals("42", value(t, SEQ));
        assertEquals("34997", value(t, UDP_DSTPORT));
        if (family >= 0) assertEquals(Long.toString(family), value(t, NULL_FAMILY));
        assertTrue(t.experts().isEmpty(), experts(t).toString());
    }

    @Test
    void aRawFrameThatIsNotIpIsDataWithANote() {
        ProtoTree t = dissect(101, new byte[]{0x71, 2, 3});
        assertEquals("raw:data", value(t, FrameFields.PROTOCOLS));
        assertEquals(java.util.List.of("[note/protocol] Not an IP packet: shown as data"), experts(t));
    }

    @Test
    void aLoopbackFamilyThatIsNotIpIsDataWithANote() {
        ProtoTree t = dissect(0, withFamily(7, ByteOrder.LITTLE_ENDIAN, new byte[]{1, 2}));
        assertEquals("null:data", value(t, FrameFields.PROTOCOLS));
        assertEquals("7", value(t, NULL_FAMILY));
        assertEquals(java.util.List.of("[note/protocol] Not an IP packet: shown as data"), experts(t));
    }

    /** IPv4 where IPv6 is declared (229, an IPv6 family, EtherType 0x86dd): tshark's "Bogus IPv6 version", not garbage. */
    @Test
    void ipv4WhereIpv6IsDeclaredIsABogusVersion() {
        byte[] v4 = ipv4Udp(40000, 34997, UTCP);
        for (ProtoTree t : java.util.List.of(dissect(229, v4), dissect(0, withFamily(30, ByteOrder.LITTLE_ENDIAN, v4)),
                TestFrames.dissect(eth(MAC_B, MAC_A, 0x86DD, java.util.Arrays.copyOf(v4, 60))))) {
            assertEquals(java.util.List.of("[error/malformed] Bogus IPv6 version: 4"), experts(t));
            assertTrue(t.find(SEQ).isEmpty(), "nothing decoded past it");
        }
    }

    @Test
    void aLoopbackHeaderCutShortIsAnError() {
        ProtoTree t = dissect(0, new byte[]{2, 0, 0});
        assertEquals("null", value(t, FrameFields.PROTOCOLS));
        assertEquals(java.util.List.of("[error/malformed] BSD loopback header truncated: 3 of 4 bytes"), experts(t));
    }

    @Test
    void anEmptyRawFrameDoesNotThrow() {
        ProtoTree t = dissect(101, new byte[0]);
        assertEquals("raw", value(t, FrameFields.PROTOCOLS));
    }
}
