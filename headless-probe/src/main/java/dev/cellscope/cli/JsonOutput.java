package dev.cellscope.cli;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.io.Packet;
import dev.cellscope.output.JsonFrames;

import java.io.IOException;
import java.io.Writer;

/** -T json: one array of frames. */
final class JsonOutput implements FrameOutput {
    private boolean first = true;
    private ProtoTree tree;

    @Override
    public void begin(Writer out) throws IOException {
        StringBuilder b = new StringBuilder();
        JsonFrames.begin(b);
        out.append(b);
    }

    @Override
    public FieldSink sink() {
        return tree = new ProtoTree();
    }

    @Override
    public void write(Packet p, FrameTiming timing, Writer out) throws IOException {
        StringBuilder b = new StringBuilder(2048);
        JsonFrames.frame(tree, first, b);
        first = false;
        out.append(b);
    }

    @Override
    public void end(Writer out) throws IOException {
        StringBuilder b = new StringBuilder();
        JsonFrames.end(b);
        out.append(b);
    }
}
