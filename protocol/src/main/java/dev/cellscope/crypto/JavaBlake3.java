package dev.cellscope.crypto;

import org.bouncycastle.crypto.digests.Blake3Digest;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * Pure-Java BLAKE3 over BouncyCastle's {@link Blake3Digest}, always available.
 *
 * <p>BouncyCastle only takes {@code byte[]}, so for a segment backed by a {@code byte[]}
 * (the usual case: capture files are read into heap arrays) the array is fed directly,
 * using {@link MemorySegment#heapBase()} and the segment's {@link MemorySegment#address()}
 * (its byte offset into that array). Native, read-only or non-byte-array segments are
 * copied through a reused 64 KiB buffer, so even a huge mapped file costs no big copy.
 * Digest and buffer are per thread, which keeps the single shared instance thread-safe
 * without locking.
 */
public final class JavaBlake3 implements Blake3Engine {
    static final int CHUNK = 64 * 1024;

    private static final class State {
        final Blake3Digest digest = new Blake3Digest(OUT_LEN * 8);
        byte[] buffer; // allocated on first copy only
    }

    private final ThreadLocal<State> state = ThreadLocal.withInitial(State::new);

    @Override
    public String name() {
        return "pure-Java (BouncyCastle Blake3Digest)";
    }

    @Override
    public void hash(MemorySegment in, long off, long len, byte[] out32) {
        if (out32.length < OUT_LEN) {
            throw new IllegalArgumentException("BLAKE3 output array needs " + OUT_LEN + " bytes, got " + out32.length);
        }
        Objects.checkFromIndexSize(off, len, in.byteSize());
        State s = state.get();
        Blake3Digest d = s.digest;
        d.reset();
        if (in.heapBase().orElse(null) instanceof byte[] array) {
            // For a heap segment, address() is the segment's start within the array.
            d.update(array, Math.toIntExact(in.address() + off), Math.toIntExact(len));
        } else {
            byte[] buf = s.buffer;
            if (buf == null) buf = s.buffer = new byte[CHUNK];
            for (long done = 0; done < len; ) {
                int n = (int) Math.min(CHUNK, len - done);
                MemorySegment.copy(in, ValueLayout.JAVA_BYTE, off + done, buf, 0, n);
                d.update(buf, 0, n);
                done += n;
            }
        }
        d.doFinal(out32, 0);
    }
}
