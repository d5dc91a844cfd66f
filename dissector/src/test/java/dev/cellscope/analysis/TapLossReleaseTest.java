package dev.cellscope.analysis;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.expert.Expert;
import dev.cellscope.expert.SbiExperts;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FrameFields;
import dev.cellscope.field.SbiFields;
import dev.cellscope.io.Packet;
import dev.cellscope.io.PcapngWriter;
import dev.cellscope.session.CaptureSession;
import dev.cellscope.session.FileSource;
import dev.cellscope.session.FrameConsumer;
import dev.cellscope.session.SessionOptions;
import dev.cellscope.session.SessionResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Tap loss must not hide what follows it. Simulated transfers (the endpoint's wire, no network
 * loss, so nobody NACKs) whose tap misses chosen packets that the receiver got; the whole capture
 * lasts milliseconds, far below the 2 s patience. Against the simulation's ground truth (which
 * messages exist, which overlap the missed packets, which block is corrupt): every message that
 * does not overlap missing bytes is verified and reported — a single pass on its frame or, when
 * it was held behind the hole to the end, at the end naming the frame that completed it; a
 * second pass always on that frame. The frame that completes a message is, with no reordering
 * and no wire loss, the tap frame that carried its last packet.
 */
class TapLossReleaseTest {
    private static final AnalysisConfig VERIFY = new AnalysisConfig(null, true, false);
    private static final int MSS = 1400;

    @TempDir
    Path dir;

    /** What a session reported about each BLOCK_PUT (by chunk_index = the sender's message index). */
    private static final class Report implements FrameConsumer {
        final Map<Long, Long> onFrame = new TreeMap<>(), released = new TreeMap<>();
        final Map<Long, Long> verified = new HashMap<>();
        SessionResult result;
        private final Collector frames = new Collector(onFrame), late = new Collector(released);

        private final class Collector implements FieldSink {
            private final Map<Long, Long> into;
            private long frame, chunk = -1;

            Collector(Map<Long, Long> into) {
                this.into = into;
            }

            @Override public boolean wants(FieldDef f) {
                return f == FrameFields.NUMBER || f == SbiFields.PUT_CHUNK_INDEX || f == SbiFields.PUT_VERIFIED;
            }
            @Override public boolean wantsExperts() { return false; }
            @Override public void protocol(FieldDef f, int offset, int length) {}
            @Override public void bytes(FieldDef f, int offset, int length, MemorySegment seg, long from, int count) {}
            @Override public void text(FieldDef f, int offset, int length, String value) {}
            @Override public void expert(Expert e, int offset, int length) {}

            @Override
            public void number(FieldDef f, int offset, int length, long v) {
                if (f == FrameFields.NUMBER) {
                    frame = v;
                } else if (f == SbiFields.PUT_CHUNK_INDEX) {
                    chunk = v;
                    assertNull(onFrame.get(v), "message " + v + " reported twice");
                    assertNull(released.get(v), "message " + v + " reported twice");
                    into.put(v, frame);
                } else if (chunk >= 0) {
                    verified.put(chunk, v);
                }
            }
        }

        @Override public FieldSink sink() { return frames; }
        @Override public FieldSink releasedSink() { return late; }
        @Override public void end(SessionResult r) { result = r; }

        List<Expert> findings(dev.cellscope.expert.ExpertInfo kind) {
            return result.findings().stream().filter(e -> e.kind() == kind).toList();
        }
    }

    /** A transfer and its capture, with the ground truth. */
    private final class Scenario {
        final LossyTransfer wire = new LossyTransfer(7, 0, 0, 0, 0);
        final Path file = dir.resolve("taploss-" + System.nanoTime() + ".pcapng");
        final int corrupt;

