package dev.cellscope.gui.model;

import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.field.FieldDef;
import dev.cellscope.io.Packet;
import dev.cellscope.output.FieldColumns;

import java.util.List;

/**
 * A packet-list column of any registry field ("Apply as column"): the value of a frame is read
 * when the list shows it, by dissecting the frame on its own from the mapped capture into the
 * {@code -T fields} sink ({@link FieldColumns}: the same text {@code cellscope read -T fields -e}
 * prints, occurrences joined with ","). Nothing is kept per frame. Fields only the conversation
 * analysis makes ({@link dev.cellscope.analysis.AnalysedFields}) come from what the load recorded
 * ({@link AnalysedValues}), once it has read every frame and kept that field in full; until then,
 * or for a field it did not keep (long byte strings), they are empty.
 */
public final class FieldColumn {
    private final FieldDef field;
    private final FrameStore store;
    private final FrameIndex index;
    private final Dissector dissector = new Dissector();
    private final FieldColumns sink;
    private final AnalysedValues analysed;
    private final boolean fromRecording;

    public FieldColumn(FieldDef field, FrameStore store, FrameIndex index) {
        this(field, store, index, null);
    }

    /** With {@code analysed} (may be null): an analysed field's values from the load's recording. */
    public FieldColumn(FieldDef field, FrameStore store, FrameIndex index, AnalysedValues analysed) {
        this.field = field;
        this.store = store;
        this.index = index;
        this.analysed = analysed;
        this.fromRecording = dev.cellscope.analysis.AnalysedFields.analysed(field);
        this.sink = new FieldColumns(List.of(field), ",");
    }

    /** The recording this column reads analysed values from (null: none). */
    public AnalysedValues analysed() {
        return analysed;
    }

    public FrameStore store() {
        return store;
    }

    public FieldDef field() {
        return field;
    }

    /** The field's value in 0-based frame {@code i} ("" when absent); any thread (one at a time). */
    public synchronized String value(int i) {
        Packet p = store.view(i);
        if (p == null) return "";
        sink.reset();
        if (fromRecording) {
            // the frame on its own has no analysis: its recorded values, as the load's session reported them
            if (analysed == null || !analysed.isComplete() || !analysed.covers(java.util.Set.of(field))) return "";
            analysed.replay(i, sink);
        } else {
            dissector.dissect(p, new FrameTiming(index.firstNanos(), index.timeNanos(i == 0 ? 0 : i - 1)), sink);
        }
        return sink.value(0).toString();
    }
}
