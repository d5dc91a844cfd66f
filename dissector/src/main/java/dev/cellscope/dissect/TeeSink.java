package dev.cellscope.dissect;

import dev.cellscope.expert.Expert;
import dev.cellscope.field.FieldDef;

import java.lang.foreign.MemorySegment;

/** Sends one dissection to two sinks (e.g. the output and a statistics collector). */
public record TeeSink(FieldSink a, FieldSink b) implements FieldSink {

    @Override public boolean wants(FieldDef f) { return a.wants(f) || b.wants(f); }
    @Override public boolean wantsLayer(FieldDef p) { return a.wantsLayer(p) || b.wantsLayer(p); }
    @Override public boolean wantsExperts() { return a.wantsExperts() || b.wantsExperts(); }
    @Override public boolean wantsSummary() { return a.wantsSummary() || b.wantsSummary(); }

    @Override
    public void protocol(FieldDef f, int offset, int length) {
        a.protocol(f, offset, length);
        b.protocol(f, offset, length);
    }

    @Override
    public void number(FieldDef f, int offset, int length, long value) {
        if (a.wants(f)) a.number(f, offset, length, value);
        if (b.wants(f)) b.number(f, offset, length, value);
    }

    @Override
    public void bytes(FieldDef f, int offset, int length, MemorySegment seg, long from, int count) {
        if (a.wants(f)) a.bytes(f, offset, length, seg, from, count);
        if (b.wants(f)) b.bytes(f, offset, length, seg, from, count);
    }

    @Override
    public void text(FieldDef f, int offset, int length, String value) {
        if (a.wants(f)) a.text(f, offset, length, value);
        if (b.wants(f)) b.text(f, offset, length, value);
    }

    @Override
    public void appendText(String text) {
        a.appendText(text);
        b.appendText(text);
    }

    @Override
    public void push() {
        a.push();
        b.push();
    }

    @Override
    public void pop() {
        a.pop();
        b.pop();
    }

    @Override
    public void expert(Expert e, int offset, int length) {
        a.expert(e, offset, length);
        b.expert(e, offset, length);
    }

    @Override
    public void gsoSegment(int index, int wireLength) {
        a.gsoSegment(index, wireLength);
        b.gsoSegment(index, wireLength);
    }

    @Override
    public void endFrame() {
        a.endFrame();
        b.endFrame();
    }

    @Override
    public void endReleased() {
        a.endReleased();
        b.endReleased();
    }

    @Override
    public void summary(String protocol, String source, String destination, String info) {
        a.summary(protocol, source, destination, info);
        b.summary(protocol, source, destination, info);
    }
}
