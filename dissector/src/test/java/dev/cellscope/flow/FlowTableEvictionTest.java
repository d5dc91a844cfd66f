package dev.cellscope.flow;

import dev.cellscope.field.UtcpFields;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static dev.cellscope.flow.FlowCapture.*;
import static org.junit.jupiter.api.Assertions.*;

/** Bounded memory: idle flows leave the table (to the listener) while the capture is read. */
class FlowTableEvictionTest {
    static final long T0 = 1_795_867_200_000_000_000L, SECOND = 1_000_000_000L;

    /** {@code pairs} conversations one after another, each 10 DATA packets over 1 s, 5 s apart. */
    static FlowCapture sequentialConversations(int pairs) {
        FlowCapture c = new FlowCapture();
        for (int i = 0; i < pairs; i++) {
            byte[] a = cell(0x10), b = cell(0x20);
            a[15] = (byte) i;
            a[14] = (byte) (i >> 8);
            b[15] = (byte) i;
            for (int k = 0; k < 10; k++) {
                c.add(T0 + i * 5 * SECOND + k * SECOND / 10, utcp(a, b, 1001 + k, UtcpFields.DATA, new byte[100]));
            }
        }
        return c;
    }

    @Test
    void idleFlowsAreWrittenBeforeTheEndAndTheTableStaysSmall() {
        int pairs = 400;
        FlowCapture c = sequentialConversations(pairs);
        List<Long> handedAtFrame = new ArrayList<>();
        List<FlowRow> rows = new ArrayList<>();
        FlowTable[] table = new FlowTable[1];
        table[0] = new FlowTable(FlowTable.Config.DEFAULT.withIdleNanos(2 * SECOND), EnumSet.allOf(FlowKind.class), r -> {
            rows.add(r);
            handedAtFrame.add(table[0].frames());
        });
        c.feed(table[0]);
        long evictedBeforeEnd = table[0].evictedFlows();
        table[0].finish();

        assertEquals(pairs, rows.size(), "every conversation is one row, written once");
        assertEquals(pairs - 1, evictedBeforeEnd, "all but the last were evicted while reading");
        assertTrue(table[0].peakLiveFlows() <= 2, "live rows at most: " + table[0].peakLiveFlows());
        assertEquals(0, table[0].liveFlows());
        // The first conversation is written once it has been idle 2 s: within the third one's frames.
        assertTrue(handedAtFrame.getFirst() <= 30, "first row handed over at frame " + handedAtFrame.getFirst());
        for (int i = 0; i < pairs; i++) {
            UtcpFlowRow r = (UtcpFlowRow) rows.get(i);
            assertEquals(10, r.packets());
            assertEquals(1000, r.payloadBytes());
            assertEquals(i * 10L + 1, r.firstFrame(), "rows come out in the order the flows went idle");
        }
    }

