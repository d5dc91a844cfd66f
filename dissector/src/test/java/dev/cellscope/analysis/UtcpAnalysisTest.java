package dev.cellscope.analysis;

import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.dissect.ProtoNode;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.field.SbiFields;
import dev.cellscope.field.UtcpFields;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Conversation analysis against the ground truth of a simulated lossy wire: every frame's
 * classification, and every SBI message recovered whole (or reported lost).
 */
class UtcpAnalysisTest {
    /** The simulated blocks carry random hashes: these tests are about the stream, not verification. */
    static final AnalysisConfig NO_VERIFY = new AnalysisConfig(null, false);

    /** Dissects the tap's frames in order with analysis; returns each frame's tree. */
    static List<ProtoTree> analyse(List<LossyTransfer.TapFrame> frames, CaptureAnalysis analysis) {
        Dissector dissector = new Dissector();
        List<ProtoTree> trees = new ArrayList<>();
        long first = frames.getFirst().timeNanos(), prev = first;
        for (LossyTransfer.TapFrame f : frames) {
            ProtoTree t = new ProtoTree();
            dissector.dissect(f.packet(), new FrameTiming(first, prev), analysis, t);
            trees.add(t);
            prev = f.timeNanos();
        }
        return trees;
    }

    static boolean flag(ProtoTree t, dev.cellscope.field.FieldDef f) {
        return t.find(f).stream().anyMatch(n -> n.number() == 1);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 2026})
    void everyFrameIsClassifiedAsTheWireMadeIt(long seed) {
        LossyTransfer wire = new LossyTransfer(seed, 0.05, 0.02, 0.01, 0);
        wire.run(LossyTransfer.randomMessages(new Random(seed), 150), 1400, 3);
        List<ProtoTree> trees = analyse(wire.tap, CaptureAnalysis.singlePass(NO_VERIFY));

        // Ground truth from the tap timeline: the highest seq seen so far decides gaps and
        // late arrivals; the simulation knows which copies were duplicates and re-sends.
        long highest = 1000;
        Set<Long> seen = new HashSet<>();
        int retrans = 0, dups = 0, ooo = 0, gaps = 0;
        for (int i = 0; i < wire.tap.size(); i++) {
            LossyTransfer.TapFrame f = wire.tap.get(i);
            ProtoTree t = trees.get(i);
            if (f.kind() == LossyTransfer.Kind.NACK || f.kind() == LossyTransfer.Kind.SYN) continue;
            boolean expectRetrans = f.kind() == LossyTransfer.Kind.RETRANSMISSION;
            boolean expectDup = f.kind() == LossyTransfer.Kind.DUPLICATE;
            boolean expectOoo = f.kind() == LossyTransfer.Kind.ORIGINAL && f.seq() < highest && !seen.contains(f.seq());
            boolean expectGap = f.kind() == LossyTransfer.Kind.ORIGINAL && f.seq() > highest + 1;
            String where = "seed " + seed + " frame " + f.number() + " seq " + f.seq() + " " + f.kind();
            assertEquals(expectRetrans, flag(t, UtcpFields.RETRANSMISSION), where);
            assertEquals(expectDup, flag(t, UtcpFields.DUPLICATE), where);
            assertEquals(expectOoo, flag(t, UtcpFields.OUT_OF_ORDER), where);
            assertEquals(expectGap, flag(t, UtcpFields.GAP), where);
            if (expectGap) assertEquals(Long.toString(f.seq() - highest - 1), t.find(UtcpFields.MISSING).getFirst().plainValue(), where);
            if (f.reordered()) assertFalse(flag(t, UtcpFields.RETRANSMISSION) && !expectRetrans, "a late packet is never a retransmission: " + where);
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

    @ParameterizedTest
    @ValueSource(longs = {7, 8, 9})
    void everyMessageIsRecoveredWhole(long seed) {
        LossyTransfer wire = new LossyTransfer(seed, 0.05, 0.02, 0.01, 0);
        wire.run(LossyTransfer.randomMessages(new Random(seed), 120), 1400, 3);
        List<ProtoTree> trees = analyse(wire.tap, CaptureAnalysis.singlePass(NO_VERIFY));
        Map<Long, String> recovered = new HashMap<>();
        for (ProtoTree t : trees) {
            for (ProtoNode sbi : t.find(SbiFields.SBI)) {
                long index = child(sbi, SbiFields.MSG_INDEX).number();
                assertNull(recovered.put(index, hashOf(t, sbi)), "message " + index + " delivered twice");
            }
            assertTrue(t.experts().stream().noneMatch(e -> e.expert().severity().compareTo(dev.cellscope.expert.Severity.WARN) > 0
                    && e.expert().group() == dev.cellscope.expert.ExpertGroup.MALFORMED), "no message may look corrupt");
        }
        assertEquals(wire.messages.size(), recovered.size());
        for (LossyTransfer.SentMessage m : wire.messages) {
            // The BLOCK_PUT hash in the sent bytes (envelope 5 + preamble 24) identifies the message.
            assertEquals(dev.cellscope.field.FieldFormat.hex(java.util.Arrays.copyOfRange(m.bytes(), 29, 61)), recovered.get((long) m.index()),
                    "message " + m.index());
        }
    }

    @Test
    void tapLossIsToldFromNetworkLossAndMessagesInTheHoleAreLost() {
        long seed = 5;
        LossyTransfer wire = new LossyTransfer(seed, 0.03, 0, 0, 0.02);
        wire.run(LossyTransfer.randomMessages(new Random(seed), 200), 1400, 3);
        assertFalse(wire.tapMissed.isEmpty());
        CaptureAnalysis analysis = CaptureAnalysis.singlePass(NO_VERIFY);
        List<ProtoTree> trees = analyse(wire.tap, analysis);
        analysis.finish();
        UtcpAnalysis.LossCounters loss = analysis.utcp().loss();
        // The seqs the receiver got but the tap never saw in any copy; only those below the
        // highest seq the tap saw leave a gap it can notice.
        Set<Long> tapSaw = new HashSet<>();
        for (LossyTransfer.TapFrame f : wire.tap) if (f.seq() > 1000) tapSaw.add(f.seq());
        long highestSeen = tapSaw.stream().mapToLong(Long::longValue).max().orElseThrow();
        long neverSeen = wire.tapMissed.stream().distinct().filter(s -> !tapSaw.contains(s) && s < highestSeen).count();
        assertTrue(neverSeen > 5);
        assertEquals(neverSeen, loss.tapLostSeqs(), "every seq the tap missed, and only those");
        long dataFramesSeen = wire.tap.stream().filter(f -> f.kind() != LossyTransfer.Kind.NACK && f.kind() != LossyTransfer.Kind.SYN).count();
        assertEquals(dataFramesSeen, loss.dataSeqs());
        assertEquals(100.0 * neverSeen / (dataFramesSeen + neverSeen), loss.tapLossPercent(), 1e-9);

        // Messages whose bytes the tap missed are reported lost, never recovered; the others arrive whole.
        Set<Long> missed = new HashSet<>(wire.tapMissed);
        missed.removeAll(tapSaw);
        Set<String> seenWhole = new HashSet<>();
        for (LossyTransfer.SentMessage m : wire.messages) {
            boolean whole = true;
            for (long s = m.firstSeq(); s <= m.lastSeq(); s++) whole &= !missed.contains(s);
            if (whole) seenWhole.add(dev.cellscope.field.FieldFormat.hex(java.util.Arrays.copyOfRange(m.bytes(), 29, 61)));
        }
        List<String> recovered = new ArrayList<>();
        for (ProtoTree t : trees) for (ProtoNode sbi : t.find(SbiFields.SBI)) recovered.add(hashOf(t, sbi));
        for (String h : recovered) assertTrue(seenWhole.contains(h), "recovered a message the tap did not see whole: " + h);
        long lostReported = trees.stream().flatMap(t -> t.experts().stream())
                .filter(e -> e.expert().message().startsWith("SBI message") && e.expert().message().contains(" lost: ")).count();
        assertTrue(lostReported > 0);
        assertTrue(recovered.size() + analysis.utcp().messagesAtEnd() >= seenWhole.size() * 0.8,
                recovered.size() + " of " + seenWhole.size() + " whole messages recovered");
        assertTrue(trees.stream().flatMap(t -> t.experts().stream()).noneMatch(e -> e.expert().message().startsWith("malformed_container")));
    }

    @Test
    void twoPassLinksPartsToTheFrameThatCompletesThem() {
        LossyTransfer wire = new LossyTransfer(11, 0, 0, 0, 0);
        wire.run(LossyTransfer.randomMessages(new Random(11), 30), 1400, 3);
        CaptureAnalysis first = CaptureAnalysis.firstPass(NO_VERIFY);
        analyse(wire.tap, first);
        first.finish();
        List<ProtoTree> trees = analyse(wire.tap, CaptureAnalysis.secondPass(NO_VERIFY, first));
        int linked = 0;
        for (int i = 0; i < trees.size(); i++) {
            for (ProtoNode r : trees.get(i).find(SbiFields.REASSEMBLED_IN)) {
                ProtoTree completing = trees.get((int) r.number() - 1);
                long frame = i + 1;
                boolean listed = completing.find(SbiFields.SEGMENT).stream().anyMatch(n -> n.number() == frame);
                assertTrue(listed, "frame " + frame + " says reassembled in " + r.number() + ", which does not list it");
                linked++;
            }
        }
        assertTrue(linked > 10);
    }

    private static ProtoNode child(ProtoNode layer, dev.cellscope.field.FieldDef f) {
        return layer.children().stream().filter(n -> n.expert() == null && n.field() == f).findFirst().orElseThrow();
    }

    private static String hashOf(ProtoTree t, ProtoNode sbi) {
        return child(sbi, SbiFields.PUT_HASH).plainValue();
    }
}
