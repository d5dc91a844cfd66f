package dev.cellscope.dissect;

import dev.cellscope.expert.LinkExperts;


import static dev.cellscope.field.LinkFields.*;
import static dev.cellscope.wire.LinkLayouts.UDP;

/** UDP; a datagram to or from a "decode as" port carries UTCP or Tether bytes. */
final class UdpDissector {
    private UdpDissector() {}

    static void dissect(Dissection d, int off, int avail) {
        if (avail < UDP.size()) {
            IpDissector.truncated(d, UDP_PROTO, "udp", off, avail, UDP.size(), LinkExperts.UDP_TRUNCATED);
            return;
        }
        int srcPort = d.u16(off), dstPort = d.u16(off + 2), length = d.u16(off + 4);
        d.beginLayer(UDP_PROTO, off, UDP.size(), "udp");
        d.emit(UDP, off);
        d.number(UDP_PORT, off, 2, srcPort);
        d.number(UDP_PORT, off + 2, 2, dstPort);
        if (d.summary) d.sink.appendText(", Src Port: " + srcPort + ", Dst Port: " + dstPort);
        int payload = avail - UDP.size();
        if (length < UDP.size()) {
            d.expert(LinkExperts.UDP_LEN_SHORT, "UDP length " + length + " is below the header size", off + 4, 2);
        } else if (length > avail) {
            IpDissector.lengthBeyondCapture(d, "UDP length", length, avail, off + 4,
                    LinkExperts.UDP_LEN_SNAPLEN, LinkExperts.UDP_LEN_EXCEEDS);
        } else {
            payload = length - UDP.size();
        }
        d.endLayer();
        int start = off + UDP.size();
        if (d.config.cellUdpPorts().contains(srcPort) || d.config.cellUdpPorts().contains(dstPort)) {
            CellDispatch.dissect(d, start, payload);
        } else {
            if (d.summary) {
                d.protocolColumn = "UDP";
                d.infoColumn = srcPort + " → " + dstPort + " Len=" + payload;
            }
            if (payload > 0) d.bytes(UDP_PAYLOAD, start, payload);
        }
    }
}
