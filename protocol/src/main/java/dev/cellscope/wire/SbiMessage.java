package dev.cellscope.wire;

import dev.cellscope.protocol.sbi.SbiLimits;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * One UTCP-SBI message: envelope (frame_len, op), preamble and container. frame_len and
 * container_len are derived from the container, so a message that exists is consistent.
 *
 * <p>{@link #decode} follows the receiver's order: frame_len range first (reject before
 * allocate), then presence of the whole message ({@link Decoded.Incomplete}: wait for more),
 * then container_len, then the op's layout.
 */
public record SbiMessage(int op, SbiPreamble preamble, SbiContainer container) {
    private static final int HEADERS = SbiEnvelope.SIZE + SbiPreamble.SIZE;

    public SbiMessage {
        Objects.requireNonNull(preamble, "preamble");
        Objects.requireNonNull(container, "container");
        if (op != container.op()) throw new IllegalArgumentException("op " + op + " carries a container of op " + container.op());
        if (preamble.containerLength() != container.encodedSize()) {
            throw new IllegalArgumentException("container_len " + preamble.containerLength() + ", container is "
                    + container.encodedSize() + " bytes");
        }
        if (!SbiLimits.frameLenInRange(SbiPreamble.SIZE + (long) container.encodedSize())) {
            throw new IllegalArgumentException("frame of " + (SbiPreamble.SIZE + container.encodedSize()) + " bytes out of range");
        }
    }

    /** A message around {@code container} with a version-1 preamble carrying {@code schema}. */
    public static SbiMessage of(SbiContainer container, Bytes schema) {
        return new SbiMessage(container.op(), SbiPreamble.of(container.encodedSize(), schema), container);
    }

    public long frameLen() {
        return SbiPreamble.SIZE + (long) container.encodedSize();
    }

    public SbiEnvelope envelope() {
        return new SbiEnvelope(frameLen(), op);
    }

    public static Decoded<SbiMessage> decode(MemorySegment seg, long offset, long available) {
        long n = Input.usable(seg, offset, available);
        if (n < 0) return Input.badWindow(seg, offset, available);
        if (n < SbiEnvelope.frameLenEnd()) return Decoded.incomplete(SbiEnvelope.SIZE, n);
        long frameLen = SbiEnvelope.frameLen(seg, offset);
        if (!SbiLimits.frameLenInRange(frameLen)) return Decoded.invalid(SbiEnvelope.outOfRange(frameLen), 0);
        long total = SbiEnvelope.SIZE + frameLen;
        if (n < total) return Decoded.incomplete(total, n);

        SbiEnvelope envelope = SbiEnvelope.decode(seg, offset, n).orElseThrow();  // present: n >= total
        Decoded<SbiPreamble> decodedPreamble = SbiPreamble.decode(seg, offset + SbiEnvelope.SIZE, frameLen);
        if (!(decodedPreamble instanceof Decoded.Ok<SbiPreamble>(SbiPreamble preamble, _))) {
            return decodedPreamble.<SbiMessage>failure().shifted(SbiEnvelope.SIZE);
        }
        long containerLen = frameLen - SbiPreamble.SIZE;
        if (preamble.containerLength() != containerLen) {
            return Decoded.invalid("malformed: container_len " + preamble.containerLength() + ", frame_len " + frameLen
                    + " needs " + containerLen, SbiEnvelope.SIZE + SbiPreamble.containerLengthOffset());
        }
        Decoded<SbiContainer> container = SbiContainer.decode(envelope.op(), seg, offset + HEADERS, containerLen);
        if (!(container instanceof Decoded.Ok<SbiContainer>(SbiContainer value, _))) {
            return container.<SbiMessage>failure().shifted(HEADERS);
        }
        return Decoded.ok(new SbiMessage(envelope.op(), preamble, value), (int) total);
    }

    public static Decoded<SbiMessage> decode(byte[] bytes) {
        return decode(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    public int encodedSize() {
        return HEADERS + container.encodedSize();
    }

    public void encodeTo(MemorySegment dst, long offset) {
        envelope().encodeTo(dst, offset);
        preamble.encodeTo(dst, offset + SbiEnvelope.SIZE);
        container.encodeTo(dst, offset + HEADERS);
    }

    public byte[] encode() {
        byte[] out = new byte[encodedSize()];
        encodeTo(MemorySegment.ofArray(out), 0);
        return out;
    }
}
