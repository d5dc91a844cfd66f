package dev.cellscope.dissect;

import dev.cellscope.crypto.Crc64GoIso;
import dev.cellscope.expert.LinkExperts;
import dev.cellscope.wire.GsoTrain;


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
        int start = off + UDP.size();
        boolean cell = d.config.cellUdpPorts().contains(srcPort) || d.config.cellUdpPorts().contains(dstPort);
        int gsoSize = cell ? GsoTrain.segmentSize(d.seg, start, payload, Crc64GoIso::tetherChecksum) : -1;
        int segments = gsoSize > 0 ? GsoTrain.segments(payload, gsoSize) : 1;
        if (gsoSize > 0) {
            d.number(UDP_GSO_SEGMENTS, off + 4, 2, segments);
            d.number(UDP_GSO_SIZE, off + 4, 2, gsoSize);
            d.expert(LinkExperts.UDP_GSO_TRAIN, segments + " datagrams of " + gsoSize + " bytes captured as one (UDP GSO): each is dissected on its own",
                    off + 4, 2);
        }
        d.endLayer();
        if (gsoSize > 0) {
            train(d, start, payload, gsoSize, segments);
        } else if (cell) {
            CellDispatch.dissect(d, start, payload);
        } else {
            if (d.summary) {
                d.protocolColumn = "UDP";
                d.infoColumn = srcPort + " → " + dstPort + " Len=" + payload;
            }
            if (payload > 0) d.bytes(UDP_PAYLOAD, start, payload);
        }
    }

    /**
     * Each datagram of a GSO train as if it had its own frame: UTCP or Tether layers one after another, each seen by
     * the conversation analysis, and the sink told where each begins (packet counts). The Info column shows the first
     * and the last.
     */
    private static void train(Dissection d, int start, int payload, int size, int segments) {
        String first = "";
        for (int i = 0; i < segments; i++) {
            int at = start + i * size, len = Math.min(size, payload - i * size);
            d.sink.gsoSegment(i, d.at(start) + len); // its own IP and UDP headers, then its bytes
            CellDispatch.dissect(d, at, len);
            if (i == 0) first = d.infoColumn;
        }
        if (d.summary) d.infoColumn = "[GSO " + segments + " × " + size + "] " + first + " … " + d.infoColumn;
    }
}