    @Test
    void theCapOnLiveFlowsEvictsTheLeastRecentlyActive() {
        FlowCapture c = new FlowCapture();
        // 50 conversations interleaved in the same second: none is idle, so only the cap can act.
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < 50; i++) {
                byte[] a = cell(0x10), b = cell(0x20);
                a[15] = (byte) i;
                c.add(T0 + (k * 50 + i) * 1000L, utcp(a, b, 1001 + k, UtcpFields.DATA, new byte[10]));
            }
        }
        List<FlowRow> rows = new ArrayList<>();
        FlowTable table = new FlowTable(FlowTable.Config.DEFAULT.withMaxFlows(8), EnumSet.of(FlowKind.UTCP), rows::add);
        c.feed(table);
        assertTrue(table.peakLiveFlows() <= 8);
        assertEquals(8, table.liveFlows());
        table.finish();
        // Each conversation comes back after 49 others, so each of its three packets starts a new row.
        assertEquals(150, rows.size());
        assertTrue(rows.stream().allMatch(r -> ((UtcpFlowRow) r).packets() == 1));
    }

    @Test
    void aFlowActiveAgainAfterEvictionStartsANewRow() {
        FlowCapture c = new FlowCapture();
        byte[] a = cell(1), b = cell(2);
        c.add(T0, utcp(a, b, 1001, UtcpFields.DATA, new byte[10]));
        c.add(T0 + 90 * SECOND, utcp(a, b, 1002, UtcpFields.DATA, new byte[10]));
        c.add(T0 + 100 * SECOND, utcp(a, b, 1003, UtcpFields.DATA, new byte[10]));
        List<FlowRow> rows = c.rows(FlowTable.Config.DEFAULT, EnumSet.of(FlowKind.UTCP));
        assertEquals(List.of(1L, 2L), rows.stream().map(r -> ((UtcpFlowRow) r).packets()).toList(), "default idle 60 s");
    }

    /** The probe's wall clock: a quiet wire still ends idle flows, and the clock never goes back. */
    @Test
    void advancingTheClockWithoutFramesEndsIdleFlows() {
        FlowCapture c = new FlowCapture();
        c.add(T0, utcp(cell(1), cell(2), 1001, UtcpFields.DATA, new byte[10]));
        c.add(T0 + 5 * SECOND, utcp(cell(3), cell(4), 1001, UtcpFields.DATA, new byte[10]));
        List<FlowRow> rows = new ArrayList<>();
        FlowTable table = new FlowTable(FlowTable.Config.DEFAULT.withIdleNanos(10 * SECOND), EnumSet.of(FlowKind.UTCP), rows::add);
        c.feed(table);
        table.advanceTo(T0 + 10 * SECOND); // the first flow idle exactly 10 s: not yet
        assertEquals(0, rows.size());
        table.advanceTo(T0 + 12 * SECOND);
        assertEquals(1, rows.size(), "the first flow ended by the clock alone");
        assertEquals(1, table.liveFlows());
        table.advanceTo(T0); // back in time: nothing happens
        assertEquals(1, table.liveFlows());
        table.advanceTo(T0 + 16 * SECOND);
        assertEquals(2, rows.size());
        assertEquals(0, table.cappedFlows(), "idle evictions are not cap evictions");
    }

    /** A snapshot reports live rows without changing what is evicted when: the end rows are those without it. */
    @Test
    void snapshotsLeaveTheTableAsItWas() {
        FlowCapture c = sequentialConversations(30);
        List<FlowRow> plain = c.rows(FlowTable.Config.DEFAULT.withIdleNanos(2 * SECOND).withMaxFlows(4), EnumSet.allOf(FlowKind.class));
        List<FlowRow> ended = new ArrayList<>(), snapshots = new ArrayList<>();
        FlowTable table = new FlowTable(FlowTable.Config.DEFAULT.withIdleNanos(2 * SECOND).withMaxFlows(4), EnumSet.allOf(FlowKind.class), ended::add);
        // Snapshot after every frame: the most intrusive schedule there is.
        c.feed(new dev.cellscope.dissect.FieldSink() {
            @Override public boolean wants(dev.cellscope.field.FieldDef f) { return table.wants(f); }
            @Override public boolean wantsLayer(dev.cellscope.field.FieldDef p) { return table.wantsLayer(p); }
            @Override public boolean wantsExperts() { return false; }
            @Override public void protocol(dev.cellscope.field.FieldDef f, int o, int l) { table.protocol(f, o, l); }
            @Override public void number(dev.cellscope.field.FieldDef f, int o, int l, long v) { table.number(f, o, l, v); }
            @Override public void bytes(dev.cellscope.field.FieldDef f, int o, int l, java.lang.foreign.MemorySegment s, long from, int n) { table.bytes(f, o, l, s, from, n); }
            @Override public void text(dev.cellscope.field.FieldDef f, int o, int l, String v) { table.text(f, o, l, v); }
            @Override public void expert(dev.cellscope.expert.Expert e, int o, int l) {}
            @Override public void endFrame() {
                table.endFrame();
                table.snapshot(snapshots::add);
            }
        });
        table.finish();
        assertEquals(plain, ended, "the same rows, in the same order");
        assertFalse(snapshots.isEmpty());
        assertTrue(snapshots.stream().allMatch(r -> ((UtcpFlowRow) r).packets() <= 10), "a snapshot is the row so far");
    }
}
