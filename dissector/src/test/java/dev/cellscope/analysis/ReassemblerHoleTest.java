package dev.cellscope.analysis;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** When the reassembler gives a hole up, told by the stream events it delivers (one byte per seq here). */
class ReassemblerHoleTest {
    /** "b<seq>@<frame>" for bytes, "hole<n>@<frame>" for a hole. */
    private static final class Events implements StreamSink {
        final List<String> list = new ArrayList<>();

        @Override
        public void bytes(long seq, MemorySegment seg, long off, int len, long frame, int frameOffset, long nanos) {
            byte b = seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, off);
            // Each payload is its own seq: the seq handed on with it must be the one it came in.
            if (b != (byte) seq) throw new AssertionError("bytes of seq " + b + " handed on as seq " + seq);
            list.add("b" + b + "@" + frame);
        }

        @Override
        public void hole(long missingSeqs, long frame) {
            list.add("hole" + missingSeqs + "@" + frame);
        }
    }

    private static void data(Reassembler r, long seq) {
        r.data(seq, MemorySegment.ofArray(new byte[]{(byte) seq}), 0, 1, seq, 0, seq * 1000);
    }

    /** Seqs 1, 2, [3 missing], 4, [5, 6 missing], 7 arrive; the tap missed 3, 5 and 6. */
    private static Reassembler twoHoles(Events e) {
        Reassembler r = new Reassembler(e);
        r.syn(0);
        for (long s : new long[]{1, 2, 4, 7}) data(r, s);
        assertEquals(List.of("b1@1", "b2@2"), e.list);
        return r;
    }

    @Test
    void aNackOfLaterSeqsGivesUpEveryHoleBelowThem() {
        Events e = new Events();
        Reassembler r = twoHoles(e);
        r.nacked(new long[]{9}, new long[]{10}, 20);
        assertEquals(List.of("b1@1", "b2@2", "hole1@20", "b4@4", "hole2@20", "b7@7"), e.list);
    }

    @Test
    void aNackOfTheHoleKeepsItWaiting() {
        Events e = new Events();
        Reassembler r = twoHoles(e);
        r.nacked(new long[]{3, 9}, new long[]{4, 10}, 20);
        assertEquals(List.of("b1@1", "b2@2"), e.list);
    }

    @Test
    void theAckOfTheFinGivesUpEveryHoleBelowIt() {
        Events e = new Events();
        Reassembler r = twoHoles(e);
        r.settleBelow(8, 21);
        assertEquals(List.of("b1@1", "b2@2", "hole1@21", "b4@4", "hole2@21", "b7@7"), e.list);
    }

    @Test
    void anAnswerGivesUpOnlyTheFirstMissingPacket() {
        Events e = new Events();
        Reassembler r = twoHoles(e);
        r.settleFirstPacket(22);
        assertEquals(List.of("b1@1", "b2@2", "hole1@22", "b4@4"), e.list);
        r.settleFirstPacket(23);
        assertEquals(List.of("b1@1", "b2@2", "hole1@22", "b4@4", "hole1@23"), e.list);
    }

    @Test
    void aSecondPassGivesUpAtOnceWhatTheFirstGaveUpAndNothingElse() {
        List<long[]> recorded = new ArrayList<>();
        Events first = new Events();
        Reassembler r1 = twoHoles(first);
        r1.log(new Reassembler.HoleLog() {
            @Override public void gaveUp(long from, long to) { recorded.add(new long[]{from, to}); }
            @Override public long lostUntil(long from) { return -1; }
            @Override public boolean knows() { return false; }
        });
        r1.flush(-1);
        assertEquals(2, recorded.size());
        assertArrayEquals(new long[]{3, 4}, recorded.get(0));
        assertArrayEquals(new long[]{5, 7}, recorded.get(1));

        Events second = new Events();
        Reassembler r2 = new Reassembler(second);
        r2.log(new Reassembler.HoleLog() {
            @Override public void gaveUp(long from, long to) { fail("a second pass records nothing"); }
            @Override public long lostUntil(long from) {
                return recorded.stream().filter(h -> h[0] == from).mapToLong(h -> h[1]).findFirst().orElse(-1);
            }
            @Override public boolean knows() { return true; }
        });
        r2.syn(0);
        for (long s : new long[]{1, 2, 4, 7}) data(r2, s);
        // Each segment after a known hole is delivered by its own frame.
        assertEquals(List.of("b1@1", "b2@2", "hole1@4", "b4@4", "hole2@7", "b7@7"), second.list);
        r2.nacked(new long[]{9}, new long[]{10}, 20); // decided by the first pass: no effect
        r2.settleFirstPacket(21);
        assertEquals(6, second.list.size());
    }
}
