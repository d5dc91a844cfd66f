package dev.cellscope.gui.model;

import dev.cellscope.analysis.AnalysedFields;
import dev.cellscope.dissect.FieldSink;
import dev.cellscope.expert.Expert;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FieldRegistry;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the conversation analysis added to each frame during the background load, kept so that a
 * filter on analysed fields can run frame by frame like the index filter ({@link IndexFilter}):
 * every item the dissector reported for an analysed field ({@link AnalysedFields}) and every expert
 * finding, in the order reported, in a columnar store of primitive arrays (a field code and a long
 * per item, an int per frame). Texts and findings are interned (they repeat); byte strings are kept
 * only up to {@link #MAX_BYTES} bytes (hashes, ids): a field that ever carried a longer value
 * (a block's data) is marked unrecorded, and a filter reading it takes the session path.
 *
 * <p>Written by the load thread through {@link #sink()} and {@link #endFrame()}; read by any number
 * of filter threads once the load has ended ({@link #complete()}), never both at once.
 */
public final class AnalysedValues {
    static final int MAX_BYTES = 64;
    private static final int NUMBER = 0, PROTOCOL = 1, TEXT = 2, BYTES = 3, EXPERT = 4, KIND_BITS = 3;

    /** Frame f's items are [start[f], start[f+1]). */
    private int[] start = new int[1024];
    private int frames;
    /** Per item: field id << KIND_BITS | kind (an expert's field part is 0). */
    private int[] code = new int[4096];
    /** Per item: the number, or the index of the text / finding, or the byte pool offset << 8 | length. */
    private long[] value = new long[4096];
    private int items;
    private byte[] pool = new byte[4096];
    private int poolUsed;
    private final List<String> texts = new ArrayList<>();
    private final Map<String, Integer> textIds = new HashMap<>();
    private final List<Expert> experts = new ArrayList<>();
    private final Map<Expert, Integer> expertIds = new HashMap<>();
    private final boolean[] unrecorded = new boolean[FieldRegistry.size()];
    private volatile boolean complete;

    /** The sink the load dissects each frame into (next to the index's and the flow table's). */
    public FieldSink sink() {
        return recorder;
    }

    /** The frame just dissected into {@link #sink()} is done. */
    public void endFrame() {
        if (frames + 2 > start.length) start = Arrays.copyOf(start, start.length * 2);
        frames++;
        start[frames] = items;
    }

    /** The load ended having read every frame (not cancelled): filters may use the store. */
    public void complete() {
        complete = true;
    }

    public boolean isComplete() {
        return complete;
    }

    public int frames() {
        return frames;
    }

    /** Whether every analysed field {@code fields} names was recorded in full. */
    public boolean covers(Set<FieldDef> fields) {
        for (FieldDef f : fields) if (AnalysedFields.analysed(f) && unrecorded[f.id()]) return false;
        return true;
    }

    /** Heap the store holds in its arrays (bytes), for the per-frame figure in docs/GUI.md. */
    public long bytes() {
        return 4L * start.length + 12L * code.length + pool.length;
    }

    /** Reports frame {@code f}'s recorded items into {@code sink}, as the dissector reported them. */
    public void replay(int f, FieldSink sink) {
        if (f >= frames) return;
        for (int i = start[f], end = start[f + 1]; i < end; i++) {
            int c = code[i], kind = c & ((1 << KIND_BITS) - 1);
            long v = value[i];
            if (kind == EXPERT) {
                sink.expert(experts.get((int) v), -1, 0);
                continue;
            }
            FieldDef field = FieldRegistry.byId(c >>> KIND_BITS);
            switch (kind) {
                case NUMBER -> sink.number(field, -1, 0, v);
                case PROTOCOL -> sink.protocol(field, -1, 0);
                case TEXT -> sink.text(field, -1, 0, texts.get((int) v));
                default -> sink.bytes(field, -1, 0, MemorySegment.ofArray(pool), v >>> 8, (int) (v & 0xff));
            }
        }
    }

    private void add(int c, long v) {
        if (items == code.length) {
            code = Arrays.copyOf(code, items * 2);
            value = Arrays.copyOf(value, items * 2);
        }
        code[items] = c;
        value[items++] = v;
    }

    private static int code(FieldDef f, int kind) {
        return f.id() << KIND_BITS | kind;
    }

    private final FieldSink recorder = new FieldSink() {
        @Override
        public boolean wants(FieldDef field) {
            return AnalysedFields.analysed(field);
        }

        @Override
        public void protocol(FieldDef field, int offset, int length) {
            if (AnalysedFields.analysed(field)) add(code(field, PROTOCOL), 0);
        }

        @Override
        public void number(FieldDef field, int offset, int length, long v) {
            if (AnalysedFields.analysed(field)) add(code(field, NUMBER), v);
        }

        @Override
        public void bytes(FieldDef field, int offset, int length, MemorySegment seg, long from, int count) {
            if (!AnalysedFields.analysed(field) || unrecorded[field.id()]) return;
            if (count > MAX_BYTES) {
                unrecorded[field.id()] = true;
                return;
            }
            if (poolUsed + count > pool.length) pool = Arrays.copyOf(pool, Math.max(pool.length * 2, poolUsed + count));
            MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, from, pool, poolUsed, count);
            add(code(field, BYTES), (long) poolUsed << 8 | count);
            poolUsed += count;
        }

        @Override
        public void text(FieldDef field, int offset, int length, String v) {
            if (!AnalysedFields.analysed(field)) return;
            add(code(field, TEXT), textIds.computeIfAbsent(v, k -> {
                texts.add(k);
                return texts.size() - 1;
            }));
        }

        @Override
        public void expert(Expert e, int offset, int length) {
            add(EXPERT, expertIds.computeIfAbsent(e, k -> {
                experts.add(k);
                return experts.size() - 1;
            }));
        }
    };
}
