package dev.cellscope.wire;

import dev.cellscope.protocol.sbi.SbiLimits;
import dev.cellscope.protocol.sbi.SbiOps;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Optional;

/**
 * Cuts one direction's UTCP-SBI byte stream into whole messages (5-byte envelope + frame_len
 * bytes), for the peer and the tap alike (PROTOCOLS.md section 4).
 *
 * <p><b>Reject before allocate</b>: frame_len is checked with {@link SbiLimits#frameLenInRange}
 * as soon as its 4 bytes are in, before anything of the frame is buffered; until then only the
 * envelope's bytes are held in a fixed array. An out-of-range frame_len stops the framer (a
 * receiver NACKs and closes), so a hostile length never costs an allocation. A message that
 * lies whole in the input is handed on where it lies (no copy); otherwise its buffer is
 * allocated once, at its exact size, and handed over.
 *
 * <p><b>Holes</b> (the tap's hook; a peer's reliable stream has none): {@link #hole()} drops
 * the message the hole cut and reports it; the framer then looks for the next message start by
 * its signature (frame_len in range, an assigned op, magic "SB", version 1, container_len =
 * frame_len − 24, and whatever the caller's {@link StartCheck} adds: the tap checks the schema
 * fingerprint, which this package cannot compute), counting the bytes it skips.
 *
 * <p>Not thread-safe; one framer per direction.
 */
public final class SbiFramer {

    /** What the framer hands on, in stream order. */
    public interface Sink {
        /**
         * A whole message: {@code len} bytes of {@code seg} from {@code off}. When {@code inInput} it
         * lies in the segment passed to {@link #feed}; otherwise {@code seg} is a fresh array the
         * sink may keep. Returns false to stop framing (the reader closed).
         */
        boolean message(MemorySegment seg, long off, int len, boolean inInput);

        /**
         * frame_len out of range: framing has stopped. {@code atStreamStart} when no message began
         * before it (with {@link SbiLimits#startsLikeJson}: a legacy JSON peer).
         */
        void frameLenRejected(long frameLen, boolean atStreamStart);

        /** After a hole: a message start was found; {@code skipped} bytes were skipped since the last message. */
        default void resynchronised(long skipped) {}
    }

    /** The caller's part of a message start's signature, given {@link #SIGNATURE} bytes at {@code p}. */
    @FunctionalInterface
    public interface StartCheck {
        boolean isMessageStart(MemorySegment s, long p);
    }

    /**
     * What a hole cut: the op ({@code -1} when only part of the envelope was in), the bytes the
     * message (or envelope) needed and the bytes that had arrived.
     */
    public record Cut(int op, int length, int had) {
        public int missing() {
            return length - had;
        }
    }

    /** Envelope and preamble: the bytes a message start's signature is checked on. */
    public static final int SIGNATURE = SbiEnvelope.SIZE + SbiPreamble.SIZE;

    private static final int FRAME_LEN_END = SbiEnvelope.frameLenEnd();
    private static final int MAX_SCAN = 1 << 16;
    private static final Slot MAGIC = SbiLayouts.PREAMBLE.slot("magic"), VERSION = SbiLayouts.PREAMBLE.slot("version"),
            CONTAINER_LEN = SbiLayouts.PREAMBLE.slot("container_len");

    private enum State { HEADER, BODY, RESYNC, STOPPED }

    private final StartCheck startCheck;
    private State state = State.HEADER;
    private final byte[] envelope = new byte[SbiEnvelope.SIZE];
    private final MemorySegment envelopeSeg = MemorySegment.ofArray(envelope);
    private byte[] message;     // allocated once frame_len passed the check
    private int have;           // envelope bytes (HEADER) or message bytes (BODY)
    private boolean atStreamStart = true;
    private byte[] scan;        // bytes searched for a message start after a hole
    private int scanLen;
    private long skipped;
    private long ignored;

    /** A framer for a stream without holes (a peer's). */
    public SbiFramer() {
        this(null);
    }

    /** A framer that can resynchronise after a {@link #hole()}, with {@code startCheck} as part of the signature. */
    public SbiFramer(StartCheck startCheck) {
        this.startCheck = startCheck;
    }

    /** Feeds {@code len} in-order bytes of {@code seg} from {@code off}; hands each complete message to the sink. */
    public void feed(MemorySegment seg, long off, long len, Sink sink) {
        feed(seg, off, off + len, sink, true);
    }

    /** {@link #feed(MemorySegment, long, long, Sink)} over a whole array. */
    public void feed(byte[] chunk, Sink sink) {
        feed(MemorySegment.ofArray(chunk), 0, chunk.length, sink);
    }

