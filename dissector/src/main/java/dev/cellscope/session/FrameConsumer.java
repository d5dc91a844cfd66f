package dev.cellscope.session;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.io.Packet;

/**
 * What a face plugs into a session: an output, a statistics table, a flow table, a chart's
 * time series, a capture writer, the GUI's frame index. The session dissects each frame into
 * every consumer's {@link #sink()} at once, then tells each consumer the frame is done.
 */
public interface FrameConsumer {

    /** The source is open and the first frame is about to come (not called when opening failed). */
    default void begin() {}

    /** The sink the next frame is dissected into; asked anew for every frame. */
    FieldSink sink();

    /** The frame just dissected into {@link #sink()}. */
    default void frame(Packet packet, FrameTiming timing) {}

    /**
     * The sink that UTCP-SBI messages released when the source ended are dissected into, one by
     * one after the last frame and before {@link #end} (see {@code Dissector.dissectReleased}), or
     * null (the default) for a consumer that has no use for them: they are not frames. A single
     * pass has them when a hole the tap never filled held them to the end; their findings are in
     * {@link SessionResult#findings()} whatever this returns.
     */
    default FieldSink releasedSink() {
        return null;
    }

    /**
     * After the last frame (also after damage or a cancel), with the capture's end findings; called
     * exactly when {@link #begin()} was (a cancel during a two-pass session's first pass calls neither).
     */
    default void end(SessionResult result) {}
}
