package dev.cellscope.analysis;

import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.Tai64n;
import dev.cellscope.wire.TetherControl;
import dev.cellscope.wire.TetherFrame;
import dev.cellscope.wire.TetherHeader;

import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: builds Tether frames with the project's codecs and feeds them to a ledger as
 * consecutive frames, 1 ms apart, each sent {@link #SEND_DELAY} before it is captured.
 */
final class TetherFrames {
    static final long A = 0xAC1D11223344L, B = 0xAC1D55667788L, C = 0xAC1D99AABBCCL;
    static final int LAMP = 0x01;
    static final long T0 = 1_764_361_337_000_000_000L;
    static final long STEP = 1_000_000L;
    static final long SEND_DELAY = 100_000L;

    final TetherLedger ledger;
    final List<TetherFrameResult> results = new ArrayList<>();
    long frame;

    TetherFrames() {
        this(new TetherLedger());
    }

    TetherFrames(TetherLedger ledger) {
        this.ledger = ledger;
    }

    /** Capture time of frame {@code n}. */
    static long ts(long n) {
        return T0 + n * STEP;
    }

    static TetherHeader header(int flow, int flags, long sender, long target, long slot, long grant, long nack,
                               long sendUtcNanos) {
        return new TetherHeader(flow, flags, 0, sender, target, Tai64n.nanoOf(sendUtcNanos), slot, grant, nack, 0,
                Tai64n.labelOf(sendUtcNanos));
    }

    static TetherFrame control(int flags, long sender, long target, long grant, TetherControl c, long send) {
        return TetherFrame.control(header(0, flags, sender, target, 0, grant, 0, send), c);
    }

    static TetherFrame data(int flow, int flags, long sender, long target, long slot, long grant, long nack,
                            int payload, long send) {
        return new TetherFrame(header(flow, flags, sender, target, slot, grant, nack, send), Bytes.zeros(payload));
    }

    /** A data frame carrying {@code bytes} (a slot's content, zero-padded to whole blocks as a sender does). */
    TetherFrameResult data(int flow, long sender, long target, long slot, byte[] bytes) {
        byte[] padded = java.util.Arrays.copyOf(bytes, (bytes.length + 63) / 64 * 64);
        return feed(new TetherFrame(header(flow, 0, sender, target, slot, 0, 0, nextSend()), Bytes.of(padded)));
    }

    TetherFrameResult feed(TetherFrame f) {
        frame++;
        return feedAt(f, ts(frame));
    }

    TetherFrameResult feedAt(TetherFrame f, long captureTs) {
        // The payload as the dissector hands it over: the frame's payload bytes, known (not cut).
        TetherFrameResult r = ledger.observe(TetherObservation.from(frame, captureTs, f),
                f.payload().length() > 0 ? f.payload().asSegment() : null);
        results.add(r);
        return r;
    }

    /** Send time of the next frame under the default timing. */
    long nextSend() {
        return ts(frame + 1) - SEND_DELAY;
    }

    TetherFrameResult ctrl(int flags, long sender, long target, long grant, TetherControl c) {
        return feed(control(flags, sender, target, grant, c, nextSend()));
    }

    TetherFrameResult data(int flow, int flags, long sender, long target, long slot, long grant, long nack, int payload) {
        return feed(data(flow, flags, sender, target, slot, grant, nack, payload, nextSend()));
    }

    static List<String> messages(TetherFrameResult r) {
        return r.findings().stream().map(e -> e.severity().label() + "/" + e.group().label() + ": " + e.message()).toList();
    }
}
