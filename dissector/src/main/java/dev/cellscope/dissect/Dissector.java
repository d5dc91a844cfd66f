package dev.cellscope.dissect;

import dev.cellscope.analysis.FrameAnalysis;
import dev.cellscope.analysis.ReleasedMessage;
import dev.cellscope.field.FieldFormat;
import dev.cellscope.field.SbiFields;
import dev.cellscope.field.UtcpFields;
import dev.cellscope.expert.FrameExperts;
import dev.cellscope.io.Packet;

import static dev.cellscope.field.FrameFields.*;

/**
 * Frame → layers → fields. Stateless between frames (conversation state lives in the
 * analysis package), so any frame can be dissected again on demand, e.g. for the GUI's
 * detail pane. Never throws for bad input: what cannot be read becomes an expert error.
 */
public final class Dissector {
    private final DissectorConfig config;

    public Dissector(DissectorConfig config) {
        this.config = config;
    }

    public Dissector() {
        this(DissectorConfig.defaults());
    }

    public DissectorConfig config() {
        return config;
    }

    /** Dissects one frame on its own, without conversation state. */
    public void dissect(Packet packet, FrameTiming timing, FieldSink sink) {
        dissect(packet, timing, null, sink);
    }

    /**
     * Dissects the next frame of a capture read in order, feeding and showing {@code analysis}
     * (null for a stateless dissection).
     */
    public void dissect(Packet packet, FrameTiming timing, FrameAnalysis analysis, FieldSink sink) {
        Dissection d = new Dissection(config, packet, sink, analysis);
        frameLayer(d, packet, timing);
        try {
            if (packet.linkType() == Packet.LINKTYPE_ETHERNET) {
                EthernetDissector.dissect(d, 0);
            } else if (packet.linkType() == Packet.LINKTYPE_LINUX_SLL) {
                SllDissector.v1(d);
            } else if (packet.linkType() == Packet.LINKTYPE_LINUX_SLL2) {
                SllDissector.v2(d);
            } else if (RawIpDissector.reads(packet.linkType())) {
                RawIpDissector.dissect(d, packet.linkType());
            } else {
                d.expert(FrameExperts.LINK_TYPE_UNKNOWN, "Link type " + packet.linkType() + " is not decoded", 0, 0);
                EthernetDissector.data(d, 0);
            }
        } catch (RuntimeException e) {
            // A dissector bug must not lose the frame or the capture: report it on the frame.
            d.unwind();
            d.expert(FrameExperts.DISSECTOR_FAILURE, "Dissector failure: " + e, 0, 0);
        }
        if (sink.wants(PROTOCOLS)) sink.text(PROTOCOLS, 0, 0, d.protocolStack());
        if (d.summary) sink.summary(d.protocolColumn, d.sourceColumn, d.destinationColumn, d.infoColumn);
        sink.endFrame();
    }

    /**
     * Dissects a UTCP-SBI message that the analysis could only release when the capture ended
     * (single pass), for the sinks that gather statistics and findings: the frame that completed
     * it ({@code frame.number}, {@code frame.time}), the conversation's CellIDs and stream, then the
     * SBI layer with everything the analysis linked to it and its findings; ended by
     * {@link FieldSink#endReleased}, since it is not a frame.
     */
    public void dissectReleased(ReleasedMessage r, FieldSink sink) {
        Packet p = new Packet(r.frame(), r.timeNanos(), 0, Packet.LINKTYPE_ETHERNET, 0, java.lang.foreign.MemorySegment.ofArray(new byte[0]), null);
        Dissection d = new Dissection(config, p, sink, null);
        d.number(TIME, -1, 0, r.timeNanos());
        d.number(NUMBER, -1, 0, r.frame());
        if (sink.wants(UtcpFields.SRC)) sink.bytes(UtcpFields.SRC, -1, 0, r.cellIds(), 0, 16);
        if (sink.wants(UtcpFields.DST)) sink.bytes(UtcpFields.DST, -1, 0, r.cellIds(), 16, 16);
        d.number(UtcpFields.STREAM, -1, 0, r.stream());
        try {
            if (sink.wantsLayer(SbiFields.SBI)) SbiDissector.delivered(d, java.util.List.of(r.message()));
            for (var e : r.findings()) d.expert(e, -1, 0);
        } catch (RuntimeException e) {
            d.unwind();
            d.expert(FrameExperts.DISSECTOR_FAILURE, "Dissector failure: " + e, -1, 0);
        }
        sink.endReleased();
    }

    private static void frameLayer(Dissection d, Packet p, FrameTiming t) {
        int cap = p.capturedLength();
        d.sink.protocol(FRAME, 0, cap);
        d.push();
        if (d.summary) d.sink.appendText(" " + p.number() + ": " + p.wireLength() + " bytes on wire (" + 8 * p.wireLength()
                + " bits), " + cap + " bytes captured (" + 8L * cap + " bits)");
        d.number(INTERFACE_ID, 0, 0, p.interfaceId());
        d.number(TIME, 0, 0, p.timestampNanos());
        d.number(TIME_EPOCH, 0, 0, p.timestampNanos());
        d.number(TIME_DELTA, 0, 0, p.timestampNanos() - t.previousNanos());
        d.number(TIME_RELATIVE, 0, 0, p.timestampNanos() - t.firstNanos());
        d.number(NUMBER, 0, 0, p.number());
        d.number(LEN, 0, 0, p.wireLength());
        d.number(CAP_LEN, 0, 0, cap);
        // A file's text: control characters escaped (several comments of a packet are joined with "\n", shown "\\n").
        if (p.comment() != null) d.text(COMMENT, 0, 0, FieldFormat.printable(p.comment()));
        if (cap < p.wireLength()) {
            d.expert(FrameExperts.SNAPLEN_CUT, "Frame cut by snaplen: " + cap + " of " + p.wireLength() + " bytes captured", 0, cap);
        }
        d.pop();
    }
}
