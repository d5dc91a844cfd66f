package dev.cellscope.replay.peer;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.expert.Expert;
import dev.cellscope.field.FieldDef;

import java.lang.foreign.MemorySegment;

/**
 * Notes where the dissector put one layer's header in a frame (a frame offset), wanting nothing else: the
 * replay readers take a captured message or slot from there. Reset {@link #offset} to -1 before each frame.
 */
final class LayerLocator implements FieldSink {
    private final FieldDef layer;
    int offset = -1;

    LayerLocator(FieldDef layer) {
        this.layer = layer;
    }

    @Override public boolean wants(FieldDef field) { return false; }
    @Override public boolean wantsLayer(FieldDef protocol) { return false; }
    @Override public boolean wantsExperts() { return false; }
    @Override public boolean wantsSummary() { return false; }

    @Override
    public void protocol(FieldDef field, int offset, int length) {
        if (field == layer && this.offset < 0) this.offset = offset;
    }

    @Override public void number(FieldDef field, int offset, int length, long value) {}
    @Override public void bytes(FieldDef field, int offset, int length, MemorySegment seg, long from, int count) {}
    @Override public void text(FieldDef field, int offset, int length, String value) {}
    @Override public void expert(Expert expert, int offset, int length) {}
}
