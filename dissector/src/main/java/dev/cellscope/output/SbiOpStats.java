package dev.cellscope.output;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.expert.Expert;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.SbiFields;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code -z sbi,ops}: UTCP-SBI messages by op (count, frame_len total, min, mean, max), then
 * NACKs by error name and BLOCK_PUT verification outcomes.
 */
public final class SbiOpStats implements CaptureStatistic {

    private static final class Op {
        long count, total, min = Long.MAX_VALUE, max;
    }

    private final Map<Long, Op> ops = new TreeMap<>();
    private final Map<Long, Long> nackErrors = new TreeMap<>();
    private long verified, failed, frameLen = -1;

    @Override
    public boolean wants(FieldDef f) {
        return f == SbiFields.FRAME_LEN || f == SbiFields.OP || f == SbiFields.NACK_ERROR_CODE || f == SbiFields.PUT_VERIFIED;
    }

    @Override
    public boolean wantsLayer(FieldDef p) {
        return p.protocol().equals("sbi") || p.protocol().equals("utcp");
    }

    @Override
    public boolean wantsExperts() {
        return false;
    }

    @Override
    public void protocol(FieldDef f, int offset, int length) {}

    /** frame_len precedes op in every message (the envelope's order). */
    @Override
    public void number(FieldDef f, int offset, int length, long v) {
        if (f == SbiFields.FRAME_LEN) {
            frameLen = v;
        } else if (f == SbiFields.OP && frameLen >= 0) {
            Op o = ops.computeIfAbsent(v, k -> new Op());
            o.count++;
            o.total += frameLen;
            o.min = Math.min(o.min, frameLen);
            o.max = Math.max(o.max, frameLen);
            frameLen = -1;
        } else if (f == SbiFields.NACK_ERROR_CODE) {
            nackErrors.merge(v, 1L, Long::sum);
        } else if (f == SbiFields.PUT_VERIFIED) {
            if (v != 0) verified++;
            else failed++;
        }
    }

    @Override
    public void bytes(FieldDef f, int offset, int length, MemorySegment seg, long from, int count) {}

    @Override
    public void text(FieldDef f, int offset, int length, String value) {}

    @Override
    public void expert(Expert e, int offset, int length) {}

    /** Messages released when the capture ended count like any other. */
    @Override
    public FieldSink releasedSink() {
        return this;
    }

    @Override
    public void endFrame() {
        frameLen = -1; // a rejected frame_len has no op after it
    }

    @Override
    public void print(StringBuilder out) {
        out.append("===================================================================\n");
        out.append("UTCP-SBI messages by op\n");
        out.append(String.format("%-12s %10s %14s %10s %10s %10s%n", "op", "messages", "frame bytes", "min", "mean", "max"));
        for (var e : ops.entrySet()) {
            Op o = e.getValue();
            out.append(String.format("%-12s %10d %14d %10d %10.1f %10d%n", SbiFields.OP_NAMES.getOrDefault(e.getKey(), String.format("0x%02x", e.getKey())),
                    o.count, o.total, o.min, (double) o.total / o.count, o.max));
        }
        if (!nackErrors.isEmpty()) {
            out.append("\nNACKs by error\n");
            for (var e : nackErrors.entrySet()) {
                out.append(String.format("%-28s %10d%n", SbiFields.ERROR_NAMES.getOrDefault(e.getKey(), "code " + e.getKey()), e.getValue()));
            }
        }
        out.append(String.format("%nBLOCK_PUT verification: %d verified, %d failed%n", verified, failed));
        out.append("===================================================================\n");
    }
}
