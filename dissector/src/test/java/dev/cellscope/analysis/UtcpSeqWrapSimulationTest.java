package dev.cellscope.analysis;

import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.dissect.ProtoNode;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.SbiFields;
import dev.cellscope.field.UtcpFields;
import dev.cellscope.flow.FlowCsv;
import dev.cellscope.flow.FlowKind;
import dev.cellscope.flow.FlowTable;
import dev.cellscope.flow.SeriesUtcpDirection;
import dev.cellscope.flow.SeriesXY;
import dev.cellscope.flow.TimeSeries;
import dev.cellscope.flow.TimeSeriesOptions;
import dev.cellscope.flow.TimeSeriesSink;
import dev.cellscope.protocol.utcp.UtcpSeq;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 11 item 2: a conversation over the simulated lossy wire whose seqs start just below 2^32
 * in both directions (A's SYN at 0xFFFFFFF0, B's at 0xFFFFFF00), with loss, reordering and
 * duplication, checked against the simulation's ground truth: every frame's classification,
 * every message of both directions recovered whole; and the same conversation started at low
 * seqs (the wire's fates do not depend on seq values, so it is the same capture but for the seq
 * fields) gives the same analysis of every frame, the same flow table and the same time series
 * shifted by the difference of the initial seqs.
 */
class UtcpSeqWrapSimulationTest {
    static final long HIGH_A = 0xFFFF_FFF1L, HIGH_B = 0xFFFF_FF01L, LOW_A = 1001, LOW_B = 5001;
    static final AnalysisConfig NO_VERIFY = new AnalysisConfig(null, false);

