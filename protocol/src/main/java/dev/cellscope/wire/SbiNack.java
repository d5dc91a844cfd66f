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
        Decoded<SbiNack> bad = SbiShape.check(SbiLayouts.OP_NACK, seg, offset, length);
        if (bad != null) return bad;
        int errorLen = ERROR_LEN.getInt(seg, offset);
        long rest = length - L.size();
        if (errorLen != rest) {
            return Decoded.invalid("malformed: NACK error_len " + errorLen + " but " + rest
                    + " bytes follow the spine", ERROR_LEN.offset());
        }
        ByteBuffer utf8 = seg.asSlice(offset + L.size(), errorLen).asByteBuffer();
        CharBuffer text = CharBuffer.allocate(errorLen);  // UTF-8 never yields more chars than bytes
        CoderResult result = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(utf8, text, true);
        if (result.isError()) {
            return Decoded.invalid("malformed: NACK error string is not valid UTF-8", L.size() + utf8.position());
        }
        return Decoded.ok(new SbiNack(REF_SEQ.get(seg, offset), ERROR_CODE.getInt(seg, offset), text.flip().toString()),
                (int) length);
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
