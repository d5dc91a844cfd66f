package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;

/** IPv6 fixed header (no extension headers); the version nibble (6) is derived. */
public record Ipv6Header(int trafficClass, int flowLabel, int payloadLength, int nextHeader, int hopLimit,
                         Bytes src, Bytes dst) {
    public static final int VERSION = 6, ADDRESS_SIZE = 16;

    private static final Layout L = LinkLayouts.IPV6;
    private static final Slot VERSION_CLASS_FLOW = L.slot("version_class_flow"), PAYLOAD_LEN = L.slot("payload_len"),
            NEXT_HEADER = L.slot("next_header"), HOP_LIMIT = L.slot("hop_limit"), SRC = L.slot("src"),
            DST = L.slot("dst");

    public Ipv6Header {
        Require.unsigned(trafficClass, 8, "trafficClass");
        Require.unsigned(flowLabel, 20, "flowLabel");
        Require.unsigned(payloadLength, 16, "payloadLength");
        Require.unsigned(nextHeader, 8, "nextHeader");
        Require.unsigned(hopLimit, 8, "hopLimit");
        Require.length(src, ADDRESS_SIZE, "src");
        Require.length(dst, ADDRESS_SIZE, "dst");
    }

    public static Decoded<Ipv6Header> decode(MemorySegment seg, long offset, long available) {
        long n = Input.usable(seg, offset, available);
        if (n < 0) return Input.badWindow(seg, offset, available);
        if (n < L.size()) return Input.truncated("IPv6 header", L.size(), n);
        long vcf = VERSION_CLASS_FLOW.get(seg, offset);
        int version = (int) (vcf >>> 28);
        if (version != VERSION) {
            return Decoded.invalid("IP version " + version + " in an IPv6 header", VERSION_CLASS_FLOW.offset());
        }
        return Decoded.ok(new Ipv6Header((int) (vcf >>> 20) & 0xFF, (int) vcf & 0xFFFFF,
                PAYLOAD_LEN.getInt(seg, offset), NEXT_HEADER.getInt(seg, offset), HOP_LIMIT.getInt(seg, offset),
                Bytes.copyOf(seg, offset + SRC.offset(), SRC.size()),
                Bytes.copyOf(seg, offset + DST.offset(), DST.size())), L.size());
    }

    public static Decoded<Ipv6Header> decode(byte[] bytes) {
        return decode(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    public int encodedSize() {
        return L.size();
    }

    public void encodeTo(MemorySegment dst, long offset) {
        VERSION_CLASS_FLOW.set(dst, offset, (long) VERSION << 28 | (long) trafficClass << 20 | flowLabel);
        PAYLOAD_LEN.set(dst, offset, payloadLength);
        NEXT_HEADER.set(dst, offset, nextHeader);
        HOP_LIMIT.set(dst, offset, hopLimit);
        SRC.setBytes(dst, offset, src.toArray());
        DST.setBytes(dst, offset, this.dst.toArray());
    }

    public byte[] encode() {
        byte[] out = new byte[encodedSize()];
        encodeTo(MemorySegment.ofArray(out), 0);
        return out;
    }
}
