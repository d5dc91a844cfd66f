package dev.cellscope.field;

import static dev.cellscope.field.FieldDef.*;

/** Ethernet, VLAN, IPv4, IPv6 and UDP fields (PROTOCOLS.md sections 1 and 6). */
public final class LinkFields {
    private LinkFields() {}

    public static final FieldDef ETH = protocol("eth", "Ethernet II", "Ethernet II header");
    public static final FieldDef ETH_DST = of("eth.dst", "Destination", FieldType.ETHER, "Destination MAC address");
    public static final FieldDef ETH_SRC = of("eth.src", "Source", FieldType.ETHER, "Source MAC address");
    public static final FieldDef ETH_ADDR = of("eth.addr", "Source or destination", FieldType.ETHER, "Either MAC address (the destination, then the source), as in Wireshark: eth.addr == X matches both directions; not shown in the tree");
    public static final FieldDef ETH_TYPE = hex("eth.type", "Type", 16, "EtherType of the payload (after any VLAN tags)");
    public static final FieldDef ETH_PADDING = of("eth.padding", "Padding", FieldType.BYTES, "Bytes after the carried protocol's own length (Ethernet minimum-size padding)");

    public static final FieldDef SLL = protocol("sll", "Linux cooked capture", "Linux cooked capture header (libpcap's any device: link type 113 v1, 276 v2)");
    public static final FieldDef SLL_PKTTYPE = uint("sll.pkttype", "Packet type", 16, "To us 0, broadcast 1, multicast 2, to another host 3, sent by us 4");
    public static final FieldDef SLL_HATYPE = uint("sll.hatype", "Link-layer address type", 16, "ARPHRD_ type of the interface (1 Ethernet, 772 loopback)");
    public static final FieldDef SLL_HALEN = uint("sll.halen", "Link-layer address length", 16, "Bytes of the source address that are used");
    public static final FieldDef SLL_SRC_ETH = of("sll.src.eth", "Source", FieldType.ETHER, "Source MAC address (when the address is 6 bytes)");
    public static final FieldDef SLL_IFINDEX = uint("sll.ifindex", "Interface index", 32, "Index of the interface the packet was captured on (v2 only)");
    public static final FieldDef SLL_ETYPE = hex("sll.etype", "Protocol", 16, "EtherType of the payload (0x88b5 UTCP/Tether, 0x0800 IPv4, 0x86dd IPv6)");

    public static final FieldDef RAW = protocol("raw", "Raw packet data", "No link header: the frame is an IP packet (link type 101 LINKTYPE_RAW, as tun devices and Scapy write)");
    public static final FieldDef NULL = protocol("null", "Null/Loopback", "BSD loopback header (link types 0 NULL and 108 LOOP, as macOS and BSD lo0 captures): the address family");
    public static final FieldDef NULL_FAMILY = uint("null.family", "Family", 32, "Address family of the payload: 2 IPv4; 10, 24, 28 or 30 IPv6 (Linux, NetBSD/OpenBSD, FreeBSD, macOS)");

    public static final FieldDef VLAN = protocol("vlan", "802.1Q Virtual LAN", "VLAN tag (802.1Q 0x8100 or 802.1ad 0x88A8)");
    public static final FieldDef VLAN_TPID = hex("vlan.tpid", "Tag protocol identifier", 16, "0x8100 (802.1Q) or 0x88a8 (802.1ad)");
    public static final FieldDef VLAN_PCP = uint("vlan.pcp", "Priority", 3, "Priority code point");
    public static final FieldDef VLAN_DEI = uint("vlan.dei", "DEI", 1, "Drop eligible indicator");
    public static final FieldDef VLAN_ID = uint("vlan.id", "ID", 12, "VLAN identifier");
    public static final FieldDef VLAN_ETYPE = hex("vlan.etype", "Type", 16, "EtherType following the tag");