        Scenario(int count, int size, int corrupt, Function<List<LossyTransfer.SentMessage>, Set<Long>> drops,
                 Consumer<LossyTransfer> options) throws Exception {
            this.corrupt = corrupt;
            List<byte[]> messages = LossyTransfer.verifiableMessages(new Random(7), count, size, corrupt);
            // The drops are chosen from where the messages fall: the same layout run() computes.
            options.accept(wire);
            wire.tapDrops.addAll(drops.apply(layout(messages, size)));
            wire.run(messages, size > 0 ? size : MSS, 3);
            try (PcapngWriter w = new PcapngWriter(file)) {
                w.addInterface(Packet.LINKTYPE_ETHERNET, 65535, "tap");
                for (LossyTransfer.TapFrame f : wire.tap) w.write(f.packet());
            }
            assertEquals(wire.tapDrops.size(), wire.tapMissed.size(), "the tap missed exactly the chosen packets");
        }

        private static List<LossyTransfer.SentMessage> layout(List<byte[]> messages, int size) {
            int mss = size > 0 ? size : MSS;
            List<LossyTransfer.SentMessage> out = new java.util.ArrayList<>();
            long at = 0;
            for (int i = 0; i < messages.size(); i++) {
                long first = 1001 + at / mss;
                at += messages.get(i).length;
                out.add(new LossyTransfer.SentMessage(i, messages.get(i), first, 1001 + (at - 1) / mss));
            }
            return out;
        }

        boolean overlaps(LossyTransfer.SentMessage m) {
            for (long s = m.firstSeq(); s <= m.lastSeq(); s++) if (wire.tapDrops.contains(s)) return true;
            return false;
        }

        /** The tap frame that carried a message's last packet. */
        long lastFrameOf(LossyTransfer.SentMessage m) {
            return wire.tap.stream().filter(f -> f.kind() == LossyTransfer.Kind.ORIGINAL && f.seq() == m.lastSeq())
                    .findFirst().orElseThrow().number();
        }

        Report run(boolean twoPass) throws Exception {
            Report r = new Report();
            new CaptureSession(new FileSource(file), SessionOptions.of(VERIFY).withTwoPass(twoPass)).run(r);
            return r;
        }

        /**
         * Checks both passes against the truth; {@code singlePassFrame} says where a single pass
         * shows a message (-1: released at the end), given its ground-truth completing frame.
         */
        void check(Function<LossyTransfer.SentMessage, Long> singlePassFrame) throws Exception {
            Report one = run(false), two = run(true);
            int whole = 0, releasedExpected = 0;
            for (LossyTransfer.SentMessage m : wire.messages) {
                long index = m.index();
                if (overlaps(m)) {
                    for (Report r : List.of(one, two)) {
                        assertFalse(r.onFrame.containsKey(index) || r.released.containsKey(index), "message " + index + " overlaps the hole");
                    }
                    continue;
                }
                whole++;
                long own = lastFrameOf(m);
                long single = singlePassFrame.apply(m);
                if (single < 0) {
                    releasedExpected++;
                    assertEquals(Long.valueOf(own), one.released.get(index), "one pass: message " + index + " released, naming its frame");
                    assertTrue(one.findings(SbiExperts.COMPLETED_AT_END).stream()
                            .anyMatch(e -> e.message().contains("completed in frame " + own + ",")), "message " + index + " reported at the end");
                } else {
                    assertEquals(Long.valueOf(single), one.onFrame.get(index), "one pass: message " + index + " shown on its frame");
                }
                assertEquals(Long.valueOf(own), two.onFrame.get(index), "-2: message " + index + " on the frame that completed it");
                long ok = index == corrupt ? 0 : 1;
                assertEquals(Long.valueOf(ok), one.verified.get(index), "one pass: verification of message " + index);
                assertEquals(Long.valueOf(ok), two.verified.get(index), "-2: verification of message " + index);
            }
            assertTrue(whole > 0);
            assertEquals(releasedExpected, one.released.size());
            assertEquals(releasedExpected, one.findings(SbiExperts.COMPLETED_AT_END).size());
            assertTrue(two.released.isEmpty(), "-2 releases nothing at the end: " + two.released);
            assertTrue(two.findings(SbiExperts.COMPLETED_AT_END).isEmpty());
            if (corrupt >= 0 && !overlaps(wire.messages.get(corrupt))) {
                long frame = lastFrameOf(wire.messages.get(corrupt));
                boolean releasedCorrupt = singlePassFrame.apply(wire.messages.get(corrupt)) < 0;
                List<Expert> atEnd = one.findings(SbiExperts.HASH_MISMATCH);
                assertEquals(releasedCorrupt ? 1 : 0, atEnd.size(), "the corrupt block's finding at the end: " + atEnd);
                if (releasedCorrupt) assertTrue(atEnd.getFirst().message().startsWith("Frame " + frame + ", "), atEnd.getFirst().message());
            }
        }
    }

