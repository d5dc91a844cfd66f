package dev.cellscope.wire;

import static dev.cellscope.field.LinkFields.*;

/** Ethernet II, VLAN tag, IPv4, IPv6 and UDP headers (network byte order). */
public final class LinkLayouts {
    private LinkLayouts() {}

    public static final int ETHERTYPE_CELL = 0x88B5, ETHERTYPE_VLAN = 0x8100, ETHERTYPE_QINQ = 0x88A8,
            ETHERTYPE_IPV4 = 0x0800, ETHERTYPE_IPV6 = 0x86DD;
    public static final int IP_PROTO_UDP = 17;
    /** [decided] UDP port that carries UTCP/Tether bytes exactly as they follow the EtherType. */
    public static final int UDP_PORT_CELL = 34997;

    public static final Layout ETHERNET = Layout.bigEndian("Ethernet")
            .bytes("dst", 6, ETH_DST).bytes("src", 6, ETH_SRC).u16("type", null).build();

    /** The four bytes after a TPID: TCI (pcp:3 dei:1 id:12) and the inner EtherType. */
    public static final Layout VLAN_TAG = Layout.bigEndian("VlanTag")
            .u16("tci", null).u16("etype", VLAN_ETYPE).build();

    public static final Layout IPV4 = Layout.bigEndian("IPv4")
            .u8("version_ihl", null).u8("dscp_ecn", null).u16("total_len", IP_LEN).u16("id", IP_ID)
            .u16("flags_frag", null).u8("ttl", IP_TTL).u8("proto", IP_PROTO).u16("checksum", IP_CHECKSUM)
            .u32("src", IP_SRC).u32("dst", IP_DST).at(20).build();

    public static final Layout IPV6 = Layout.bigEndian("IPv6")
            .u32("version_class_flow", null).u16("payload_len", IPV6_PLEN).u8("next_header", IPV6_NXT)
            .u8("hop_limit", IPV6_HLIM).bytes("src", 16, IPV6_SRC).bytes("dst", 16, IPV6_DST).at(40).build();

    public static final Layout UDP = Layout.bigEndian("UDP")
            .u16("src_port", UDP_SRCPORT).u16("dst_port", UDP_DSTPORT).u16("length", UDP_LENGTH)
            .u16("checksum", UDP_CHECKSUM).at(8).build();
}
