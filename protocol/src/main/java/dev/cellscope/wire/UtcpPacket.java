package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A UTCP header and its payload. Bytes after {@code payload_len} (Ethernet padding) are not
 * part of the packet: the decoded length is 40 + payload_len.
 */
public record UtcpPacket(UtcpHeader header, Bytes payload) {

    public UtcpPacket {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(payload, "payload");
        if (payload.length() != header.payloadLength()) {
            throw new IllegalArgumentException("payload is " + payload.length() + " bytes, header says "
                    + header.payloadLength());
        }
    }

    public static Decoded<UtcpPacket> decode(MemorySegment seg, long offset, long available) {
        long n = Input.usable(seg, offset, available);
        if (n < 0) return Input.badWindow(seg, offset, available);
        Decoded<UtcpHeader> decodedHeader = UtcpHeader.decode(seg, offset, n);
        if (!(decodedHeader instanceof Decoded.Ok<UtcpHeader>(UtcpHeader header, int size))) return decodedHeader.failure();
        int len = header.payloadLength();
        if (len > n - size) {
            return Decoded.invalid("payload_len " + len + " exceeds the " + (n - size) + " bytes present",
                    UtcpHeader.payloadLengthOffset());
        }
        return Decoded.ok(new UtcpPacket(header, Bytes.copyOf(seg, offset + size, len)), size + len);
    }

    public static Decoded<UtcpPacket> decode(byte[] bytes) {
        return decode(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    public int encodedSize() {
        return header.encodedSize() + payload.length();
    }

    public void encodeTo(MemorySegment dst, long offset) {
        header.encodeTo(dst, offset);
        payload.copyTo(dst, offset + header.encodedSize());
    }

    public byte[] encode() {
        byte[] out = new byte[encodedSize()];
        encodeTo(MemorySegment.ofArray(out), 0);
        return out;
    }
}
