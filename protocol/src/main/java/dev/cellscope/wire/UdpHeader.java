package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;

/**
 * UDP header. {@code length} covers header and payload; the checksum is kept as found, and
 * computed over the IPv4 or IPv6 pseudo-header by the {@code withChecksum} methods.
 */
public record UdpHeader(int srcPort, int dstPort, int length, int checksum) {
    private static final Layout L = LinkLayouts.UDP;
    private static final Slot SRC_PORT = L.slot("src_port"), DST_PORT = L.slot("dst_port"),
            LENGTH = L.slot("length"), CHECKSUM = L.slot("checksum");

    public UdpHeader {
        Require.unsigned(srcPort, 16, "srcPort");
        Require.unsigned(dstPort, 16, "dstPort");
        Require.unsigned(length, 16, "length");
        Require.unsigned(checksum, 16, "checksum");
        if (length < L.size()) throw new IllegalArgumentException("length " + length + " below the 8-byte header");
    }

    public static Decoded<UdpHeader> decode(MemorySegment seg, long offset, long available) {
        long n = Input.usable(seg, offset, available);
        if (n < 0) return Input.badWindow(seg, offset, available);
        if (n < L.size()) return Input.truncated("UDP header", L.size(), n);
        int length = LENGTH.getInt(seg, offset);
        if (length < L.size()) return Decoded.invalid("UDP length " + length + " below the 8-byte header", LENGTH.offset());
        return Decoded.ok(new UdpHeader(SRC_PORT.getInt(seg, offset), DST_PORT.getInt(seg, offset), length,
                CHECKSUM.getInt(seg, offset)), L.size());
    }

    public static Decoded<UdpHeader> decode(byte[] bytes) {
        return decode(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    public int encodedSize() {
        return L.size();
    }

    public void encodeTo(MemorySegment dst, long offset) {
        SRC_PORT.set(dst, offset, srcPort);
        DST_PORT.set(dst, offset, dstPort);
        LENGTH.set(dst, offset, length);
        CHECKSUM.set(dst, offset, checksum);
    }

    public byte[] encode() {
        byte[] out = new byte[encodedSize()];
        encodeTo(MemorySegment.ofArray(out), 0);
        return out;
    }

    /** This header with the checksum over the IPv4 pseudo-header (RFC 768) and {@code payload}. */
    public UdpHeader withChecksumIpv4(int srcIp, int dstIp, Bytes payload) {
        InternetChecksum sum = new InternetChecksum().add32(srcIp & 0xFFFF_FFFFL).add32(dstIp & 0xFFFF_FFFFL)
                .add16(LinkLayouts.IP_PROTO_UDP).add16(length);
        return withSum(sum, payload);
    }

    /** This header with the checksum over the IPv6 pseudo-header (RFC 8200 section 8.1) and {@code payload}. */
    public UdpHeader withChecksumIpv6(Bytes srcIp, Bytes dstIp, Bytes payload) {
        InternetChecksum sum = new InternetChecksum().add(srcIp).add(dstIp).add32(length)
                .add32(LinkLayouts.IP_PROTO_UDP);
        return withSum(sum, payload);
    }

    private UdpHeader withSum(InternetChecksum pseudo, Bytes payload) {
        pseudo.add16(srcPort).add16(dstPort).add16(length).add(payload);
        int sum = pseudo.finish();
        // Zero means "no checksum" in UDP, so a computed zero is sent as all ones (RFC 768).
        return new UdpHeader(srcPort, dstPort, length, sum == 0 ? 0xFFFF : sum);
    }
}
