package dev.cellscope.wire;

import dev.cellscope.protocol.utcp.UtcpLimits;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The payload of a UTCP NACK packet: {@code payload_len / 8} ranges of {first u32, count u32}. */
public record UtcpNack(List<NackRange> ranges) {
    private static final Layout L = UtcpLayouts.NACK_RANGE;
    private static final Slot FIRST = L.slot("first"), COUNT = L.slot("count");
    /** payload_len is a u16, so that many ranges at most. */
    public static final int MAX_RANGES = UtcpLimits.MAX_NACK_RANGES;

    public UtcpNack {
        ranges = List.copyOf(Objects.requireNonNull(ranges, "ranges"));
        if (ranges.size() > MAX_RANGES) throw new IllegalArgumentException(ranges.size() + " ranges exceed payload_len");
    }

    /** Decodes a NACK payload of exactly {@code payloadLength} bytes (the header's payload_len). */
    public static Decoded<UtcpNack> decode(MemorySegment seg, long offset, long payloadLength) {
        long n = Input.usable(seg, offset, payloadLength);
        if (n < 0) return Input.badWindow(seg, offset, payloadLength);
        if (payloadLength % L.size() != 0) {
            return Decoded.invalid("NACK payload_len " + payloadLength + " is not a multiple of " + L.size(), 0);
        }
        if (n < payloadLength) return Input.truncated("NACK payload", payloadLength, n);
        if (payloadLength / L.size() > MAX_RANGES) {
            return Decoded.invalid("NACK payload_len " + payloadLength + " exceeds the u16 field", 0);
        }
        int count = (int) (payloadLength / L.size());
        List<NackRange> ranges = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long base = offset + (long) i * L.size();
            ranges.add(new NackRange(FIRST.get(seg, base), COUNT.get(seg, base)));
        }
        return Decoded.ok(new UtcpNack(ranges), (int) payloadLength);
    }

    public static Decoded<UtcpNack> decode(byte[] bytes) {
        return decode(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    /** The ranges of a NACK payload; see {@link #decode(MemorySegment, long, long)}. */
    public static Decoded<List<NackRange>> decodeRanges(MemorySegment seg, long offset, long payloadLength) {
        return decode(seg, offset, payloadLength).map(UtcpNack::ranges);
    }

    public int encodedSize() {
        return ranges.size() * L.size();
    }

    public void encodeTo(MemorySegment dst, long offset) {
        for (int i = 0; i < ranges.size(); i++) {
            long base = offset + (long) i * L.size();
            FIRST.set(dst, base, ranges.get(i).first());
            COUNT.set(dst, base, ranges.get(i).count());
        }
    }

    public byte[] encode() {
        byte[] out = new byte[encodedSize()];
        encodeTo(MemorySegment.ofArray(out), 0);
        return out;
    }
}
