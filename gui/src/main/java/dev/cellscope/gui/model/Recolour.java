package dev.cellscope.gui.model;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.io.Packet;
import dev.cellscope.session.CaptureSession;
import dev.cellscope.session.FileSource;
import dev.cellscope.session.FrameConsumer;
import dev.cellscope.session.SessionOptions;
import dev.cellscope.session.SourceException;

import java.nio.file.Path;
import java.util.List;

/**
 * Colours every indexed frame again after the colouring rules were edited: a session with the
 * analysis the list was made with (a rule may read analysed fields), writing each frame's first
 * matching rule into the index.
 */
public final class Recolour {
    private final CaptureSession session;
    private final FrameIndex index;
    private final List<ColourRule> rules;

    public Recolour(Path file, FrameIndex index, List<ColourRule> rules) {
        this.index = index;
        this.rules = List.copyOf(rules);
        this.session = new CaptureSession(new FileSource(file), SessionOptions.of(CaptureLoad.ANALYSIS).withMaxFrames(index.size()));
    }

    public void cancel() {
        session.cancel();
    }

    /** Colours the frames; false when cancelled. On the caller's thread (a pass over the capture). */
    public boolean run() throws SourceException {
        ColourMatcher m = new ColourMatcher(rules);
        FieldSink sink = m.teeAfter(FieldSink.discard());
        return !session.run(new FrameConsumer() {
            int n;

            @Override
            public FieldSink sink() {
                m.reset();
                return sink;
            }

            @Override
            public void frame(Packet p, FrameTiming timing) {
                if (n < index.size()) index.setColour(n, m.colour());
                n++;
            }
        }).cancelled();
    }
}
