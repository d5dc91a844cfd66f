package dev.cellscope.dissect;


import dev.cellscope.expert.LinkExperts;
import dev.cellscope.field.FieldFormat;
import dev.cellscope.wire.LinkLayouts;

import static dev.cellscope.field.LinkFields.*;
import static dev.cellscope.wire.LinkLayouts.*;

/** Ethernet II with up to two VLAN tags, then dispatch on the EtherType. */
final class EthernetDissector {
    private EthernetDissector() {}

    private static final int HEADER = LinkLayouts.ETHERNET.size();
    private static final int MAX_TAGS = 2;

    static void dissect(Dissection d, int off) {
        int avail = d.capLen - off;
        if (avail < HEADER) {
            d.beginLayer(ETH, off, avail, "eth");
            d.expert(LinkExperts.ETH_TRUNCATED,
                    "Ethernet header truncated: " + avail + " of " + HEADER + " bytes", off, avail);
            d.endLayer();
            return;
        }
        long dst = d.beValue(off, 6), src = d.beValue(off + 6, 6);
        int type = d.u16(off + 12);
        d.beginLayer(ETH, off, HEADER, "eth");
        d.emit(ETHERNET, off);
        d.number(ETH_ADDR, off, 6, dst);
        d.number(ETH_ADDR, off + 6, 6, src);
        d.number(ETH_TYPE, off + 12, 2, type);
        if (d.summary) {
            d.sink.appendText(", Src: " + FieldFormat.mac(src) + ", Dst: " + FieldFormat.mac(dst));
            d.columns("Ethernet", FieldFormat.mac(src), FieldFormat.mac(dst));
        }
        d.endLayer();

        int pos = off + HEADER;
        int len = d.capLen - pos;
        int used = byEtherType(d, type, pos, src, dst);
        if (used < len) {
            // Bytes past the carried protocol's own length: Ethernet minimum-size padding.
            d.bytes(ETH_PADDING, pos + used, len - used);
        }
    }

    /**
     * The protocol an EtherType names, from {@code pos} to the end of the frame (Ethernet's and Linux cooked
     * capture's protocol field alike), after up to two VLAN tags; {@code src}, {@code dst} the link addresses (-1: none). Returns the bytes
     * the protocol claims.
     */
    static int byEtherType(Dissection d, int type, int start, long src, long dst) {
        int pos = start;
        int tags = 0;
        while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ) {
            if (tags == MAX_TAGS) {
                d.expert(LinkExperts.VLAN_TOO_MANY, "More than two VLAN tags; the rest is not decoded", pos, 0);
                return data(d, pos) + pos - start;
            }
            if (d.capLen - pos < VLAN_TAG.size()) {
                d.beginLayer(VLAN, pos, d.capLen - pos, "vlan");
                d.expert(LinkExperts.VLAN_TRUNCATED, "VLAN tag truncated", pos, d.capLen - pos);
                d.endLayer();
                return d.capLen - start;
            }
            int tci = d.u16(pos);
            d.beginLayer(VLAN, pos, VLAN_TAG.size(), "vlan");
            d.number(VLAN_TPID, pos - 2, 2, type);
            d.number(VLAN_PCP, pos, 2, tci >>> 13);
            d.number(VLAN_DEI, pos, 2, (tci >>> 12) & 1);
            d.number(VLAN_ID, pos, 2, tci & 0xFFF);
            d.emit(VLAN_TAG.slot("etype"), pos);
            if (d.summary) d.sink.appendText(", PRI: " + (tci >>> 13) + ", ID: " + (tci & 0xFFF));
            d.endLayer();
            type = d.u16(pos + 2);
            pos += VLAN_TAG.size();
            tags++;
        }

        int len = d.capLen - pos;
        return pos - start + switch (type) {
            case ETHERTYPE_CELL -> {
                d.ethSrc = src;
                d.ethDst = dst;
                yield CellDispatch.dissect(d, pos, len);
            }
            case ETHERTYPE_IPV4 -> IpDissector.ipv4(d, pos, len);
            case ETHERTYPE_IPV6 -> IpDissector.ipv6(d, pos, len);
            default -> {
                if (d.summary) {
                    d.columns(String.format("0x%04x", type), src < 0 ? "" : FieldFormat.mac(src), dst < 0 ? "" : FieldFormat.mac(dst));
                    d.infoColumn = String.format("EtherType 0x%04x", type);
                }
                yield data(d, pos);
            }
        };
    }

    /** Shows the rest of the frame as undecoded data; returns its length. */
    static int data(Dissection d, int pos) {
        int len = d.capLen - pos;
        if (len > 0) {
            d.addToStack("data");
            d.bytes(DATA, pos, len);
        }
        return len;
    }
}
