package dev.cellscope.cli;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.io.Packet;
import dev.cellscope.output.HexDump;
import dev.cellscope.output.SummaryLine;
import dev.cellscope.output.TreeText;

import java.io.IOException;
import java.io.Writer;

/** Summary lines, or the detail tree (-V), optionally with hex (-x). */
final class TextOutput implements FrameOutput {
    private final boolean verbose, hex;
    private ProtoTree tree;

    TextOutput(boolean verbose, boolean hex) {
        this.verbose = verbose;
        this.hex = hex;
    }

    @Override
    public FieldSink sink() {
        return tree = new ProtoTree();
    }

    @Override
    public void write(Packet p, FrameTiming timing, Writer out) throws IOException {
        StringBuilder b = new StringBuilder(256);
        if (verbose) TreeText.render(tree, b);
        else SummaryLine.format(p, timing, tree, b);
        if (hex) {
            if (!verbose) b.append('\n');
            HexDump.render(p.data(), b);
        }
        if (verbose || hex) b.append('\n');
        out.append(b);
    }
}
