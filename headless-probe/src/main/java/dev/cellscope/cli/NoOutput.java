package dev.cellscope.cli;

import dev.cellscope.dissect.Expert;
import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.field.FieldDef;
import dev.cellscope.io.Packet;

import java.io.Writer;
import java.lang.foreign.MemorySegment;

/** -q, and the first of two passes: dissect for the analysis' sake, print nothing. */
final class NoOutput implements FrameOutput {
    private static final FieldSink NOTHING = new FieldSink() {
        @Override public boolean wants(FieldDef field) { return false; }
        @Override public boolean wantsLayer(FieldDef protocol) { return false; }
        @Override public boolean wantsExperts() { return false; }
        @Override public void protocol(FieldDef field, int offset, int length) {}
        @Override public void number(FieldDef field, int offset, int length, long value) {}
        @Override public void bytes(FieldDef field, int offset, int length, MemorySegment seg, long from, int count) {}
        @Override public void text(FieldDef field, int offset, int length, String value) {}
        @Override public void expert(Expert expert, int offset, int length) {}
    };

    @Override
    public FieldSink sink() {
        return NOTHING;
    }

    @Override
    public void write(Packet p, FrameTiming timing, Writer out) {}

    @Override
    public boolean needsAnalysis() {
        return false;
    }
}