    /** One pass without any proof: what precedes the first hole shows on its frame, the rest at the end. */
    private static Function<LossyTransfer.SentMessage, Long> releasedAfter(Scenario s) {
        long firstHole = s.wire.tapDrops.stream().mapToLong(Long::longValue).min().orElseThrow();
        return m -> m.lastSeq() < firstHole ? s.lastFrameOf(m) : -1L;
    }

    private static Set<Long> inside(List<LossyTransfer.SentMessage> ms, int nth) {
        int seen = 0;
        for (LossyTransfer.SentMessage m : ms) {
            if (m.lastSeq() - m.firstSeq() >= 2 && seen++ == nth) return Set.of(m.firstSeq() + 1);
        }
        throw new AssertionError("no message spans three packets");
    }

    @Test
    void holeInsideAMessageBody() throws Exception {
        Scenario s = new Scenario(40, 0, -1, ms -> inside(ms, 0), w -> {});
        s.check(releasedAfter(s));
    }

    @Test
    void holeAtAMessageBoundary() throws Exception {
        // Every message fills exactly one packet: the missed packet is one whole message.
        Scenario s = new Scenario(30, 1200, -1, ms -> Set.of(ms.get(10).firstSeq()), w -> {});
        s.check(releasedAfter(s));
    }

    @Test
    void holeInTheLastSegmentOfAMessage() throws Exception {
        Scenario s = new Scenario(40, 0, -1, ms -> {
            for (LossyTransfer.SentMessage m : ms.subList(5, ms.size())) if (m.lastSeq() > m.firstSeq()) return Set.of(m.lastSeq());
            throw new AssertionError();
        }, w -> {});
        s.check(releasedAfter(s));
    }

    @Test
    void holeInTheLastSegmentOfTheCapture() throws Exception {
        // Nothing follows the hole: nothing is held, every other message shows on its frame.
        Scenario s = new Scenario(40, 0, -1, ms -> Set.of(ms.getLast().lastSeq()), w -> {});
        s.check(s::lastFrameOf);
    }

    @Test
    void severalHolesInOneDirection() throws Exception {
        Scenario s = new Scenario(60, 0, -1, ms -> {
            Set<Long> d = new HashSet<>(inside(ms, 1));
            d.add(ms.get(30).firstSeq());
            d.add(ms.get(45).lastSeq());
            return d;
        }, w -> {});
        assertEquals(3, s.wire.tapDrops.size());
        s.check(releasedAfter(s));
    }

    @Test
    void aCorruptBlockAfterAHoleIsReported() throws Exception {
        Scenario s = new Scenario(40, 0, 30, ms -> inside(ms, 0), w -> {});
        assertFalse(s.overlaps(s.wire.messages.get(30)));
        assertTrue(s.wire.messages.get(30).firstSeq() > s.wire.tapDrops.iterator().next(), "the corrupt block lies after the hole");
        s.check(releasedAfter(s));
    }

    @Test
    void theReceiversAckOfTheFinSettlesTheHoles() throws Exception {
        // The receiver ACKs the FIN only with every seq before it: what was held shows on the ACK's frame.
        Scenario s = new Scenario(60, 0, 50, ms -> {
            Set<Long> d = new HashSet<>(inside(ms, 0));
            d.add(ms.get(40).firstSeq());
            return d;
        }, w -> w.closeWithFin = true);
        long ack = s.wire.tap.stream().filter(f -> f.kind() == LossyTransfer.Kind.ACK).findFirst().orElseThrow().number();
        long firstHole = s.wire.tapDrops.stream().mapToLong(Long::longValue).min().orElseThrow();
        s.check(m -> m.lastSeq() < firstHole ? s.lastFrameOf(m) : ack);
    }

