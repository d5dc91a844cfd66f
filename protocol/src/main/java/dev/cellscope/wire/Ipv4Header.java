package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * IPv4 header. Version (4) and IHL are derived: IHL = 5 + options/4. The checksum is a
 * component so that a decoded header re-encodes byte for byte, bad checksum included;
 * {@link #withComputedChecksum()} makes a correct one and {@link #checksumValid()} checks it.
 */
public record Ipv4Header(int dscpEcn, int totalLength, int identification, int flagsFragment, int ttl,
                         int protocol, int checksum, int src, int dst, Bytes options) {
    public static final int VERSION = 4, MIN_IHL = 5;

    private static final Layout L = LinkLayouts.IPV4;
    private static final Slot VERSION_IHL = L.slot("version_ihl"), DSCP_ECN = L.slot("dscp_ecn"),
            TOTAL_LEN = L.slot("total_len"), ID = L.slot("id"), FLAGS_FRAG = L.slot("flags_frag"),
            TTL = L.slot("ttl"), PROTO = L.slot("proto"), CHECKSUM = L.slot("checksum"),
            SRC = L.slot("src"), DST = L.slot("dst");

    public Ipv4Header {
        Require.unsigned(dscpEcn, 8, "dscpEcn");
        Require.unsigned(totalLength, 16, "totalLength");
        Require.unsigned(identification, 16, "identification");
        Require.unsigned(flagsFragment, 16, "flagsFragment");
        Require.unsigned(ttl, 8, "ttl");
        Require.unsigned(protocol, 8, "protocol");
        Require.unsigned(checksum, 16, "checksum");
        Objects.requireNonNull(options, "options");
        if (options.length() % 4 != 0 || options.length() > 40) {
            throw new IllegalArgumentException("options must be a multiple of 4 bytes, at most 40: " + options.length());
        }
        if (totalLength < L.size() + options.length()) {
            throw new IllegalArgumentException("totalLength " + totalLength + " below the header length");
        }
    }

    public int ihl() {
        return MIN_IHL + options.length() / 4;
    }

    public int headerLength() {
        return ihl() * 4;
    }

    public static Decoded<Ipv4Header> decode(MemorySegment seg, long offset, long available) {
        long n = Input.usable(seg, offset, available);
        if (n < 0) return Input.badWindow(seg, offset, available);
        if (n < L.size()) return Input.truncated("IPv4 header", L.size(), n);
        int versionIhl = VERSION_IHL.getInt(seg, offset);
        int version = versionIhl >>> 4, ihl = versionIhl & 0xF;
        if (version != VERSION) return Decoded.invalid("IP version " + version + " in an IPv4 header", VERSION_IHL.offset());
        if (ihl < MIN_IHL) return Decoded.invalid("IHL " + ihl + " below the minimum 5", VERSION_IHL.offset());
        int headerLength = ihl * 4;
        if (n < headerLength) return Input.truncated("IPv4 header with IHL " + ihl, headerLength, n);
        int totalLength = TOTAL_LEN.getInt(seg, offset);
        if (totalLength < headerLength) {
            return Decoded.invalid("total_len " + totalLength + " below the header length " + headerLength, TOTAL_LEN.offset());
        }
        return Decoded.ok(new Ipv4Header(DSCP_ECN.getInt(seg, offset), totalLength, ID.getInt(seg, offset),
                FLAGS_FRAG.getInt(seg, offset), TTL.getInt(seg, offset), PROTO.getInt(seg, offset),
                CHECKSUM.getInt(seg, offset), SRC.getInt(seg, offset), DST.getInt(seg, offset),
                Bytes.copyOf(seg, offset + L.size(), headerLength - L.size())), headerLength);
    }

    public static Decoded<Ipv4Header> decode(byte[] bytes) {
        return decode(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    public int encodedSize() {
        return headerLength();
    }

    public void encodeTo(MemorySegment dst, long offset) {
        VERSION_IHL.set(dst, offset, VERSION << 4 | ihl());
        DSCP_ECN.set(dst, offset, dscpEcn);
        TOTAL_LEN.set(dst, offset, totalLength);
        ID.set(dst, offset, identification);
        FLAGS_FRAG.set(dst, offset, flagsFragment);
        TTL.set(dst, offset, ttl);
        PROTO.set(dst, offset, protocol);
        CHECKSUM.set(dst, offset, checksum);
        SRC.set(dst, offset, src);
        DST.set(dst, offset, this.dst);
        options.copyTo(dst, offset + L.size());
    }

    public byte[] encode() {
        byte[] out = new byte[encodedSize()];
        encodeTo(MemorySegment.ofArray(out), 0);
        return out;
    }

    /** This header with the RFC 791 header checksum filled in. */
    public Ipv4Header withComputedChecksum() {
        Ipv4Header zeroed = new Ipv4Header(dscpEcn, totalLength, identification, flagsFragment, ttl, protocol, 0,
                src, this.dst, options);
        byte[] bytes = zeroed.encode();
        int sum = new InternetChecksum().add(MemorySegment.ofArray(bytes), 0, bytes.length).finish();
        return new Ipv4Header(dscpEcn, totalLength, identification, flagsFragment, ttl, protocol, sum,
                src, this.dst, options);
    }

    public boolean checksumValid() {
        byte[] bytes = encode();
        return new InternetChecksum().add(MemorySegment.ofArray(bytes), 0, bytes.length).finish() == 0;
    }
}
