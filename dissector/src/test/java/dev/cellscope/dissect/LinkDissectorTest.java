package dev.cellscope.dissect;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;

import static dev.cellscope.dissect.TestFrames.*;
import static dev.cellscope.field.LinkFields.*;
import static dev.cellscope.field.UtcpFields.SEQ;
import static org.junit.jupiter.api.Assertions.*;

class LinkDissectorTest {

    /** IPv4 header by hand: version/IHL 0x45, total length, TTL 64, proto 17, addresses. */
    static byte[] ipv4Udp(int srcPort, int dstPort, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + 8 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (28 + payload.length)).putShort((short) 0x1234).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 17).putShort((short) 0).put(new byte[]{10, 0, 0, 1}).put(new byte[]{10, 0, 0, 2});
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload.length)).putShort((short) 0).put(payload);
        return b.array();
    }

    static byte[] ipv6Udp(int srcPort, int dstPort, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(40 + 8 + payload.length);
        b.putInt(0x60000000).putShort((short) (8 + payload.length)).put((byte) 17).put((byte) 64);
        byte[] src = new byte[16], dst = new byte[16];
        src[0] = (byte) 0xfd; src[15] = 1;
        dst[0] = (byte) 0xfd; dst[15] = 2;
        b.put(src).put(dst);
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload.length)).putShort((short) 0).put(payload);
        return b.array();
    }

    /** A file's comments are shown escaped as the NACK's text is (SbiDissectorTest.nackErrorStringControlCharactersAreEscaped). */
    @Test
    void packetCommentControlCharactersAreEscaped() {
        byte[] frame = eth(MAC_B, MAC_A, 0x88B5, utcp(7, 0x0010, new byte[0]));
        dev.cellscope.io.Packet p = new dev.cellscope.io.Packet(1, 1_000_000_000L, 0, dev.cellscope.io.Packet.LINKTYPE_ETHERNET,
                frame.length, java.lang.foreign.MemorySegment.ofArray(frame), "first\nsecond\t\u001b[2J");
        ProtoTree t = new ProtoTree();
        new Dissector().dissect(p, new FrameTiming(1_000_000_000L, 1_000_000_000L), t);
        assertEquals("first\\nsecond\\t\\x1b[2J", value(t, dev.cellscope.field.FrameFields.COMMENT));
    }

    @Test
    void utcpOverUdpOnTheDecidedPort() {
        ProtoTree t = dissect(eth(MAC_B, MAC_A, 0x0800, ipv4Udp(40000, 34997, utcp(42, 0x0010, new byte[0]))));
        assertEquals("10.0.0.1", value(t, IP_SRC));
        assertEquals("10.0.0.2", value(t, IP_DST));
        assertEquals("34997", value(t, UDP_DSTPORT));
        assertEquals("42", value(t, SEQ));
        assertEquals("eth:ip:udp:utcp", value(t, dev.cellscope.field.FrameFields.PROTOCOLS));
    }

    @Test
    void tetherOverUdpOverIpv6HasNoMacCheck() {
        byte[] tether = tether(0, 1, 0xAC1D00000001L, 0xAC1D00000002L, 0, 128, 0, control(1, le(8).putInt(1).array()));
        ProtoTree t = dissect(eth(MAC_B, MAC_A, 0x86DD, ipv6Udp(34997, 34997, tether)));
        assertEquals("fd00::1", value(t, IPV6_SRC)); // RFC 5952, as tshark prints it
        assertEquals("GRANT=128 LAMP Hail v1", t.infoColumn());
        assertTrue(t.experts().isEmpty(), experts(t).toString());
    }

    @Test
    void otherUdpPortsAreNotDecodedUnlessDecodeAs() {
        byte[] frame = eth(MAC_B, MAC_A, 0x0800, ipv4Udp(5000, 6000, utcp(9, 0x0010, new byte[0])));
        ProtoTree plain = dissect(frame);
        assertTrue(plain.find(SEQ).isEmpty());
        assertEquals(1, plain.find(UDP_PAYLOAD).size());
        assertEquals("5000 → 6000 Len=40", plain.infoColumn());
        ProtoTree decoded = dissect(new Dissector(DissectorConfig.defaults().withUdpPorts(Set.of(6000))), frame);
        assertEquals("9", value(decoded, SEQ));
    }

    @Test
    void twoVlanTags() {
        byte[] frame = vlanEth(MAC_B, MAC_A, new int[]{0x88A8, 0x8100}, new int[]{100, 200}, 0x88B5, utcp(1, 0x10, new byte[0]));
        ProtoTree t = dissect(frame);
        assertEquals(List.of("100", "200"), values(t, VLAN_ID));
        assertEquals(List.of("5", "5"), values(t, VLAN_PCP));
        assertEquals(List.of("0x88a8", "0x8100"), values(t, VLAN_TPID));
        assertEquals("0x88a8", value(t, ETH_TYPE));
        assertEquals("1", value(t, SEQ));
    }

    @Test
    void thirdVlanTagIsNotDecoded() {
        byte[] frame = vlanEth(MAC_B, MAC_A, new int[]{0x88A8, 0x8100, 0x8100}, new int[]{1, 2, 3}, 0x88B5, utcp(1, 0x10, new byte[0]));
        ProtoTree t = dissect(frame);
        assertEquals(2, t.find(VLAN_ID).size());
        assertTrue(experts(t).contains("[warn/malformed] More than two VLAN tags; the rest is not decoded"), experts(t).toString());
    }

    @Test
    void runtEthernetFrame() {
        ProtoTree t = dissect(new byte[9]);
        assertEquals(List.of("[error/malformed] Ethernet header truncated: 9 of 14 bytes"), experts(t));
    }

    @Test
    void ipv4LyingTotalLength() {
        byte[] ip = ipv4Udp(1, 2, new byte[4]);
        ip[2] = (byte) 0x7F;
        ProtoTree t = dissect(eth(MAC_B, MAC_A, 0x0800, ip));
        assertTrue(experts(t).stream().anyMatch(e -> e.startsWith("[error/malformed] IPv4 total length 32544 exceeds")), experts(t).toString());
    }

    @Test
    void unknownEtherTypeIsData() {
        ProtoTree t = dissect(eth(MAC_B, MAC_A, 0x1234, new byte[50]));
        assertEquals("0x1234", t.protocolColumn());
        assertEquals(100, value(t, DATA).length());
    }
}
