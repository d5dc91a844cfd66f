package dev.cellscope.dissect;

import dev.cellscope.expert.LinkExperts;
import dev.cellscope.field.FieldFormat;

import static dev.cellscope.field.LinkFields.*;

/**
 * Linux cooked capture, what libpcap records on its "any" device (tcpdump/tshark/cellscope -i any): no Ethernet
 * header but the packet type, the source link address and the protocol as an EtherType, which then dispatches as
 * Ethernet's does (0x88B5 UTCP/Tether, IPv4/IPv6 → UDP 34997). v1 (link type 113, 16 bytes) and v2 (link type 276,
 * 20 bytes, with the interface index) differ only in where the fields lie; Wireshark names both {@code sll}.
 */
final class SllDissector {
    private SllDissector() {}

    private static final int V1 = 16, V2 = 20;
    private static final int ARPHRD_ETHER = 1, ARPHRD_LOOPBACK = 772;
    /** Below this the protocol field is a Linux protocol number, not an EtherType (as in Wireshark). */
    private static final int MIN_ETHERTYPE = 0x0600;

    /** v1: pkttype u16, hatype u16, halen u16, address 8 bytes, protocol u16. */
    static void v1(Dissection d) {
        if (!header(d, V1)) return;
        link(d, d.u16(0), d.u16(2), d.u16(4), 6, d.u16(14), 14, -1, V1);
    }

    /** v2: protocol u16, reserved u16, ifindex u32, hatype u16, pkttype u8, halen u8, address 8 bytes. */
    static void v2(Dissection d) {
        if (!header(d, V2)) return;
        link(d, d.u8(10), d.u16(8), d.u8(11), 12, d.u16(0), 0, d.u32(4), V2);
    }

    private static boolean header(Dissection d, int size) {
        if (d.capLen >= size) return true;
        d.beginLayer(SLL, 0, d.capLen, "sll");
        d.expert(LinkExperts.SLL_TRUNCATED, "Linux cooked capture header truncated: " + d.capLen + " of " + size + " bytes", 0, d.capLen);
        d.endLayer();
        return false;
    }

    private static void link(Dissection d, int pkttype, int hatype, int halen, int addrOff, int protocol, int protocolOff,
                             long ifindex, int size) {
        // A 6-byte address of an Ethernet-like interface is a MAC (Wireshark's sll.src.eth); others are not decoded.
        boolean mac = halen == 6 && (hatype == ARPHRD_ETHER || hatype == ARPHRD_LOOPBACK);
        long src = mac ? d.beValue(addrOff, 6) : -1;
        d.beginLayer(SLL, 0, size, "sll");
        if (size == V2) d.number(SLL_ETYPE, protocolOff, 2, protocol);
        if (ifindex >= 0) d.number(SLL_IFINDEX, 4, 4, ifindex);
        d.number(SLL_PKTTYPE, size == V2 ? 10 : 0, size == V2 ? 1 : 2, pkttype);
        d.number(SLL_HATYPE, size == V2 ? 8 : 2, 2, hatype);
        d.number(SLL_HALEN, size == V2 ? 11 : 4, size == V2 ? 1 : 2, halen);
        if (mac) d.number(SLL_SRC_ETH, addrOff, 6, src);
        if (size == V1) d.number(SLL_ETYPE, protocolOff, 2, protocol);
        if (d.summary) {
            d.sink.appendText(mac ? ", Src: " + FieldFormat.mac(src) : "");
            d.columns("SLL", mac ? FieldFormat.mac(src) : "", "");
        }
        d.endLayer();
        if (protocol < MIN_ETHERTYPE) {
            if (d.summary) d.infoColumn = "Linux protocol " + protocol;
            EthernetDissector.data(d, size);
            return;
        }
        int used = EthernetDissector.byEtherType(d, protocol, size, src, -1);
        int len = d.capLen - size;
        if (used < len) d.bytes(ETH_PADDING, size + used, len - used); // bytes past the protocol's own length
    }
}
