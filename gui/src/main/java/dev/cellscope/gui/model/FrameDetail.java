package dev.cellscope.gui.model;

import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.io.Packet;
import dev.cellscope.session.CaptureSession;
import dev.cellscope.session.FileSource;
import dev.cellscope.session.FrameConsumer;
import dev.cellscope.session.SessionOptions;
import dev.cellscope.session.SourceException;

import java.nio.file.Path;

/**
 * The detail tree of one frame, dissected again on demand (DESIGN.md): at once on its own
 * ({@link #alone}, no conversation state: what the frame's bytes say), then with the conversation
 * analysis of every frame before it ({@link #analysed}, a session that stops at the frame: the
 * retransmission, reassembly and verification fields and findings in place).
 *
 * @param frame  1-based frame number
 * @param packet the frame's bytes (the hex pane)
 * @param tree   its detail tree
 * @param analysed whether the tree has conversation analysis
 */
public record FrameDetail(long frame, byte[] packet, ProtoTree tree, boolean analysed) {

    /** The frame dissected on its own: immediate, from the mapped file. */
    public static FrameDetail alone(FrameStore store, FrameIndex index, int i) {
        Packet p = store.packet(i);
        if (p == null) return null;
        ProtoTree tree = new ProtoTree();
        long previous = i == 0 ? index.timeNanos(0) : index.timeNanos(i - 1);
        new Dissector().dissect(p, new FrameTiming(index.firstNanos(), previous), tree);
        return new FrameDetail(i + 1, p.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), tree, false);
    }

    /**
     * The session {@link #analysed} runs for frame {@code frame}: over the capture with the analysis the
     * list was made with, stopping at the frame. Made apart from running it so that whoever may cancel
     * it holds it before it starts (cancelled before it starts, it reads nothing).
     */
    public static CaptureSession session(Path file, long frame) {
        return new CaptureSession(new FileSource(file), SessionOptions.of(CaptureLoad.ANALYSIS).withMaxFrames(frame));
    }

    /**
     * The frame dissected by {@code session} (from {@link #session}) with the conversation analysis of
     * every frame before it; on the caller's thread (run it in the background: it reads every frame
     * before). Null when the session was cancelled.
     */
    public static FrameDetail analysed(CaptureSession session, long frame) throws SourceException {
        ProtoTree tree = new ProtoTree();
        byte[][] bytes = new byte[1][];
        var result = session.run(new FrameConsumer() {
            long seen;

            @Override
            public FieldSink sink() {
                return seen + 1 == frame ? tree : FieldSink.discard();
            }

            @Override
            public void frame(Packet p, FrameTiming timing) {
                if (++seen == frame) bytes[0] = p.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            }
        });
        return bytes[0] == null || result.cancelled() ? null : new FrameDetail(frame, bytes[0], tree, true);
    }
}
