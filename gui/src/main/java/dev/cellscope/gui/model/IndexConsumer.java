package dev.cellscope.gui.model;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.expert.Expert;
import dev.cellscope.field.FieldDef;
import dev.cellscope.io.Packet;
import dev.cellscope.session.FrameConsumer;
import dev.cellscope.session.SessionResult;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Fills the {@link FrameIndex} as the session reads: the summary columns, the worst finding, the
 * first colouring rule each frame matches, and every finding with its frame (the expert view).
 */
final class IndexConsumer implements FrameConsumer {
    /** Findings kept for the expert view at most; beyond, they are counted only. */
    static final int MAX_FINDINGS = 2_000_000;

    private final FrameIndex index;
    /** Where a frame's bytes are in the file the store maps (-1: unknown). */
    private final java.util.function.ToLongFunction<Packet> offsets;
    private final ColourMatcher colours;
    private final Summary summary = new Summary();
    private final List<Finding> findings = Collections.synchronizedList(new ArrayList<>());
    private volatile long findingsDropped;
    private final FieldSink sink;

    IndexConsumer(FrameIndex index, java.util.function.ToLongFunction<Packet> offsets, List<ColourRule> colours) {
        this.index = index;
        this.offsets = offsets;
        this.colours = new ColourMatcher(colours);
        sink = this.colours.teeAfter(summary);
    }

    @Override
    public FieldSink sink() {
        summary.reset();
        colours.reset();
        return sink;
    }

    @Override
    public void frame(Packet p, FrameTiming timing) {
        int colour = colours.colour();
        for (Expert e : summary.experts) {
            if (findings.size() < MAX_FINDINGS) findings.add(new Finding(p.number(), e));
            else findingsDropped++;
        }
        index.add(offsets.applyAsLong(p), p.timestampNanos(), p.capturedLength(), p.originalLength(), p.linkType(),
                summary.protocol, summary.source, summary.destination, summary.info, colour, summary.worst);
    }

    @Override
    public void end(SessionResult result) {
        for (Expert e : result.findings()) findings.add(new Finding(0, e));
    }

    List<Finding> findings() {
        synchronized (findings) {
            return List.copyOf(findings);
        }
    }

    long findingsDropped() {
        return findingsDropped;
    }

    /** The summary columns and the findings of one frame; nothing else is kept. */
    private static final class Summary implements FieldSink {
        String protocol = "", source = "", destination = "", info = "";
        int worst;
        final List<Expert> experts = new ArrayList<>(2);

        void reset() {
            protocol = source = destination = info = "";
            worst = 0;
            experts.clear();
        }

        @Override public boolean wants(FieldDef field) { return false; }
        @Override public boolean wantsSummary() { return true; }
        @Override public void protocol(FieldDef field, int offset, int length) {}
        @Override public void number(FieldDef field, int offset, int length, long value) {}
        @Override public void bytes(FieldDef field, int offset, int length, MemorySegment seg, long from, int count) {}
        @Override public void text(FieldDef field, int offset, int length, String value) {}

        @Override
        public void expert(Expert expert, int offset, int length) {
            experts.add(expert);
            worst = Math.max(worst, expert.severity().ordinal() + 1);
        }

        @Override
        public void summary(String protocol, String source, String destination, String info) {
            this.protocol = protocol;
            this.source = source;
            this.destination = destination;
            this.info = info;
        }
    }
}
