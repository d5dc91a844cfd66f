package dev.cellscope.output;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.expert.Expert;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FieldFormat;
import dev.cellscope.field.FrameFields;
import dev.cellscope.field.TetherFields;
import dev.cellscope.field.UtcpFields;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * tshark's {@code -z conv,…} and {@code -z endpoints,…} for the cell protocols: frames and
 * bytes each way per conversation (UTCP by CellID pair, Tether by identity pair), or per
 * endpoint, with relative start and duration.
 */
public final class ConversationStats implements CaptureStatistic {

    public enum Kind {
        UTCP("UTCP Conversations", UtcpFields.UTCP), TETHER("Tether Conversations", TetherFields.TETHER),
        CELLID_ENDPOINTS("CellID Endpoints", UtcpFields.UTCP);

        final String title;
        final FieldDef layer;

        Kind(String title, FieldDef layer) {
            this.title = title;
            this.layer = layer;
        }
    }

    private static final class Counts {
        long framesAB, bytesAB, framesBA, bytesBA, firstNanos = Long.MAX_VALUE, lastNanos = Long.MIN_VALUE;
    }

    private final Kind kind;
    private final Map<String, Counts> rows = new LinkedHashMap<>();
    private long captureStart = Long.MIN_VALUE;
    private String src, dst;
    private long frameLen, time;

    public ConversationStats(Kind kind) {
        this.kind = kind;
    }

    @Override
    public boolean wants(FieldDef f) {
        return f == FrameFields.LEN || f == FrameFields.TIME || (kind == Kind.TETHER
                ? f == TetherFields.SENDER || f == TetherFields.TARGET : f == UtcpFields.SRC || f == UtcpFields.DST);
    }

    @Override
    public boolean wantsLayer(FieldDef protocol) {
        return protocol == kind.layer;
    }

    @Override
    public boolean wantsExperts() {
        return false;
    }

    @Override
    public void protocol(FieldDef field, int offset, int length) {}

    @Override
    public void number(FieldDef f, int offset, int length, long value) {
        if (f == FrameFields.LEN) frameLen = value;
        else if (f == FrameFields.TIME) time = value;
        else if (f == TetherFields.SENDER) src = FieldFormat.mac(value);
        else if (f == TetherFields.TARGET) dst = FieldFormat.mac(value);
    }

    @Override
    public void bytes(FieldDef f, int offset, int length, MemorySegment seg, long from, int count) {
        if (f == UtcpFields.SRC && src == null) src = FieldFormat.hex(seg, from, count);
        else if (f == UtcpFields.DST && dst == null) dst = FieldFormat.hex(seg, from, count);
    }

    @Override
    public void text(FieldDef f, int offset, int length, String value) {}

    @Override
    public void expert(Expert e, int offset, int length) {}

    @Override
    public void endFrame() {
        if (captureStart == Long.MIN_VALUE) captureStart = time;
        if (src != null && dst != null) {
            if (kind == Kind.CELLID_ENDPOINTS) {
                count(src, true);
                count(dst, false);
            } else {
                boolean ab = src.compareTo(dst) <= 0;
                Counts c = rows.computeIfAbsent(ab ? src + " <-> " + dst : dst + " <-> " + src, k -> new Counts());
                add(c, ab);
            }
        }
        src = dst = null;
    }

    /** Endpoints: "A→B" counts are what the endpoint sent, "B→A" what it received. */
    private void count(String endpoint, boolean sent) {
        add(rows.computeIfAbsent(endpoint, k -> new Counts()), sent);
    }

    private void add(Counts c, boolean ab) {
        if (ab) {
            c.framesAB++;
            c.bytesAB += frameLen;
        } else {
            c.framesBA++;
            c.bytesBA += frameLen;
        }
        c.firstNanos = Math.min(c.firstNanos, time);
        c.lastNanos = Math.max(c.lastNanos, time);
    }

    @Override
    public void print(StringBuilder out) {
        boolean endpoints = kind == Kind.CELLID_ENDPOINTS;
        out.append("================================================================================\n");
        out.append(kind.title).append('\n');
        String first = endpoints ? "Sent" : "A -> B", second = endpoints ? "Received" : "B -> A";
        int w = endpoints ? 32 : kind == Kind.TETHER ? 41 : 69;
        out.append(String.format("%-" + w + "s %16s  %16s  %16s  %12s  %10s%n", "", first, second, "Total", "Relative", "Duration"));
        out.append(String.format("%-" + w + "s %7s %8s  %7s %8s  %7s %8s  %12s  %10s%n", endpoints ? "CellID" : "A <-> B",
                "Frames", "Bytes", "Frames", "Bytes", "Frames", "Bytes", "Start", ""));
        List<Map.Entry<String, Counts>> sorted = new ArrayList<>(rows.entrySet());
        sorted.sort(Comparator.comparingLong((Map.Entry<String, Counts> e) -> e.getValue().bytesAB + e.getValue().bytesBA).reversed());
        for (var e : sorted) {
            Counts c = e.getValue();
            out.append(String.format("%-" + w + "s %7d %8d  %7d %8d  %7d %8d  %12s  %10s%n", e.getKey(), c.framesAB, c.bytesAB,
                    c.framesBA, c.bytesBA, c.framesAB + c.framesBA, c.bytesAB + c.bytesBA,
                    seconds(c.firstNanos - captureStart), seconds(c.lastNanos - c.firstNanos)));
        }
        out.append("================================================================================\n");
    }

    private static String seconds(long nanos) {
        return String.format("%.6f", nanos / 1e9);
    }
}
