package dev.cellscope.io;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: a pcapng file written block by block, independently of {@link PcapngWriter},
 * in any byte order, remembering where each block starts.
 */
final class PcapngBuilder {

    record Opt(int code, byte[] value) {
        static Opt string(int code, String s) {
            return new Opt(code, s.getBytes(StandardCharsets.UTF_8));
        }

        static Opt u8(int code, int v) {
            return new Opt(code, new byte[] {(byte) v});
        }

        static Opt u64(int code, long v, ByteOrder order) {
            return new Opt(code, new ByteWriter(order).u64(v).toByteArray());
        }
    }

    private final ByteWriter w = new ByteWriter(ByteOrder.LITTLE_ENDIAN);
    /** Start offset of every block. */
    final List<Integer> blockStarts = new ArrayList<>();
    /** Start offsets of the packet blocks only. */
    final List<Integer> packetStarts = new ArrayList<>();

    ByteOrder order() {
        return w.order;
    }

    PcapngBuilder shb(ByteOrder order) {
        w.order = order;
        ByteWriter body = body().u32(0x1A2B3C4D).u16(1).u16(0).u64(-1);
        return block(0x0A0D0D0A, body, List.of(Opt.string(4, "hand-built")));
    }

    PcapngBuilder idb(int linkType, int snapLength, Opt... options) {
        return block(1, body().u16(linkType).u16(0).u32(snapLength), List.of(options));
    }

    PcapngBuilder epb(int iface, long rawTimestamp, int originalLength, byte[] data, Opt... options) {
        packetStarts.add(w.size());
        ByteWriter body = body().u32(iface).u32(rawTimestamp >>> 32).u32(rawTimestamp)
                .u32(data.length).u32(originalLength).bytes(data).pad32();
        return block(6, body, List.of(options));
    }

    /** Obsolete Packet Block (type 2). */
    PcapngBuilder pb(int iface, long rawTimestamp, int originalLength, byte[] data, Opt... options) {
        packetStarts.add(w.size());
        ByteWriter body = body().u16(iface).u16(0).u32(rawTimestamp >>> 32).u32(rawTimestamp)
                .u32(data.length).u32(originalLength).bytes(data).pad32();
        return block(2, body, List.of(options));
    }

    PcapngBuilder spb(int originalLength, byte[] data) {
        packetStarts.add(w.size());
        return block(3, body().u32(originalLength).bytes(data).pad32(), List.of());
    }

    /** Name Resolution Block with one IPv4 record. */
    PcapngBuilder nrb(byte[] ipv4, String name) {
        byte[] value = new ByteWriter(w.order).bytes(ipv4).bytes(name.getBytes(StandardCharsets.US_ASCII)).u8(0).toByteArray();
        ByteWriter body = body().u16(1).u16(value.length).bytes(value).pad32().u16(0).u16(0);
        return block(4, body, List.of());
    }

    /** Any block with an opaque, already padded body. */
    PcapngBuilder raw(int type, byte[] paddedBody) {
        return block(type, body().bytes(paddedBody), List.of());
    }

    /** Appends bytes as they are, e.g. a deliberately broken block. */
    PcapngBuilder bytes(byte[] b) {
        blockStarts.add(w.size());
        w.bytes(b);
        return this;
    }

    int size() {
        return w.size();
    }

    byte[] build() {
        return w.toByteArray();
    }

    private ByteWriter body() {
        return new ByteWriter(w.order);
    }

    private PcapngBuilder block(int type, ByteWriter body, List<Opt> options) {
        for (Opt o : options) {
            body.u16(o.code()).u16(o.value().length).bytes(o.value()).pad32();
        }
        if (!options.isEmpty()) {
            body.u16(0).u16(0);
        }
        byte[] b = body.toByteArray();
        int total = 12 + b.length;
        blockStarts.add(w.size());
        w.u32(type).u32(total).bytes(b).u32(total);
        return this;
    }
}
