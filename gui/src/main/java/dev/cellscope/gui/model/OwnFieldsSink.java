package dev.cellscope.gui.model;

import dev.cellscope.analysis.AnalysedFields;
import dev.cellscope.dissect.FieldSink;
import dev.cellscope.expert.Expert;
import dev.cellscope.field.FieldDef;

import java.lang.foreign.MemorySegment;

/**
 * Passes to a filter's sink only what a frame dissected on its own knows for sure: its own fields.
 * Analysed fields and every finding (the frame's own checks included: the load recorded them all,
 * in order) come from {@link AnalysedValues#replay} instead, so each item reaches the filter once.
 */
final class OwnFieldsSink implements FieldSink {
    private final FieldSink to;

    OwnFieldsSink(FieldSink to) {
        this.to = to;
    }

    @Override
    public boolean wants(FieldDef field) {
        return !AnalysedFields.analysed(field) && to.wants(field);
    }

    @Override
    public boolean wantsLayer(FieldDef protocol) {
        return !AnalysedFields.analysed(protocol) && to.wantsLayer(protocol);
    }

    @Override
    public boolean wantsExperts() {
        return false;
    }

    @Override
    public void protocol(FieldDef field, int offset, int length) {
        if (!AnalysedFields.analysed(field)) to.protocol(field, offset, length);
    }

    @Override
    public void number(FieldDef field, int offset, int length, long value) {
        if (!AnalysedFields.analysed(field)) to.number(field, offset, length, value);
    }

    @Override
    public void bytes(FieldDef field, int offset, int length, MemorySegment seg, long from, int count) {
        if (!AnalysedFields.analysed(field)) to.bytes(field, offset, length, seg, from, count);
    }

    @Override
    public void text(FieldDef field, int offset, int length, String value) {
        if (!AnalysedFields.analysed(field)) to.text(field, offset, length, value);
    }

    @Override
    public void expert(Expert expert, int offset, int length) {}
}
