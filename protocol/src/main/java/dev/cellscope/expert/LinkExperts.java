package dev.cellscope.expert;

import static dev.cellscope.expert.ExpertGroup.*;
import static dev.cellscope.expert.ExpertInfo.*;

/** Findings about the layers below the cellscope protocols: Ethernet, VLAN, IPv4, IPv6, UDP. */
public final class LinkExperts {
    private LinkExperts() {}

    public static final ExpertInfo SLL_TRUNCATED = error("sll.truncated", MALFORMED,
            "The Linux cooked capture header is shorter than its 16 (v1) or 20 (v2) bytes");
    public static final ExpertInfo NULL_TRUNCATED = error("null.truncated", MALFORMED,
            "The BSD loopback header is shorter than its 4 bytes");
    public static final ExpertInfo NOT_IP = note("raw.not_ip", PROTOCOL,
            "A frame with no link header whose first byte is not IPv4's or IPv6's version (or a loopback family that is neither): shown as data");
    public static final ExpertInfo ETH_TRUNCATED = error("eth.truncated", MALFORMED,
            "The Ethernet header is cut short");
    public static final ExpertInfo VLAN_TOO_MANY = warn("vlan.too_many", MALFORMED,
            "More than two VLAN tags; the rest of the frame is not decoded");
    public static final ExpertInfo VLAN_TRUNCATED = error("vlan.truncated", MALFORMED,
            "A VLAN tag is cut short");

    public static final ExpertInfo IP_TRUNCATED = error("ip.truncated", MALFORMED,
            "The IPv4 header is cut short");
    public static final ExpertInfo IP_BAD_VERSION_IHL = error("ip.bad_version_ihl", MALFORMED,
            "The IPv4 version/header length byte is invalid");
    public static final ExpertInfo IP_TOTAL_LEN_SHORT = error("ip.total_len_short", MALFORMED,
            "The IPv4 total length is below the header length");
    public static final ExpertInfo IP_FRAGMENT = note("ip.fragment", PROTOCOL,
            "An IPv4 fragment; fragments are not reassembled");
    public static final ExpertInfo IP_LEN_SNAPLEN = note("ip.len_past_capture", MALFORMED,
            "The IPv4 total length reaches past the captured bytes because snaplen cut the frame");
    public static final ExpertInfo IP_LEN_EXCEEDS = error("ip.len_exceeds", MALFORMED,
            "The IPv4 total length exceeds the bytes the frame holds");

    public static final ExpertInfo IPV6_BAD_VERSION = error("ipv6.bad_version", MALFORMED,
            "The version nibble of an IPv6 header is not 6 (tshark: \"Bogus IPv6 version\"): the packet is not decoded further");
    public static final ExpertInfo IPV6_TRUNCATED = error("ipv6.truncated", MALFORMED,
            "The IPv6 header is cut short");
    public static final ExpertInfo IPV6_LEN_SNAPLEN = note("ipv6.len_past_capture", MALFORMED,
            "The IPv6 payload length reaches past the captured bytes because snaplen cut the frame");
    public static final ExpertInfo IPV6_LEN_EXCEEDS = error("ipv6.len_exceeds", MALFORMED,
            "The IPv6 payload length exceeds the bytes the frame holds");

    public static final ExpertInfo UDP_TRUNCATED = error("udp.truncated", MALFORMED,
            "The UDP header is cut short");
    public static final ExpertInfo UDP_LEN_SHORT = error("udp.len_short", MALFORMED,
            "The UDP length is below the 8-byte header size");
    public static final ExpertInfo UDP_LEN_SNAPLEN = note("udp.len_past_capture", MALFORMED,
            "The UDP length reaches past the captured bytes because snaplen cut the frame");
    public static final ExpertInfo UDP_LEN_EXCEEDS = error("udp.len_exceeds", MALFORMED,
            "The UDP length exceeds the bytes the frame holds");
    public static final ExpertInfo UDP_GSO_TRAIN = note("udp.gso_train", PROTOCOL,
            "Several datagrams captured as one: a UDP GSO train captured before the sender cut it (on its lo, a veth, or a NIC that segments); dissected datagram by datagram");
}
