package dev.cellscope.io;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Test helper: a classic pcap file written byte by byte, remembering where each record starts. */
final class PcapBuilder {

    private final ByteWriter w;
    /** Start offset of every record, plus the file end. */
    final List<Integer> recordStarts = new ArrayList<>();

    PcapBuilder(ByteOrder order, boolean nanos, long linkTypeField, int snapLength) {
        w = new ByteWriter(order);
        w.u32(nanos ? 0xA1B23C4DL : 0xA1B2C3D4L).u16(2).u16(4).u32(0).u32(0).u32(snapLength).u32(linkTypeField);
    }

    PcapBuilder record(long seconds, long fraction, int originalLength, byte[] data) {
        return record(seconds, fraction, data.length, originalLength, data);
    }

    /** A record whose captured-length field may lie about the bytes that follow. */
    PcapBuilder record(long seconds, long fraction, long capLenField, int originalLength, byte[] data) {
        recordStarts.add(w.size());
        w.u32(seconds).u32(fraction).u32(capLenField).u32(originalLength).bytes(data);
        return this;
    }

    byte[] build() {
        return w.toByteArray();
    }
}