    public static final FieldDef IP = protocol("ip", "Internet Protocol Version 4", "IPv4 header");
    public static final FieldDef IP_VERSION = uint("ip.version", "Version", 4, "IP version (4)");
    public static final FieldDef IP_HDR_LEN = uint("ip.hdr_len", "Header length", 8, "IPv4 header length in bytes");
    public static final FieldDef IP_LEN = uint("ip.len", "Total length", 16, "IPv4 total length");
    public static final FieldDef IP_ID = hex("ip.id", "Identification", 16, "IPv4 identification");
    public static final FieldDef IP_TTL = uint("ip.ttl", "Time to live", 8, "IPv4 TTL");
    public static final FieldDef IP_PROTO = uint("ip.proto", "Protocol", 8, "Carried protocol number (17 = UDP)");
    public static final FieldDef IP_CHECKSUM = hex("ip.checksum", "Header checksum", 16, "IPv4 header checksum (not verified)");
    public static final FieldDef IP_SRC = of("ip.src", "Source address", FieldType.IPV4, "IPv4 source address");
    public static final FieldDef IP_DST = of("ip.dst", "Destination address", FieldType.IPV4, "IPv4 destination address");
    public static final FieldDef IP_ADDR = of("ip.addr", "Source or destination address", FieldType.IPV4, "Either IPv4 address (the source, then the destination), as in Wireshark; not shown in the tree");

    public static final FieldDef IPV6_PROTO = protocol("ipv6", "Internet Protocol Version 6", "IPv6 header");
    public static final FieldDef IPV6_PLEN = uint("ipv6.plen", "Payload length", 16, "IPv6 payload length");
    public static final FieldDef IPV6_NXT = uint("ipv6.nxt", "Next header", 8, "IPv6 next header (17 = UDP)");
    public static final FieldDef IPV6_HLIM = uint("ipv6.hlim", "Hop limit", 8, "IPv6 hop limit");
    public static final FieldDef IPV6_SRC = of("ipv6.src", "Source address", FieldType.IPV6, "IPv6 source address");
    public static final FieldDef IPV6_DST = of("ipv6.dst", "Destination address", FieldType.IPV6, "IPv6 destination address");
    public static final FieldDef IPV6_ADDR = of("ipv6.addr", "Source or destination address", FieldType.IPV6, "Either IPv6 address (the source, then the destination), as in Wireshark; not shown in the tree");

    public static final FieldDef UDP_PROTO = protocol("udp", "User Datagram Protocol", "UDP header");
    public static final FieldDef UDP_SRCPORT = uint("udp.srcport", "Source port", 16, "UDP source port");
    public static final FieldDef UDP_DSTPORT = uint("udp.dstport", "Destination port", 16, "UDP destination port");
    public static final FieldDef UDP_PORT = uint("udp.port", "Source or destination port", 16, "Either UDP port (the source, then the destination), as in Wireshark; not shown in the tree");
    public static final FieldDef UDP_LENGTH = uint("udp.length", "Length", 16, "UDP length (header + payload)");
    public static final FieldDef UDP_CHECKSUM = hex("udp.checksum", "Checksum", 16, "UDP checksum (not verified)");
    public static final FieldDef UDP_GSO_SEGMENTS = uint("udp.gso.segments", "GSO datagrams", 16, "Datagrams of a UDP GSO train that the capture holds as one datagram (captured before the sender's segmentation); each is dissected on its own");
    public static final FieldDef UDP_GSO_SIZE = uint("udp.gso.size", "GSO segment size", 16, "Size of each datagram of the GSO train (the last may be shorter), derived from the first UTCP packet's length or the first Tether frame's checksum");
    public static final FieldDef UDP_PAYLOAD = of("udp.payload", "Payload", FieldType.BYTES, "UDP payload not decoded by a cellscope dissector");

    public static final FieldDef DATA = of("data", "Data", FieldType.BYTES, "Bytes no dissector claimed");

    /**
     * Wireshark's either-direction fields: each occurs twice in a frame (both addresses or ports), for filters
     * ({@code ip.addr == 10.0.0.1}: either; {@code ip.addr != 10.0.0.1}: neither) and -e columns. Like
     * Wireshark's hidden fields, the detail tree does not show them: it shows the source and destination.
     */
    public static boolean eitherDirection(FieldDef f) {
        return f == ETH_ADDR || f == IP_ADDR || f == IPV6_ADDR || f == UDP_PORT;
    }
}
