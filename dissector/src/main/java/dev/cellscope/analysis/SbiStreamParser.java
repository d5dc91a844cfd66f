package dev.cellscope.analysis;

import dev.cellscope.crypto.SchemaFingerprints;
import dev.cellscope.expert.Expert;
import dev.cellscope.expert.SbiExperts;
import dev.cellscope.field.SbiFields;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static dev.cellscope.wire.SbiLayouts.*;

/**
 * Cuts one direction's reassembled stream into UTCP-SBI messages (PROTOCOLS.md section 4).
 * The envelope's frame_len is checked before anything is buffered; an out-of-range value stops
 * the direction, as a receiver would NACK and close. After a hole of unknown size the parser
 * looks for the next message start by its signature (frame_len in range, assigned op, "SB",
 * version 1, container_len = frame_len − 24, a known schema fingerprint) and counts the bytes
 * it skipped. A message cut by a hole is reported lost, never decoded as corrupt data.
 */
final class SbiStreamParser implements StreamSink {
    private static final ValueLayout.OfInt U32_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Envelope and preamble: what a message start's signature is checked on. */
    private static final int SIGNATURE = ENVELOPE_SIZE + PREAMBLE_SIZE;
    private static final int MAX_SCAN = 1 << 16;

    private enum State { HEADER, BODY, RESYNC, CLOSED }

    private State state = State.HEADER;
    private final byte[] envelope = new byte[ENVELOPE_SIZE];
    private byte[] message;
    private int have;
    private final List<Long> carriers = new ArrayList<>(2);
    private byte[] scan;
    private int scanLen;
    private long skipped;
    private long msgIndex;
    private boolean uncertain;
    private long ignoredBytes;
    private long rejectedFrameLen = -1;

    private final List<SbiDelivery> delivered = new ArrayList<>(2);
    private final List<Expert> findings = new ArrayList<>(0);

    /** Messages completed since the last call, in stream order. */
    List<SbiDelivery> takeDelivered() {
        if (delivered.isEmpty()) return List.of();
        List<SbiDelivery> out = List.copyOf(delivered);
        delivered.clear();
        return out;
    }

    /** Findings since the last call. */
    List<Expert> takeFindings() {
        if (findings.isEmpty()) return List.of();
        List<Expert> out = List.copyOf(findings);
        findings.clear();
        return out;
    }

    /** The out-of-range frame_len that closed the direction since the last call, or -1. */
    long takeRejectedFrameLen() {
        long r = rejectedFrameLen;
        rejectedFrameLen = -1;
        return r;
    }

    boolean closed() {
        return state == State.CLOSED;
    }

    /** Frames whose bytes belong to the message being assembled (for reassembled_in links). */
    List<Long> pendingCarriers() {
        return carriers;
    }

