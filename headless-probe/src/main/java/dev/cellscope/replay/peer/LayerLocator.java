package dev.cellscope.replay.peer;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.expert.Expert;
import dev.cellscope.field.FieldDef;

import java.lang.foreign.MemorySegment;

/**
 * Notes where the dissector put one layer's headers in a frame (frame offsets and lengths), wanting nothing else:
 * the replay readers take a captured message or slot from there. A frame holds one such layer, or several when it
 * is a UDP GSO train (a capture on the sender's lo). {@link #reset} before each frame.
 */
final class LayerLocator implements FieldSink {
    private final FieldDef layer;
    private int[] offsets = new int[4], lengths = new int[4];
    private int count;

    LayerLocator(FieldDef layer) {
        this.layer = layer;
    }

    void reset() {
        count = 0;
    }

    /** How many of the layer the frame held. */
    int count() {
        return count;
    }

    int offset(int i) {
        return offsets[i];
    }

    /** The bytes the layer claimed (its header and what the dissector took as its payload). */
    int length(int i) {
        return lengths[i];
    }

    @Override public boolean wants(FieldDef field) { return false; }
    @Override public boolean wantsLayer(FieldDef protocol) { return false; }
    @Override public boolean wantsExperts() { return false; }
    @Override public boolean wantsSummary() { return false; }

    @Override
    public void protocol(FieldDef field, int offset, int length) {
        if (field != layer || offset < 0) return;
        if (count == offsets.length) {
            offsets = java.util.Arrays.copyOf(offsets, count * 2);
            lengths = java.util.Arrays.copyOf(lengths, count * 2);
        }
        offsets[count] = offset;
        lengths[count++] = length;
    }

    @Override public void number(FieldDef field, int offset, int length, long value) {}
    @Override public void bytes(FieldDef field, int offset, int length, MemorySegment seg, long from, int count) {}
    @Override public void text(FieldDef field, int offset, int length, String value) {}
    @Override public void expert(Expert expert, int offset, int length) {}
}
