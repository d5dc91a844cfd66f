package dev.cellscope.session;

import dev.cellscope.analysis.ReleasedMessage;
import dev.cellscope.dissect.FieldSink;
import dev.cellscope.expert.Expert;
import dev.cellscope.field.FieldDef;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Turns the findings of messages released when the source ended (hash mismatches, malformed
 * containers, handshakes…) into end findings that name the frame that completed each message:
 * the frames were shown before the capture's end released it.
 */
final class ReleasedFindings implements FieldSink {
    private final List<Expert> out;
    private String prefix = "";

    ReleasedFindings(List<Expert> out) {
        this.out = out;
    }

    /** The message whose dissection follows. */
    void message(ReleasedMessage r) {
        prefix = "Frame " + r.frame() + ", SBI message " + r.message().delivery().msgIndex() + " of stream " + r.stream()
                + " (released when the capture ended): ";
    }

    @Override public boolean wants(FieldDef field) { return false; }
    @Override public void protocol(FieldDef field, int offset, int length) {}
    @Override public void number(FieldDef field, int offset, int length, long value) {}
    @Override public void bytes(FieldDef field, int offset, int length, MemorySegment seg, long from, int count) {}
    @Override public void text(FieldDef field, int offset, int length, String value) {}

    @Override
    public void expert(Expert e, int offset, int length) {
        out.add(new Expert(e.kind(), prefix + e.message()));
    }
}
