package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * A Tether frame: the header block and zero or more 64-byte payload blocks. Tether carries
 * no length field, so {@link #decode} takes the frame's exact length (what follows the
 * EtherType or fills the UDP datagram) and insists on whole blocks.
 *
 * <p>The checksum is a CRC-64/GO-ISO over the frame with the checksum field zero. It is passed
 * in as a function of that zeroed frame, which keeps this package free of the crypto code.
 */
public record TetherFrame(TetherHeader header, Bytes payload) {
    public static final int BLOCK = TetherLayouts.BLOCK;

    public TetherFrame {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(payload, "payload");
        if (payload.length() % BLOCK != 0) {
            throw new IllegalArgumentException("payload of " + payload.length() + " bytes is not whole 64-byte blocks");
        }
    }

    /** A control frame (flow 0) carrying {@code control}, padded to whole blocks. */
    public static TetherFrame control(TetherHeader header, TetherControl control) {
        if (header.flowId() != 0) throw new IllegalArgumentException("control goes on flow 0, not " + header.flowId());
        return new TetherFrame(header, Bytes.of(control.encode()));
    }

    public static Decoded<TetherFrame> decode(MemorySegment seg, long offset, long length) {
        long n = Input.usable(seg, offset, length);
        if (n < 0) return Input.badWindow(seg, offset, length);
        if (n < length) return Input.truncated("Tether frame", length, n);
        if (length % BLOCK != 0) {
            return Decoded.invalid("Tether frame length " + length + " is not a multiple of 64", length - length % BLOCK);
        }
        if (length > Integer.MAX_VALUE - BLOCK) return Decoded.invalid("Tether frame length " + length + " too large", 0);
        Decoded<TetherHeader> decodedHeader = TetherHeader.decode(seg, offset, length);
        if (!(decodedHeader instanceof Decoded.Ok<TetherHeader>(TetherHeader header, int size))) {
            return decodedHeader.failure();
        }
        return Decoded.ok(new TetherFrame(header, Bytes.copyOf(seg, offset + size, (int) length - size)), (int) length);
    }

    public static Decoded<TetherFrame> decode(byte[] bytes) {
        return decode(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    /** The control message of a flow-0 frame. */
    public Decoded<TetherControl> control() {
        if (header.flowId() != 0) return Decoded.invalid("flow " + header.flowId() + " carries data, not control", 0);
        return TetherControl.decode(payload.asSegment(), 0, payload.length()).shifted(TetherHeader.SIZE);
    }

    public int encodedSize() {
        return TetherHeader.SIZE + payload.length();
    }

    /** Writes the frame with the header's checksum field as given. */
    public void encodeTo(MemorySegment dst, long offset) {
        header.encodeTo(dst, offset);
        payload.copyTo(dst, offset + TetherHeader.SIZE);
    }

    public byte[] encode() {
        byte[] out = new byte[encodedSize()];
        encodeTo(MemorySegment.ofArray(out), 0);
        return out;
    }

    /** This frame with its checksum set to {@code crc} of the frame with the checksum field zero. */
    public TetherFrame withComputedChecksum(ToLongFunction<MemorySegment> crc) {
        return new TetherFrame(header.withChecksum(checksumOf(crc)), payload);
    }

    /** The encoded frame carrying {@code crc} of itself with the checksum field zero. */
    public byte[] encodeWithChecksum(ToLongFunction<MemorySegment> crc) {
        return withComputedChecksum(crc).encode();
    }

    /** True when the header's checksum equals {@code crc} of the frame with the checksum field zero. */
    public boolean checksumMatches(ToLongFunction<MemorySegment> crc) {
        return checksumOf(crc) == header.checksum();
    }

    private long checksumOf(ToLongFunction<MemorySegment> crc) {
        byte[] out = encode();
        MemorySegment seg = MemorySegment.ofArray(out);
        header.putChecksum(seg, 0, 0);
        return crc.applyAsLong(seg.asReadOnly());
    }
}
