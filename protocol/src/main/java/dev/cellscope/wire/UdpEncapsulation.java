package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Builds the [decided] UDP encapsulation: an Ethernet/IP/UDP frame whose UDP payload is
 * exactly the bytes that would follow EtherType 0x88B5 (a UTCP packet or a Tether frame).
 * Checksums are computed (IPv4 header, UDP over either pseudo-header); no Ethernet padding
 * is added, the sending stack or NIC does that.
 */
public final class UdpEncapsulation {
    private UdpEncapsulation() {}

    public static final int DEFAULT_PORT = LinkLayouts.UDP_PORT_CELL;
    public static final int DEFAULT_TTL = 64;
    private static final int DONT_FRAGMENT = 0x4000;

    public static byte[] overIpv4(long srcMac, long dstMac, int srcIp, int dstIp, Bytes payload) {
        return overIpv4(srcMac, dstMac, srcIp, dstIp, DEFAULT_PORT, DEFAULT_PORT, payload);
    }

    public static byte[] overIpv4(long srcMac, long dstMac, int srcIp, int dstIp, int srcPort, int dstPort,
                                  Bytes payload) {
        UdpHeader udp = udp(srcPort, dstPort, payload, LinkLayouts.IPV4.size()).withChecksumIpv4(srcIp, dstIp, payload);
        Ipv4Header ip = new Ipv4Header(0, LinkLayouts.IPV4.size() + udp.length(), 0, DONT_FRAGMENT, DEFAULT_TTL,
                LinkLayouts.IP_PROTO_UDP, 0, srcIp, dstIp, Bytes.EMPTY).withComputedChecksum();
        EthernetHeader eth = new EthernetHeader(dstMac, srcMac, List.of(), LinkLayouts.ETHERTYPE_IPV4);
        return frame(eth.encodedSize(), eth::encodeTo, ip.encodedSize(), ip::encodeTo, udp, payload);
    }

    public static byte[] overIpv6(long srcMac, long dstMac, Bytes srcIp, Bytes dstIp, Bytes payload) {
        return overIpv6(srcMac, dstMac, srcIp, dstIp, DEFAULT_PORT, DEFAULT_PORT, payload);
    }

    public static byte[] overIpv6(long srcMac, long dstMac, Bytes srcIp, Bytes dstIp, int srcPort, int dstPort,
                                  Bytes payload) {
        UdpHeader udp = udp(srcPort, dstPort, payload, 0).withChecksumIpv6(srcIp, dstIp, payload);
        Ipv6Header ip = new Ipv6Header(0, 0, udp.length(), LinkLayouts.IP_PROTO_UDP, DEFAULT_TTL, srcIp, dstIp);
        EthernetHeader eth = new EthernetHeader(dstMac, srcMac, List.of(), LinkLayouts.ETHERTYPE_IPV6);
        return frame(eth.encodedSize(), eth::encodeTo, ip.encodedSize(), ip::encodeTo, udp, payload);
    }

    private static UdpHeader udp(int srcPort, int dstPort, Bytes payload, int ipHeader) {
        int length = LinkLayouts.UDP.size() + payload.length();
        if (ipHeader + length > 0xFFFF) {
            throw new IllegalArgumentException("payload of " + payload.length() + " bytes does not fit in one datagram");
        }
        return new UdpHeader(srcPort, dstPort, length, 0);
    }

    private interface Part {
        void encodeTo(MemorySegment dst, long offset);
    }

    private static byte[] frame(int ethSize, Part eth, int ipSize, Part ip, UdpHeader udp, Bytes payload) {
        byte[] out = new byte[ethSize + ipSize + udp.encodedSize() + payload.length()];
        MemorySegment seg = MemorySegment.ofArray(out);
        eth.encodeTo(seg, 0);
        ip.encodeTo(seg, ethSize);
        udp.encodeTo(seg, ethSize + ipSize);
        payload.copyTo(seg, ethSize + ipSize + udp.encodedSize());
        return out;
    }
}
