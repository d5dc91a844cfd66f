package dev.cellscope.dissect;

import dev.cellscope.expert.ExpertInfo;
import dev.cellscope.expert.LinkExperts;
import dev.cellscope.field.FieldFormat;

import static dev.cellscope.field.LinkFields.*;
import static dev.cellscope.wire.LinkLayouts.*;

/** IPv4 and IPv6, decoded far enough to show addresses and reach UDP. */
final class IpDissector {
    private IpDissector() {}

    /** Returns the bytes the IPv4 packet occupies (its total length, bounded by what is present). */
    static int ipv4(Dissection d, int off, int avail) {
        if (avail < IPV4.size()) {
            truncated(d, IP, "ip", off, avail, IPV4.size(), LinkExperts.IP_TRUNCATED);
            return avail;
        }
        int verIhl = d.u8(off);
        int hdrLen = (verIhl & 0xF) * 4;
        int total = d.u16(off + 2);
        d.beginLayer(IP, off, Math.min(hdrLen, avail), "ip");
        d.number(IP_VERSION, off, 1, verIhl >>> 4);
        d.number(IP_HDR_LEN, off, 1, hdrLen);
        d.emit(IPV4, off);
        d.number(IP_ADDR, off + 12, 4, d.u32(off + 12));
        d.number(IP_ADDR, off + 16, 4, d.u32(off + 16));
        if (d.summary) {
            String src = FieldFormat.ipv4((int) d.u32(off + 12)), dst = FieldFormat.ipv4((int) d.u32(off + 16));
            d.sink.appendText(", Src: " + src + ", Dst: " + dst);
            d.columns("IPv4", src, dst);
        }
        if ((verIhl >>> 4) != 4 || hdrLen < IPV4.size()) {
            d.expert(LinkExperts.IP_BAD_VERSION_IHL, "Bad IPv4 version/header length: 0x" + Integer.toHexString(verIhl), off, 1);
            d.endLayer();
            return avail;
        }
        if (total < hdrLen) {
            d.expert(LinkExperts.IP_TOTAL_LEN_SHORT, "IPv4 total length " + total + " is below the header length " + hdrLen, off + 2, 2);
            d.endLayer();
            return avail;
        }
        int present = Math.min(total, avail);
        if (total > avail) {
            lengthBeyondCapture(d, "IPv4 total length", total, avail, off + 2, LinkExperts.IP_LEN_SNAPLEN, LinkExperts.IP_LEN_EXCEEDS);
        }
        int fragment = d.u16(off + 6);
        d.endLayer();
        if (present < hdrLen) return present;
        if ((fragment & 0x3FFF) != 0) {
            d.expert(LinkExperts.IP_FRAGMENT, "IPv4 fragment (not reassembled)", off + 6, 2);
            EthernetDissector.data(d, off + hdrLen);
            return present;
        }
        next(d, d.u8(off + 9), off + hdrLen, present - hdrLen);
        return present;
    }

    /** Returns the bytes the IPv6 packet occupies (header + payload length, bounded). */
    static int ipv6(Dissection d, int off, int avail) {
        if (avail < IPV6.size()) {
            truncated(d, IPV6_PROTO, "ipv6", off, avail, IPV6.size(), LinkExperts.IPV6_TRUNCATED);
            return avail;
        }
        int plen = d.u16(off + 4);
        d.beginLayer(IPV6_PROTO, off, IPV6.size(), "ipv6");
        d.emit(IPV6, off);
        d.bytes(IPV6_ADDR, off + 8, 16);
        d.bytes(IPV6_ADDR, off + 24, 16);
        if (d.summary) {
            String src = FieldFormat.plainBytes(IPV6_SRC, d.seg, off + 8, 16);
            String dst = FieldFormat.plainBytes(IPV6_DST, d.seg, off + 24, 16);
            d.sink.appendText(", Src: " + src + ", Dst: " + dst);
            d.columns("IPv6", src, dst);
        }
        int version = d.u8(off) >>> 4;
        if (version != 6) {
            // what is after it is not IPv6's (IPv4 under link type 229, say): as IPv4's bad version, not decoded further
            d.expert(LinkExperts.IPV6_BAD_VERSION, "Bogus IPv6 version: " + version, off, 1);
            d.endLayer();
            return avail;
        }
        int present = Math.min(IPV6.size() + plen, avail);
        if (IPV6.size() + plen > avail) lengthBeyondCapture(d, "IPv6 payload length", plen, avail - IPV6.size(), off + 4,
                LinkExperts.IPV6_LEN_SNAPLEN, LinkExperts.IPV6_LEN_EXCEEDS);
        d.endLayer();
        next(d, d.u8(off + 6), off + IPV6.size(), present - IPV6.size());
        return present;
    }

    private static void next(Dissection d, int proto, int off, int len) {
        if (proto == IP_PROTO_UDP) {
            UdpDissector.dissect(d, off, len);
        } else if (len > 0) {
            if (d.summary) d.infoColumn = "IP protocol " + proto;
            d.addToStack("data");
            d.bytes(DATA, off, len);
        }
    }

    static void truncated(Dissection d, dev.cellscope.field.FieldDef proto, String name, int off, int avail, int need, ExpertInfo kind) {
        d.beginLayer(proto, off, avail, name);
        d.expert(kind,
                proto.title() + " header truncated: " + avail + " of " + need + " bytes", off, avail);
        d.endLayer();
    }

    /** A length field reaching past the captured bytes: snaplen cut it, or the field lies. */
    static void lengthBeyondCapture(Dissection d, String what, long claimed, int present, int fieldOff,
                                    ExpertInfo cutKind, ExpertInfo badKind) {
        if (d.packet.wireLength() > d.capLen) {
            d.expert(cutKind, what + " " + claimed + " reaches past the captured bytes (frame cut by snaplen)", fieldOff, 2);
        } else {
            d.expert(badKind, what + " " + claimed + " exceeds the " + present + " bytes present", fieldOff, 2);
        }
    }
}