    @Override
    public void bytes(MemorySegment seg, long off, int len, long frame, int frameOffset) {
        long end = off + len, chunk = off;
        while (off < end) {
            switch (state) {
                case CLOSED -> {
                    ignoredBytes += end - off;
                    return;
                }
                case RESYNC -> {
                    resync(seg, off, (int) (end - off), frame);
                    return;
                }
                case HEADER -> {
                    if (have == 0 && end - off >= ENVELOPE_SIZE) {
                        long frameLen = seg.get(U32_BE, off) & 0xFFFF_FFFFL;
                        if (!checkFrameLen(frameLen, seg.get(ValueLayout.JAVA_BYTE, off))) continue;
                        int total = ENVELOPE_SIZE + (int) frameLen;
                        if (end - off >= total) { // the whole message is here: no copy
                            addCarrier(frame);
                            deliver(seg, off, total, frameOffset < 0 ? -1 : (int) (frameOffset + off - chunk));
                            off += total;
                            continue;
                        }
                    }
                    int take = (int) Math.min(ENVELOPE_SIZE - have, end - off);
                    MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, off, envelope, have, take);
                    have += take;
                    off += take;
                    addCarrier(frame);
                    if (have == ENVELOPE_SIZE) {
                        long frameLen = MemorySegment.ofArray(envelope).get(U32_BE, 0) & 0xFFFF_FFFFL;
                        if (!checkFrameLen(frameLen, envelope[0])) continue;
                        message = new byte[ENVELOPE_SIZE + (int) frameLen]; // bounded: frame_len was checked
                        System.arraycopy(envelope, 0, message, 0, ENVELOPE_SIZE);
                        state = State.BODY;
                    }
                }
                case BODY -> {
                    int take = (int) Math.min(message.length - have, end - off);
                    MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, off, message, have, take);
                    have += take;
                    off += take;
                    addCarrier(frame);
                    if (have == message.length) {
                        deliver(MemorySegment.ofArray(message), 0, message.length, -1);
                        message = null;
                        state = State.HEADER;
                    }
                }
            }
        }
    }

    @Override
    public void hole(long missingSeqs, long frame) {
        if (state == State.CLOSED) return;
        if (state == State.BODY || (state == State.HEADER && have > 0)) {
            int need = state == State.BODY ? message.length : ENVELOPE_SIZE;
            String what = state == State.BODY ? SbiFields.OP_NAMES.getOrDefault((long) (message[4] & 0xFF), "op " + (message[4] & 0xFF)) + " of " + message.length + " bytes" : "envelope";
            findings.add(new Expert(SbiExperts.MESSAGE_LOST, "SBI message " + msgIndex + " (" + what + ") lost: "
                    + (need - have) + " of its bytes were in " + missingSeqs + " packet(s) the tap never saw"));
            msgIndex++;
        }
        message = null;
        have = 0;
        carriers.clear();
        scanLen = 0;
        uncertain = true;
        state = State.RESYNC;
    }

    private boolean checkFrameLen(long frameLen, byte first) {
        if (frameLen >= PREAMBLE_SIZE && frameLen <= MAX_FRAME) return true;
        boolean json = first == '{';
        rejectedFrameLen = frameLen;
        findings.add(new Expert(SbiExperts.FRAME_LEN_RANGE, "invalid_frame_size: frame_len " + frameLen + " out of range ["
                + PREAMBLE_SIZE + ", " + MAX_FRAME + "]" + (json ? "; stream starts with '{': legacy JSON peer" : "")
                + "; a receiver NACKs and closes, so this direction is not parsed further"));
        state = State.CLOSED;
        return false;
    }

    private void addCarrier(long frame) {
        if (carriers.isEmpty() || carriers.getLast() != frame) carriers.add(frame);
    }

    private void deliver(MemorySegment seg, long off, int len, int frameOffset) {
        long[] by = new long[carriers.size()];
        for (int i = 0; i < by.length; i++) by[i] = carriers.get(i);
        carriers.clear();
        delivered.add(new SbiDelivery(msgIndex++, uncertain, seg.get(ValueLayout.JAVA_BYTE, off + 4) & 0xFF, seg, off, len,
                frameOffset, by, skipped));
        skipped = 0;
        have = 0;
    }

    /** Looks for the next message start after a hole; skipped bytes are counted. */
    private void resync(MemorySegment seg, long off, int len, long frame) {
        if (scan == null) scan = new byte[256];
        if (scanLen + len > scan.length) scan = java.util.Arrays.copyOf(scan, Math.max(scan.length * 2, scanLen + len));
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, off, scan, scanLen, len);
        scanLen += len;
        MemorySegment s = MemorySegment.ofArray(scan);
        for (int p = 0; p + SIGNATURE <= scanLen; p++) {
            if (isMessageStart(s, p)) {
                skipped += p;
                findings.add(new Expert(SbiExperts.RESYNC, "SBI stream resynchronised after a hole: " + skipped
                        + " bytes skipped before the next message start"));
                byte[] rest = java.util.Arrays.copyOfRange(scan, p, scanLen);
                scanLen = 0;
                state = State.HEADER;
                bytes(MemorySegment.ofArray(rest), 0, rest.length, frame, -1);
                return;
            }
        }
        // Keep only what could still begin a signature; the rest is skipped.
        int keep = Math.min(scanLen, SIGNATURE - 1);
        skipped += scanLen - keep;
        System.arraycopy(scan, scanLen - keep, scan, 0, keep);
        scanLen = keep;
        if (scan.length > MAX_SCAN) scan = java.util.Arrays.copyOf(scan, 256);
    }

    private static boolean isMessageStart(MemorySegment s, int p) {
        long frameLen = s.get(U32_BE, p) & 0xFFFF_FFFFL;
        if (frameLen < PREAMBLE_SIZE || frameLen > MAX_FRAME) return false;
        int op = s.get(ValueLayout.JAVA_BYTE, p + 4) & 0xFF;
        if (!SbiFields.OP_NAMES.containsKey((long) op)) return false;
        if (s.get(ValueLayout.JAVA_BYTE, p + 5) != 'S' || s.get(ValueLayout.JAVA_BYTE, p + 6) != 'B') return false;
        if (s.get(ValueLayout.JAVA_BYTE, p + 7) != 1) return false;
        if ((s.get(U32_LE, p + 9) & 0xFFFF_FFFFL) != frameLen - PREAMBLE_SIZE) return false;
        return SchemaFingerprints.opOf(s, p + 13) >= 0;
    }

    long ignoredBytes() {
        return ignoredBytes;
    }
}
