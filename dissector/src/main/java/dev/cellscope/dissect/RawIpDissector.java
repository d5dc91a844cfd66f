package dev.cellscope.dissect;

import dev.cellscope.expert.LinkExperts;

import static dev.cellscope.field.LinkFields.*;

/**
 * Captures with no link header, where only UDP-encapsulated UTCP and Tether (port 34997) can appear: raw IP, as tun
 * devices record it and Scapy's {@code wrpcap} writes IP packets (link type 101 LINKTYPE_RAW, or Linux's DLT_RAW 12 as
 * libpcap reports a tun device live; the version nibble says
 * which IP; 228 LINKTYPE_IPV4 and 229 LINKTYPE_IPV6 say it themselves), and BSD loopback, as macOS and the BSDs record
 * lo0 (0 NULL, the family in the capturing host's byte order; 108 LOOP, in network order). The IP packet then
 * dispatches as Ethernet's IPv4/IPv6 do. Wireshark names the layers {@code raw} and {@code null}; 228 and 229 have none.
 */
final class RawIpDissector {
    private RawIpDissector() {}

    static final int LINKTYPE_NULL = 0, LINKTYPE_RAW = 101, LINKTYPE_LOOP = 108, LINKTYPE_IPV4 = 228, LINKTYPE_IPV6 = 229;
    /** Linux's DLT_RAW: what libpcap reports for a tun device live (pcap backend), and what some writers store; Wireshark reads it as raw IP. */
    static final int DLT_RAW = 12;
    private static final int NULL_HEADER = 4;
    private static final int AF_INET = 2;

    /** Whether this dissector reads link type {@code linkType}. */
    static boolean reads(int linkType) {
        return linkType == LINKTYPE_NULL || linkType == LINKTYPE_RAW || linkType == DLT_RAW || linkType == LINKTYPE_LOOP
                || linkType == LINKTYPE_IPV4 || linkType == LINKTYPE_IPV6;
    }

    static void dissect(Dissection d, int linkType) {
        switch (linkType) {
            case LINKTYPE_RAW, DLT_RAW -> {
                d.beginLayer(RAW, 0, 0, "raw");
                d.endLayer();
                int version = d.capLen > 0 ? d.u8(0) >>> 4 : 0;
                ip(d, 0, version == 4 || version == 6 ? version : 0);
            }
            case LINKTYPE_IPV4 -> ip(d, 0, 4);
            case LINKTYPE_IPV6 -> ip(d, 0, 6);
            default -> loopback(d, linkType == LINKTYPE_LOOP);
        }
    }

    private static void loopback(Dissection d, boolean networkOrder) {
        d.beginLayer(NULL, 0, Math.min(d.capLen, NULL_HEADER), "null");
        if (d.capLen < NULL_HEADER) {
            d.expert(LinkExperts.NULL_TRUNCATED, "BSD loopback header truncated: " + d.capLen + " of 4 bytes", 0, d.capLen);
            d.endLayer();
            return;
        }
        long family = networkOrder ? d.beValue(0, 4) : Integer.toUnsignedLong(Integer.reverseBytes((int) d.beValue(0, 4)));
        // NULL is in the capturing host's order: a value that only fits byte-swapped was written big-endian (Wireshark's rule)
        if (!networkOrder && (family & 0xFFFF_0000L) != 0 && (family & 0xFFFF) == 0) family = Integer.toUnsignedLong(Integer.reverseBytes((int) family));
        d.number(NULL_FAMILY, 0, NULL_HEADER, family);
        d.endLayer();
        ip(d, NULL_HEADER, family == AF_INET ? 4 : isInet6(family) ? 6 : 0);
    }

    /** AF_INET6 is 10 on Linux, 24 on NetBSD/OpenBSD, 28 on FreeBSD, 30 on macOS. */
    private static boolean isInet6(long family) {
        return family == 10 || family == 24 || family == 28 || family == 30;
    }

    private static void ip(Dissection d, int off, int version) {
        int avail = d.capLen - off;
        switch (version) {
            case 4 -> IpDissector.ipv4(d, off, avail);
            case 6 -> IpDissector.ipv6(d, off, avail);
            default -> {
                if (avail > 0) d.expert(LinkExperts.NOT_IP, "Not an IP packet: shown as data", off, avail);
                if (d.summary) d.infoColumn = "Not IP";
                EthernetDissector.data(d, off);
            }
        }
    }
}
