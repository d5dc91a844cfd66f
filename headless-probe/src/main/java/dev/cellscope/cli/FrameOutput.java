package dev.cellscope.cli;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.io.Packet;

import java.io.IOException;
import java.io.Writer;

/** One way of printing frames: a sink for each frame's dissection, then its text. */
interface FrameOutput {
    default void begin(Writer out) throws IOException {}

    /** The sink the next frame is dissected into. */
    FieldSink sink();

    /** Writes the frame just dissected into {@link #sink()}. */
    void write(Packet p, FrameTiming timing, Writer out) throws IOException;

    default void end(Writer out) throws IOException {}

    /** Whether this output shows results of conversation analysis. */
    default boolean needsAnalysis() {
        return true;
    }
}