    private void feed(MemorySegment seg, long off, long end, Sink sink, boolean inInput) {
        while (off < end) {
            switch (state) {
                case STOPPED -> {
                    ignored += end - off;
                    return;
                }
                case RESYNC -> {
                    resync(seg, off, (int) (end - off), sink);
                    return;
                }
                case HEADER -> {
                    if (have == 0 && end - off >= SbiEnvelope.SIZE) {
                        long frameLen = SbiEnvelope.frameLen(seg, off);
                        if (!accept(frameLen, sink)) continue;
                        int total = SbiEnvelope.SIZE + (int) frameLen;
                        if (end - off >= total) { // the whole message is here: no copy
                            atStreamStart = false;
                            skipped = 0;
                            boolean go = sink.message(seg, off, total, inInput);
                            off += total;
                            if (!go) stop();
                            continue;
                        }
                    }
                    int take = (int) Math.min(SbiEnvelope.SIZE - have, end - off);
                    MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, off, envelope, have, take);
                    int before = have;
                    have += take;
                    off += take;
                    if (before < FRAME_LEN_END && have >= FRAME_LEN_END && !accept(SbiEnvelope.frameLen(envelopeSeg, 0), sink)) {
                        continue;
                    }
                    if (have == SbiEnvelope.SIZE) {
                        message = new byte[SbiEnvelope.SIZE + (int) SbiEnvelope.frameLen(envelopeSeg, 0)]; // bounded: checked
                        System.arraycopy(envelope, 0, message, 0, SbiEnvelope.SIZE);
                        atStreamStart = false;
                        state = State.BODY;
                    }
                }
                case BODY -> {
                    int take = (int) Math.min(message.length - have, end - off);
                    MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, off, message, have, take);
                    have += take;
                    off += take;
                    if (have == message.length) {
                        byte[] done = message;
                        message = null;
                        have = 0;
                        skipped = 0;
                        state = State.HEADER;
                        if (!sink.message(MemorySegment.ofArray(done), 0, done.length, false)) stop();
                    }
                }
            }
        }
    }

    /** The one frame_len check: out of range stops the framer and tells the sink. */
    private boolean accept(long frameLen, Sink sink) {
        if (SbiLimits.frameLenInRange(frameLen)) return true;
        boolean start = atStreamStart;
        stop();
        sink.frameLenRejected(frameLen, start);
        return false;
    }

    /**
     * Packets of unknown size were lost before the next bytes: drops the message in progress
     * (returned, if one had begun) and looks for the next message start in what follows.
     * Ignored once stopped.
     *
     * @throws IllegalStateException if this framer was made without a {@link StartCheck}
     */
    public Optional<Cut> hole() {
        if (startCheck == null) throw new IllegalStateException("this framer's stream has no holes");
        if (state == State.STOPPED) return Optional.empty();
        Cut cut = null;
        if (state == State.BODY) cut = new Cut(message[4] & 0xFF, message.length, have);
        else if (state == State.HEADER && have > 0) cut = new Cut(-1, SbiEnvelope.SIZE, have);
        message = null;
        have = 0;
        scanLen = 0;
        atStreamStart = false;
        state = State.RESYNC;
        return Optional.ofNullable(cut);
    }

    /** Looks for the next message start after a hole; skipped bytes are counted. */
    private void resync(MemorySegment seg, long off, int len, Sink sink) {
        if (scan == null) scan = new byte[256];
        if (scanLen + len > scan.length) scan = Arrays.copyOf(scan, Math.max(scan.length * 2, scanLen + len));
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, off, scan, scanLen, len);
        scanLen += len;
        MemorySegment s = MemorySegment.ofArray(scan);
        for (int p = 0; p + SIGNATURE <= scanLen; p++) {
            if (isMessageStart(s, p)) {
                skipped += p;
                sink.resynchronised(skipped);
                byte[] rest = Arrays.copyOfRange(scan, p, scanLen);
                scanLen = 0;
                state = State.HEADER;
                feed(MemorySegment.ofArray(rest), 0, rest.length, sink, false);
                return;
            }
        }
        // Keep only what could still begin a signature; the rest is skipped.
        int keep = Math.min(scanLen, SIGNATURE - 1);
        skipped += scanLen - keep;
        System.arraycopy(scan, scanLen - keep, scan, 0, keep);
        scanLen = keep;
        if (scan.length > MAX_SCAN) scan = Arrays.copyOf(scan, 256);
    }

    private boolean isMessageStart(MemorySegment s, long p) {
        long frameLen = SbiEnvelope.frameLen(s, p);
        if (!SbiLimits.frameLenInRange(frameLen)) return false;
        if (!SbiOps.assigned(SbiEnvelope.op(s, p))) return false;
        long pre = p + SbiEnvelope.SIZE;
        if (s.get(ValueLayout.JAVA_BYTE, pre + MAGIC.offset()) != 'S' || s.get(ValueLayout.JAVA_BYTE, pre + MAGIC.offset() + 1) != 'B') {
            return false;
        }
        if (VERSION.getInt(s, pre) != SbiPreamble.VERSION) return false;
        if (CONTAINER_LEN.get(s, pre) != frameLen - SbiPreamble.SIZE) return false;
        return startCheck.isMessageStart(s, p);
    }

    /** Stops framing: what follows is ignored. */
    public void stop() {
        state = State.STOPPED;
        message = null;
    }

    public boolean stopped() {
        return state == State.STOPPED;
    }

    /** Bytes held for the message in progress (its allocated buffer's size once frame_len passed), for limits and tests. */
    public int bufferedBytes() {
        return switch (state) {
            case BODY -> message.length;
            case HEADER -> have;
            default -> 0;
        };
    }

    /** Bytes fed after the framer stopped. */
    public long ignoredBytes() {
        return ignored;
    }
}
