package dev.cellscope.endpoint.sbi;

import dev.cellscope.wire.SbiEnvelope;

/**
 * Cuts the incoming byte stream into whole messages (envelope + SBI frame), checking frame_len
 * before it buffers anything of a frame: until frame_len is known only the 5 envelope bytes are
 * held in a fixed array; an out-of-range frame_len stops the reader there, so a hostile length
 * (0x80000000, a JSON brace) never costs an allocation. A message's buffer is allocated once,
 * at its exact size (at most 5 + 262144 bytes).
 */
final class FrameReader {

    /** What the reader found. */
    sealed interface Result {
        /** A whole message: the 5-byte envelope then frame_len bytes. */
        record Message(byte[] bytes) implements Result {}

        /** frame_len out of [24, 262144]; {@code legacyJson} when the stream began with '{'. */
        record BadFrameLen(long frameLen, boolean legacyJson) implements Result {}
    }

    interface Sink {
        /** Returns false to stop reading (the peer closed). */
        boolean accept(Result result);
    }

    private final byte[] envelope = new byte[SbiEnvelope.SIZE];
    private int envelopeFill;
    private byte[] message; // allocated once frame_len passed the check
    private int messageFill;
    private boolean atStreamStart = true;
    private boolean stopped;

    /** Feeds one chunk; hands each complete message (or the first bad length) to the sink. */
    void feed(byte[] chunk, Sink sink) {
        int pos = 0;
        while (!stopped && pos < chunk.length) {
            if (message == null) {
                int take = Math.min(SbiEnvelope.SIZE - envelopeFill, chunk.length - pos);
                System.arraycopy(chunk, pos, envelope, envelopeFill, take);
                envelopeFill += take;
                pos += take;
                if (envelopeFill >= 4 && !startMessage(sink)) return;
            } else {
                int take = Math.min(message.length - messageFill, chunk.length - pos);
                System.arraycopy(chunk, pos, message, messageFill, take);
                messageFill += take;
                pos += take;
                if (messageFill == message.length) {
                    byte[] done = message;
                    message = null;
                    envelopeFill = 0;
                    messageFill = 0;
                    if (!sink.accept(new Result.Message(done))) stopped = true;
                }
            }
        }
    }

    /** With frame_len read: reject it, or allocate once the whole envelope is there. */
    private boolean startMessage(Sink sink) {
        long frameLen = ((envelope[0] & 0xFFL) << 24) | ((envelope[1] & 0xFFL) << 16) | ((envelope[2] & 0xFFL) << 8)
                | (envelope[3] & 0xFFL);
        if (!SbiEnvelope.frameLenInRange(frameLen)) {
            stopped = true;
            sink.accept(new Result.BadFrameLen(frameLen, atStreamStart && envelope[0] == '{'));
            return false;
        }
        if (envelopeFill < SbiEnvelope.SIZE) return true; // the op byte is still to come
        atStreamStart = false;
        message = new byte[SbiEnvelope.SIZE + (int) frameLen];
        System.arraycopy(envelope, 0, message, 0, SbiEnvelope.SIZE);
        messageFill = SbiEnvelope.SIZE;
        return true;
    }

    /** Bytes held for the message in progress (the allocated buffer's size), for tests and metrics. */
    int bufferedBytes() {
        return message != null ? message.length : envelopeFill;
    }

    void stop() {
        stopped = true;
    }
}