    @Test
    void anSbiAnswerBeyondTheHoleSettlesIt() throws Exception {
        // The receiver ACKs each BLOCK_PUT once it has it: its ACK of the message the hole cut (or a
        // later one) proves it has the missed packet. Messages after the hole show from that frame on.
        Scenario s = new Scenario(40, 0, 25, ms -> inside(ms, 0), w -> w.answerMessages = true);
        long hole = s.wire.tapDrops.iterator().next();
        LossyTransfer.SentMessage cut = s.wire.messages.stream().filter(s::overlaps).findFirst().orElseThrow();
        assertTrue(cut.firstSeq() < hole && hole < cut.lastSeq());
        // The answer frames in order; the one answering the cut message (ref = its index) is the proof.
        long proof = answerFrame(s, cut.index());
        s.check(m -> m.lastSeq() < hole ? s.lastFrameOf(m) : Math.max(proof, s.lastFrameOf(m)));
    }

    @Test
    void releasedMessagesReachTheFlowTableAndTheOpStatistics() throws Exception {
        Scenario s = new Scenario(40, 0, 30, ms -> inside(ms, 0), w -> {});
        long whole = s.wire.messages.stream().filter(m -> !s.overlaps(m)).count();
        for (boolean twoPass : new boolean[]{false, true}) {
            List<dev.cellscope.flow.FlowRow> rows = new java.util.ArrayList<>();
            dev.cellscope.flow.FlowTable table = new dev.cellscope.flow.FlowTable(rows::add);
            dev.cellscope.output.SbiOpStats ops = new dev.cellscope.output.SbiOpStats();
            new CaptureSession(new FileSource(s.file), SessionOptions.of(VERIFY).withTwoPass(twoPass)).run(new FrameConsumer() {
                @Override public FieldSink sink() { return new dev.cellscope.dissect.TeeSink(table, ops); }
                @Override public FieldSink releasedSink() { return new dev.cellscope.dissect.TeeSink(table, ops.releasedSink()); }
                @Override public void end(SessionResult r) { table.finish(); }
            });
            dev.cellscope.flow.SbiFlowRow sbi = rows.stream().filter(r -> r instanceof dev.cellscope.flow.SbiFlowRow)
                    .map(r -> (dev.cellscope.flow.SbiFlowRow) r).findFirst().orElseThrow();
            String pass = twoPass ? "-2" : "one pass";
            assertEquals(whole, sbi.messages(), pass + ": every whole message in the SBI row");
            assertEquals(whole, sbi.blocksPut(), pass);
            assertEquals(whole - 1, sbi.blocksVerified(), pass);
            assertEquals(1, sbi.blocksFailed(), pass + ": the corrupt block after the hole");
            assertEquals(s.lastFrameOf(s.wire.messages.getFirst()), sbi.firstFrame(), pass + ": the frame completing the first message");
            assertEquals(s.lastFrameOf(s.wire.messages.getLast()), sbi.lastFrame(), pass + ": the frame completing the last message");
            StringBuilder table2 = new StringBuilder();
            ops.print(table2);
            assertTrue(table2.toString().matches("(?s).*BLOCK_PUT\\s+" + whole + "\\s.*"), pass + ":\n" + table2);
        }
    }

    /** The tap frame of the receiver's SBI ACK whose ref_seq is {@code ref}. */
    private static long answerFrame(Scenario s, int ref) {
        for (LossyTransfer.TapFrame f : s.wire.tap) {
            if (f.kind() != LossyTransfer.Kind.ANSWER) continue;
            // Ethernet 14 + UTCP 40 + envelope 5 + preamble 24: the ACK's ref_seq, u32 little-endian.
            int at = 14 + 40 + 5 + 24;
            long r = (f.bytes()[at] & 0xFF) | (f.bytes()[at + 1] & 0xFF) << 8 | (f.bytes()[at + 2] & 0xFF) << 16
                    | (long) (f.bytes()[at + 3] & 0xFF) << 24;
            if (r == ref) return f.number();
        }
        throw new AssertionError("no answer to message " + ref);
    }
}