    static LossyTransfer transfer(long seed, long firstA, long firstB) {
        LossyTransfer t = new LossyTransfer(seed, 0.05, 0.02, 0.01, 0);
        t.runBoth(firstA, LossyTransfer.randomMessages(new Random(seed), 80), firstB, LossyTransfer.randomMessages(new Random(seed + 1), 80),
                1400, 3);
        return t;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void aConversationAcrossTheWrapInBothDirectionsMatchesItsGroundTruth(long seed) {
        LossyTransfer high = transfer(seed, HIGH_A, HIGH_B), low = transfer(seed, LOW_A, LOW_B);
        // The same capture but for the seqs: positions shifted, wire seqs mod 2^32.
        assertEquals(low.tap.size(), high.tap.size());
        for (int i = 0; i < low.tap.size(); i++) {
            LossyTransfer.TapFrame l = low.tap.get(i), h = high.tap.get(i);
            assertEquals(l.kind(), h.kind());
            assertEquals(l.timeNanos(), h.timeNanos());
            if (l.seq() >= 0) assertEquals(l.seq() + (l.fromB() ? HIGH_B - LOW_B : HIGH_A - LOW_A), h.seq());
        }
        assertTrue(high.tap.stream().anyMatch(f -> !f.fromB() && f.seq() > UtcpSeq.MASK), "A's seqs cross 2^32");
        assertTrue(high.tap.stream().anyMatch(f -> f.fromB() && f.seq() > UtcpSeq.MASK), "B's seqs cross 2^32");

        List<ProtoTree> trees = UtcpAnalysisTest.analyse(high.tap, CaptureAnalysis.singlePass(NO_VERIFY));
        classifiedAsTheWireMadeIt(high, trees, false, seed);
        classifiedAsTheWireMadeIt(high, trees, true, seed);
        recoveredWhole(high, trees, false);
        recoveredWhole(high, trees, true);

        List<ProtoTree> lowTrees = UtcpAnalysisTest.analyse(low.tap, CaptureAnalysis.singlePass(NO_VERIFY));
        for (int i = 0; i < trees.size(); i++) {
            assertEquals(analysisOf(lowTrees.get(i)), analysisOf(trees.get(i)), "seed " + seed + " frame " + (i + 1));
        }

        assertEquals(flowCsv(low.tap), flowCsv(high.tap), "the flow table does not depend on where the seqs start");

        TimeSeries lowSeries = series(low.tap), highSeries = series(high.tap);
        assertEquals(2, highSeries.utcp().size());
        for (int d = 0; d < 2; d++) {
            SeriesUtcpDirection l = lowSeries.utcp().get(d), h = highSeries.utcp().get(d);
            assertEquals(l.src(), h.src());
            long shift = l.src().equals(java.util.HexFormat.of().formatHex(LossyTransfer.A)) ? HIGH_A - LOW_A : HIGH_B - LOW_B;
            shifted(l.data(), h.data(), shift, "data " + d);
            shifted(l.retransmissions(), h.retransmissions(), shift, "retransmissions " + d);
            shifted(l.nacks(), h.nacks(), shift, "nacks " + d);
            assertEquals(l.dataBytes(), h.dataBytes());
        }
        assertArrayEquals(lowSeries.nackSeqs(), highSeries.nackSeqs());
        assertArrayEquals(lowSeries.retransmissions(), highSeries.retransmissions());
        assertArrayEquals(lowSeries.goodputBytes(), highSeries.goodputBytes());
    }

    /** As UtcpAnalysisTest's ground truth, for one direction, on seq positions. */
    private static void classifiedAsTheWireMadeIt(LossyTransfer wire, List<ProtoTree> trees, boolean fromB, long seed) {
        long highest = -1;
        Set<Long> seen = new HashSet<>();
        int retrans = 0, dups = 0, ooo = 0, gaps = 0;
        for (int i = 0; i < wire.tap.size(); i++) {
            LossyTransfer.TapFrame f = wire.tap.get(i);
            if (f.fromB() != fromB || f.kind() == LossyTransfer.Kind.NACK) continue;
            ProtoTree t = trees.get(i);
            if (f.kind() == LossyTransfer.Kind.SYN) {
                highest = f.seq();
                continue;
            }
            boolean expectRetrans = f.kind() == LossyTransfer.Kind.RETRANSMISSION;
            boolean expectDup = f.kind() == LossyTransfer.Kind.DUPLICATE;
            boolean expectOoo = f.kind() == LossyTransfer.Kind.ORIGINAL && f.seq() < highest && !seen.contains(f.seq());
            boolean expectGap = f.kind() == LossyTransfer.Kind.ORIGINAL && f.seq() > highest + 1;
            String where = "seed " + seed + " frame " + f.number() + " seq " + f.seq() + " " + f.kind() + (fromB ? " from B" : " from A");
            assertEquals(expectRetrans, UtcpAnalysisTest.flag(t, UtcpFields.RETRANSMISSION), where);
            assertEquals(expectDup, UtcpAnalysisTest.flag(t, UtcpFields.DUPLICATE), where);
            assertEquals(expectOoo, UtcpAnalysisTest.flag(t, UtcpFields.OUT_OF_ORDER), where);
            assertEquals(expectGap, UtcpAnalysisTest.flag(t, UtcpFields.GAP), where);
            if (expectGap) assertEquals(Long.toString(f.seq() - highest - 1), t.find(UtcpFields.MISSING).getFirst().plainValue(), where);
            retrans += expectRetrans ? 1 : 0;
            dups += expectDup ? 1 : 0;
            ooo += expectOoo ? 1 : 0;
            gaps += expectGap ? 1 : 0;
            seen.add(f.seq());
            highest = Math.max(highest, f.seq());
        }
        assertTrue(retrans > 0 && dups > 0 && ooo > 0 && gaps > 0,
                "the simulation should exercise every case: " + retrans + " " + dups + " " + ooo + " " + gaps);
    }

    /** Every message of one direction arrives once, whole (its BLOCK_PUT hash), at the frame of that direction. */
    private static void recoveredWhole(LossyTransfer wire, List<ProtoTree> trees, boolean fromB) {
        Map<Long, String> recovered = new HashMap<>();
        for (int i = 0; i < trees.size(); i++) {
            if (wire.tap.get(i).fromB() != fromB) continue;
            for (ProtoNode sbi : trees.get(i).find(SbiFields.SBI)) {
                long index = child(sbi, SbiFields.MSG_INDEX).number();
                assertNull(recovered.put(index, child(sbi, SbiFields.PUT_HASH).plainValue()), "message " + index + " delivered twice");
            }
        }
        List<LossyTransfer.SentMessage> sent = fromB ? wire.messagesFromB : wire.messages;
        assertEquals(sent.size(), recovered.size(), fromB ? "from B" : "from A");
        for (LossyTransfer.SentMessage m : sent) {
            assertEquals(dev.cellscope.field.FieldFormat.hex(Arrays.copyOfRange(m.bytes(), 29, 61)), recovered.get((long) m.index()),
                    "message " + m.index());
        }
    }

    /** Every field of a frame but the seq fields themselves, and the kinds of its findings. */
    private static List<String> analysisOf(ProtoTree t) {
        List<String> out = new ArrayList<>();
        collect(t.roots(), out);
        return out;
    }

    private static void collect(List<ProtoNode> nodes, List<String> out) {
        for (ProtoNode n : nodes) {
            if (n.expert() != null) out.add("expert " + n.expert().id());
            else if (n.field() != UtcpFields.SEQ && n.field() != UtcpFields.NACK_FIRST) out.add(n.field().name() + "=" + n.plainValue());
            collect(n.children(), out);
        }
    }

    private static void shifted(SeriesXY low, SeriesXY high, long shift, String what) {
        assertArrayEquals(low.timesNanos(), high.timesNanos(), what);
        assertTrue(low.size() > 0, what);
        long[] expected = Arrays.stream(low.values()).map(v -> v + shift).toArray();
        assertArrayEquals(expected, high.values(), what);
    }

    private static String flowCsv(List<LossyTransfer.TapFrame> frames) {
        StringWriter w = new StringWriter();
        Set<FlowKind> kinds = EnumSet.allOf(FlowKind.class);
        try (FlowCsv csv = new FlowCsv(w, kinds)) {
            FlowTable table = new FlowTable(FlowTable.Config.DEFAULT, kinds, csv);
            feed(frames, table);
            table.finish();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return w.toString();
    }

    private static TimeSeries series(List<LossyTransfer.TapFrame> frames) {
        TimeSeriesSink sink = new TimeSeriesSink(TimeSeriesOptions.DEFAULT.withInterval(1_000_000));
        feed(frames, sink);
        return sink.result();
    }

    private static void feed(List<LossyTransfer.TapFrame> frames, FieldSink sink) {
        CaptureAnalysis analysis = CaptureAnalysis.singlePass(NO_VERIFY);
        Dissector d = new Dissector();
        long first = frames.getFirst().timeNanos(), prev = first;
        for (LossyTransfer.TapFrame f : frames) {
            d.dissect(f.packet(), new FrameTiming(first, prev), analysis, sink);
            prev = f.timeNanos();
        }
        analysis.finish();
    }

    private static ProtoNode child(ProtoNode layer, FieldDef f) {
        return layer.children().stream().filter(n -> n.expert() == null && n.field() == f).findFirst().orElseThrow();
    }
}
