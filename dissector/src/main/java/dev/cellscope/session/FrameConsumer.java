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
     * After the last frame (also after damage or a cancel), with the capture's end findings; called
     * exactly when {@link #begin()} was (a cancel during a two-pass session's first pass calls neither).
     */
    default void end(SessionResult result) {}
}
