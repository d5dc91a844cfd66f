package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * NACK (op 0xF1): an 8-byte spine, then exactly error_len bytes of UTF-8. Bytes that are not
 * UTF-8 make the container malformed (Invalid) rather than being replaced, so a decoded NACK
 * always re-encodes to the bytes it came from; the strings the spec defines are ASCII names.
 */
public record SbiNack(long refSeq, int errorCode, String error) implements SbiContainer {
    private static final Layout L = SbiLayouts.NACK;
    private static final Slot REF_SEQ = L.slot("ref_seq"), ERROR_CODE = L.slot("error_code"),
            ERROR_LEN = L.slot("error_len");

    public SbiNack {
        Require.unsigned(refSeq, 32, "refSeq");
        Require.unsigned(errorCode, 16, "errorCode");
        Objects.requireNonNull(error, "error");
        try {
            Require.unsigned(StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(error)).remaining(), 16,
                    "error_len");
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("error is not well-formed UTF-16 (an unpaired surrogate)", e);
        }
    }

    public static Decoded<SbiNack> decode(MemorySegment seg, long offset, long length) {
        Decoded<SbiNack> bad = spine(seg, offset, length);
        if (bad != null) return bad;
        CharBuffer text = CharBuffer.allocate(ERROR_LEN.getInt(seg, offset));  // UTF-8 never yields more chars than bytes
        bad = text(seg, offset, text);
        if (bad != null) return bad;
        return Decoded.ok(new SbiNack(REF_SEQ.get(seg, offset), ERROR_CODE.getInt(seg, offset), text.flip().toString()),
                (int) length);
    }

    /** Null when {@link #decode} accepts the container, else the failure it returns (no record is built). */
    static <T> Decoded<T> problem(MemorySegment seg, long offset, long length) {
        Decoded<T> bad = spine(seg, offset, length);
        return bad != null ? bad : text(seg, offset, CharBuffer.allocate(ERROR_LEN.getInt(seg, offset)));
    }

    /** Where an error_len that disagrees with the container's length is reported. */
    public static int errorLenOffset() {
        return ERROR_LEN.offset();
    }

    /** Where the error string starts (a UTF-8 failure is reported at or after it). */
    public static int errorOffset() {
        return L.size();
    }

    private static <T> Decoded<T> spine(MemorySegment seg, long offset, long length) {
        Decoded<T> bad = SbiShape.check(SbiLayouts.OP_NACK, seg, offset, length);
        if (bad != null) return bad;
        int errorLen = ERROR_LEN.getInt(seg, offset);
        long rest = length - L.size();
        if (errorLen != rest) {
            return Decoded.invalid("malformed: NACK error_len " + errorLen + " but " + rest
                    + " bytes follow the spine", ERROR_LEN.offset());
        }
        return null;
    }

    /** Decodes the error string into {@code text}; bytes that are not UTF-8 are a failure. */
    private static <T> Decoded<T> text(MemorySegment seg, long offset, CharBuffer text) {
        ByteBuffer utf8 = seg.asSlice(offset + L.size(), text.capacity()).asByteBuffer();
        CoderResult result = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(utf8, text, true);
        if (result.isError()) {
            return Decoded.invalid("malformed: NACK error string is not valid UTF-8", L.size() + utf8.position());
        }
        return null;
    }

    public static Decoded<SbiNack> decode(byte[] bytes) {
        return decode(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    @Override public int op() { return SbiLayouts.OP_NACK; }
    @Override public int encodedSize() { return L.size() + utf8().length; }

    @Override
    public void encodeTo(MemorySegment dst, long offset) {
        byte[] text = utf8();
        REF_SEQ.set(dst, offset, refSeq);
        ERROR_CODE.set(dst, offset, errorCode);
        ERROR_LEN.set(dst, offset, text.length);
        MemorySegment.copy(MemorySegment.ofArray(text), 0, dst, offset + L.size(), text.length);
    }

    private byte[] utf8() {
        return error.getBytes(StandardCharsets.UTF_8);
    }
}
