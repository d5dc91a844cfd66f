package dev.cellscope.cli;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.io.Packet;

import java.io.Writer;

/** -q: print nothing per frame (statistics still run). */
final class NoOutput implements FrameOutput {

    @Override
    public FieldSink sink() {
        return FieldSink.discard();
    }

    @Override
    public void write(Packet p, FrameTiming timing, Writer out) {}

    @Override
    public boolean needsAnalysis() {
        return false;
    }
}
