package dev.cellscope.analysis;

import dev.cellscope.field.FieldFormat;
import dev.cellscope.analysis.TetherFlowStats.ManifestMatch;
import dev.cellscope.wire.TetherControl.BulkNack;
import dev.cellscope.wire.TetherControl.Define;
import dev.cellscope.wire.TetherControl.Hail;
import dev.cellscope.wire.TetherControl.Manifest;
import dev.cellscope.crypto.Crc64GoIso;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.cellscope.analysis.TetherFrames.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Every expected number here is worked out by hand from PROTOCOLS.md section 3: a Hail, Define,
 * Manifest or short Nack frame is 128 bytes (header + one control block), a data frame with a
 * 1024-byte slot is 64 + 1024 = 1088 bytes, a header-only frame is 64 bytes.
 */
class TetherLedgerTest {
    static final Hail HAIL = new Hail(1, 3);

    static void credit(TetherFrameResult r, long before, long spent, long after) {
        assertAll(() -> assertEquals(before, r.creditBefore(), "before"), () -> assertEquals(spent, r.spent(), "spent"),
                () -> assertEquals(after, r.creditAfter(), "after"));
    }

    @Test
    void lampExchangeDefineDataOverrunNacksAndManifest() {
        TetherFrames t = new TetherFrames();

        // 1: Lamp A→B, grant 128, Hail. Spends nothing; gives B 128 towards A on flow 0.
        TetherFrameResult r1 = t.ctrl(LAMP, A, B, 128, HAIL);
        credit(r1, 0, 0, 0);
        assertTrue(r1.lamp());
        assertFalse(r1.overrun());
        assertEquals(List.of(), messages(r1));

        // 2: the Hail reply B→A (128 bytes) spends exactly the Lamp's 128; its grant 4096 funds A on flow 0.
        TetherFrameResult r2 = t.ctrl(0, B, A, 4096, HAIL);
        credit(r2, 128, 128, 0);
        assertFalse(r2.overrun());
        assertEquals(1, r2.answersLampInFrame());
        assertEquals(List.of("chat/protocol: Hail answers the Lamp from ac:1d:11:22:33:44 in frame 1 after 1 ms"),
                messages(r2));

        // 3: Define flow 1 (slots of 1024, 4096 bytes), 128 bytes from A's 4096; grants B 1024 on flow 0.
        TetherFrameResult r3 = t.ctrl(0, A, B, 1024, new Define(1, 1024, 4096));
        credit(r3, 4096, 128, 3968);

        // 4: B grants 3500 on flow 1 with a LAMP header-only frame (spends nothing, carries no slot).
        TetherFrameResult r4 = t.data(1, LAMP, B, A, 0, 3500, 0, 0);
        credit(r4, 0, 0, 0);
        assertEquals(List.of(), messages(r4), "a LAMP on a data flow is not a Lamp exchange");
        // Grants on flow 1 do not fund flow 0: A's flow-0 balance is still 4096 - 128.
        assertEquals(3968, t.ledger.flow(A, B, 0).creditFinal());
        assertEquals(3500, t.ledger.flow(A, B, 1).creditFinal());

        // 5-7: slots 0, 1, 2 at 1088 bytes each: 3500 → 2412 → 1324 → 236.
        credit(t.data(1, 0, A, B, 0, 0, 0, 1024), 3500, 1088, 2412);
        credit(t.data(1, 0, A, B, 1, 0, 0, 1024), 2412, 1088, 1324);
        TetherFrameResult r7 = t.data(1, 0, A, B, 2, 0, 0, 1024);
        credit(r7, 1324, 1088, 236);
        assertFalse(r7.overrun());
        assertEquals(List.of(), messages(r7));

        // 8: slot 3 with 236 left: overrun, deficit 1088 - 236 = 852, balance 236 - 1088 = -852.
        TetherFrameResult r8 = t.data(1, 0, A, B, 3, 0, 0, 1024);
        credit(r8, 236, 1088, -852);
        assertTrue(r8.overrun());
        assertEquals(852, r8.deficit());
        assertEquals(List.of("error/credit: Grant overrun: sends 1088 bytes on flow 1 with 236 bytes of credit (deficit 852)"),
                messages(r8));
        assertTrue(t.results.subList(0, 7).stream().noneMatch(TetherFrameResult::overrun), "only frame 8 overruns");

        // 9: B grants 8192 on flow 1 (repaying the deficit: -852 + 8192 = 7340) and NACKs slot 1.
        credit(t.data(1, LAMP, B, A, 0, 8192, 1, 0), 0, 0, 0);
        assertEquals(7340, t.ledger.flow(A, B, 1).creditFinal());

        // 10: A re-sends slot 1: answers the NACK of frame 9, 1 ms later. 7340 → 6252.
        TetherFrameResult r10 = t.data(1, 0, A, B, 1, 0, 0, 1024);
        credit(r10, 7340, 1088, 6252);
        assertTrue(r10.retransmission());
        assertEquals(9, r10.answersNackInFrame());
        assertEquals(List.of("chat/sequence: Re-sends slot 1 NACKed in frame 9 after 1 ms"), messages(r10));

        // 11: bulk Nack B→A on flow 0 for flow 1 slots 2 and 3: 128 bytes from B's flow-0 1024 → 896.
        credit(t.ctrl(0, B, A, 0, new BulkNack(1, new long[]{2, 3})), 1024, 128, 896);

        // 12: slot 3 re-sent, answering frame 11. 6252 → 5164.
        TetherFrameResult r12 = t.data(1, 0, A, B, 3, 0, 0, 1024);
        credit(r12, 6252, 1088, 5164);
        assertEquals(11, r12.answersNackInFrame());
        assertEquals(List.of("chat/sequence: Re-sends slot 3 NACKed in frame 11 after 1 ms"), messages(r12));

        // 13: slot 0 again with no NACK: a copy, noted, but not a re-send (PROTOCOLS.md's UTCP rule). 5164 → 4076.
        TetherFrameResult r13 = t.data(1, 0, A, B, 0, 0, 0, 1024);
        credit(r13, 5164, 1088, 4076);
        assertFalse(r13.retransmission());
        assertEquals(TetherFrameResult.NONE, r13.answersNackInFrame());
        assertEquals(List.of("note/sequence: Slot 0 sent again without a NACK"), messages(r13));

        // 14: Manifest: data frames 5,6,7,8,10,12,13 = 7, distinct slots {0,1,2,3} = 4. Slot 2 is still NACKed.
        // Its checksum is the CRC-64 of the flow's 4096 bytes, all zeros here.
        TetherFrameResult r14 = t.ctrl(0, A, B, 0, new Manifest(1, Crc64GoIso.compute(new byte[4096]), 4, 7));
        credit(r14, 3968, 128, 3840);
        assertEquals(List.of("chat/sequence: Manifest for flow 1 matches: 4 slots / 7 frames, and the content's checksum"), messages(r14));
        // Slot 2 is still NACKed: judged at the end of the capture, since a re-send may follow the Manifest.
        assertEquals(List.of("warn/sequence: 1 slot of flow 1 from " + FieldFormat.mac(A) + " to " + FieldFormat.mac(B)
                + " NACKed but never re-sent: 2"), t.ledger.finish().stream().map(e -> e.severity().label() + "/" + e.group().label()
                + ": " + e.message()).toList());

        // Send-to-tap delay: every frame was sent 100 µs before capture.
        assertTrue(t.results.stream().allMatch(r -> r.sendToTapDelayNanos() == SEND_DELAY));

        TetherFlowStats ab1 = t.ledger.flow(A, B, 1);
        assertEquals(new TetherFlowStats(A, B, 1, 7, 7 * 1088, 7 * 1088 / 64, 7, 4, 2, 3500 + 8192, 7 * 1088,
                -852, 3500 + 8192 - 7 * 1088, 1, 0, 1, 2, 2 /* frames 10, 12 */, 1, ManifestMatch.YES, SEND_DELAY, SEND_DELAY,
                ts(5), ts(13)), ab1);
        assertEquals(4076, ab1.creditFinal());

        TetherFlowStats ab0 = t.ledger.flow(A, B, 0);
        assertEquals(new TetherFlowStats(A, B, 0, 3, 3 * 128, 6, 0, 0, 1, 4096, 2 * 128, 0, 4096 - 256, 0, 1,
                0, 0, 0, 0, ManifestMatch.NONE, SEND_DELAY, SEND_DELAY, ts(1), ts(14)), ab0);
        TetherFlowStats ba0 = t.ledger.flow(B, A, 0);
        assertEquals(2, ba0.packets());
        assertEquals(2, ba0.grantsReceived());
        assertEquals(128 + 1024, ba0.grantBytesReceived());
        assertEquals(256, ba0.bytesSpent());
        assertEquals(128 + 1024 - 256, ba0.creditFinal());
        assertEquals(0, ba0.creditMin());
        TetherFlowStats ba1 = t.ledger.flow(B, A, 1);
        assertEquals(2, ba1.packets());
        assertEquals(2, ba1.lamps());
        assertEquals(0, ba1.bytesSpent());
        assertEquals(0, ba1.dataFrames(), "header-only frames carry no slot");

        assertEquals(List.of(ab0, t.ledger.flow(B, A, 0), ab1, ba1), t.ledger.flows(), "order of first appearance");
        assertEquals(new TetherLedgerSummary(14, 0, 0, 4, 1, 852, 3, 1, 2, 1, 0), t.ledger.summary());
    }

    @Test
    void lampSpendsNothingEvenWithoutCredit() {
        TetherFrames t = new TetherFrames();
        TetherFrameResult data = t.data(2, LAMP, A, B, 0, 0, 0, 1024);
        credit(data, 0, 0, 0);
        assertFalse(data.overrun());
        // The same frame without LAMP overruns by its whole length.
        TetherFrameResult paid = t.data(2, 0, A, B, 1, 0, 0, 1024);
        credit(paid, 0, 1088, -1088);
        assertEquals(1088, paid.deficit());
        // Already in debt: the next frame overruns again, the deficit including the debt.
        TetherFrameResult again = t.data(2, 0, A, B, 2, 0, 0, 0);
        credit(again, -1088, 64, -1152);
        assertTrue(again.overrun());
        assertEquals(1152, again.deficit());
    }

    @Test
    void grantsFundOnlyTheirOwnFlowAndDirection() {
        TetherFrames t = new TetherFrames();
        t.data(1, LAMP, B, A, 0, 5000, 0, 0);           // B gives A 5000 on flow 1
        t.data(2, LAMP, A, B, 0, 700, 0, 0);            // A gives B 700 on flow 2
        TetherFrameResult ctrl = t.ctrl(0, A, B, 0, HAIL); // flow 0: nothing granted
        credit(ctrl, 0, 128, -128);
        assertTrue(ctrl.overrun());
        credit(t.data(2, 0, A, B, 0, 0, 0, 64), 0, 128, -128);  // A has nothing on flow 2 either
        credit(t.data(1, 0, A, B, 0, 0, 0, 64), 5000, 128, 4872);
        credit(t.data(2, 0, B, A, 0, 0, 0, 576), 700, 640, 60);
        credit(t.data(1, 0, C, B, 0, 0, 0, 64), 0, 128, -128); // C got nothing from B
    }

    @Test
    void hugeGrantSaturates() {
        TetherFrames t = new TetherFrames();
        t.data(1, LAMP, B, A, 0, -1L /* u64 max */, 0, 0);
        t.data(1, LAMP, B, A, 0, Long.MAX_VALUE, 0, 0);
        credit(t.data(1, 0, A, B, 0, 0, 0, 0), Long.MAX_VALUE, 64, Long.MAX_VALUE - 64);
    }

    @Test
    void lampWithoutHailAndReplyThatIsNotAHail() {
        TetherFrames t = new TetherFrames();
        assertEquals(List.of("note/protocol: Lamp carries a Define, not a Hail"),
                messages(t.ctrl(LAMP, A, B, 128, new Define(1, 1024, 0))));
        TetherFrameResult reply = t.ctrl(0, B, A, 4096, new Define(2, 64, 64));
        assertEquals(1, reply.answersLampInFrame());
        assertEquals(List.of("note/protocol: Reply to the Lamp from ac:1d:11:22:33:44 in frame 1 is a Define, not a Hail"),
                messages(reply));
        // Only the first frame back is the reply.
        assertEquals(TetherFrameResult.NONE, t.ctrl(0, B, A, 0, HAIL).answersLampInFrame());

        TetherFrames u = new TetherFrames();
        assertEquals(List.of("note/protocol: Lamp carries no control block, not a Hail"),
                messages(u.feed(new dev.cellscope.wire.TetherFrame(header(0, LAMP, A, B, 0, 128, 0, u.nextSend()),
                        dev.cellscope.wire.Bytes.EMPTY))));
        assertEquals(0, u.ledger.summary().lampsAnswered());
        assertEquals(1, u.ledger.summary().lamps());
    }

    @Test
    void manifestMismatch() {
        TetherFrames t = new TetherFrames();
        t.data(1, LAMP, B, A, 0, 1 << 20, 0, 0);
        t.ctrl(LAMP, A, B, 0, new Define(1, 1024, 4096));
        for (long slot : new long[]{0, 1, 2, 1, 2}) t.data(1, 0, A, B, slot, 0, 0, 1024);
        TetherFrameResult m = t.ctrl(LAMP, A, B, 0, new Manifest(1, 0, 4, 6));
        assertTrue(messages(m).contains(
                "warn/sequence: Manifest for flow 1 says 4 slots / 6 frames; the tap saw 3 slots / 5 frames"), messages(m).toString());
        assertEquals(ManifestMatch.NO, t.ledger.flow(A, B, 1).manifest());
        assertEquals(ManifestMatch.NONE, t.ledger.flow(A, B, 0).manifest());
        assertEquals(1, t.ledger.summary().manifestsMismatched());
        // A later, correct Manifest decides.
        t.ctrl(LAMP, A, B, 0, new Manifest(1, 0, 3, 5));
        assertEquals(ManifestMatch.YES, t.ledger.flow(A, B, 1).manifest());
    }

    @Test
    void undefinedFlowIsNotedOnce() {
        TetherFrames t = new TetherFrames();
        assertEquals(List.of("note/protocol: Data on flow 2, which no Define from ac:1d:11:22:33:44 announced"),
                messages(t.data(2, LAMP, A, B, 0, 0, 0, 64)));
        assertEquals(List.of(), messages(t.data(2, LAMP, A, B, 1, 0, 0, 64)));
        // A Define from B for flow 2 is about B's direction, not A's.
        t.ctrl(LAMP, B, A, 0, new Define(3, 64, 64));
        assertEquals(List.of("note/protocol: Data on flow 3, which no Define from ac:1d:11:22:33:44 announced"),
                messages(t.data(3, LAMP, A, B, 0, 0, 0, 64)));
        // Header-only frames are not data.
        assertEquals(List.of(), messages(t.data(4, LAMP, A, B, 0, 0, 0, 0)));
    }

    @Test
    void slotBeyondTotal() {
        TetherFrames t = new TetherFrames();
        t.ctrl(LAMP, A, B, 0, new Define(1, 1000, 2500)); // ceil(2500 / 1000) = 3 slots: 0, 1, 2
        assertEquals(List.of(), messages(t.data(1, LAMP, A, B, 2, 0, 0, 512))); // the last slot's 500 bytes, padded
        assertEquals(List.of("warn/protocol: Slot 3 is beyond the end of flow 1 (2500 bytes = 3 slots of 1000, Define in frame 1)"),
                messages(t.data(1, LAMP, A, B, 3, 0, 0, 1024)));
        assertEquals(1, messages(t.data(1, LAMP, A, B, -1L, 0, 0, 1024)).size(), "u64 max slot is beyond too");

        TetherFrames exact = new TetherFrames();
        exact.ctrl(LAMP, A, B, 0, new Define(1, 1024, 4096)); // exactly 4 slots
        assertEquals(List.of(), messages(exact.data(1, LAMP, A, B, 3, 0, 0, 1024)));
        assertEquals(1, messages(exact.data(1, LAMP, A, B, 4, 0, 0, 1024)).size());
    }

    /** A Lamp exchange that leaves A and B a megabyte of flow-0 credit each, so control frames stay quiet. */
    static void fundControl(TetherFrames t) {
        t.ctrl(LAMP, A, B, 1 << 20, HAIL);
        t.ctrl(0, B, A, 1 << 20, HAIL);
    }

    @Test
    void singletonAndBulkNackLinkingWithDelays() {
        TetherFrames t = new TetherFrames();
        fundControl(t);                                               // 1, 2
        t.ctrl(0, A, B, 0, new Define(1, 1024, 1 << 20));             // 3
        t.data(1, LAMP, A, B, 0, 0, 0, 1024);                          // 4
        t.data(1, LAMP, B, A, 0, 0, 5, 0);                             // 5: singleton NACK of slot 5
        t.data(1, LAMP, B, A, 0, 0, 5, 0);                             // 6: NACKed again, first NACK kept
        t.ctrl(0, B, A, 0, new BulkNack(1, new long[]{0, 7, 9}));     // 7
        t.ctrl(0, B, A, 0, new BulkNack(2, new long[]{7}));           // 8: another flow
        // 9: slot 7 re-sent 400 µs after the bulk Nack of frame 7 (captured off the 1 ms grid).
        t.frame++;
        TetherFrameResult r9 = t.feedAt(data(1, LAMP, A, B, 7, 0, 0, 1024, ts(7)), ts(7) + 400_000);
        assertTrue(r9.retransmission());
        assertEquals(7, r9.answersNackInFrame());
        assertEquals(List.of("chat/sequence: Re-sends slot 7 NACKed in frame 7 after 0.4 ms"), messages(r9));
        assertEquals(400_000, r9.sendToTapDelayNanos());
        // 10: slot 5, captured at ts(10), NACKed first at ts(5): 5 ms.
        TetherFrameResult r10 = t.data(1, LAMP, A, B, 5, 0, 0, 1024);
        assertEquals(5, r10.answersNackInFrame());
        assertEquals(List.of("chat/sequence: Re-sends slot 5 NACKed in frame 5 after 5 ms"), messages(r10));
        // 11: slot 5 again: the NACK was answered, so now it is a plain duplicate.
        assertEquals(List.of("note/sequence: Slot 5 sent again without a NACK"), messages(t.data(1, LAMP, A, B, 5, 0, 0, 1024)));

        TetherFlowStats s = t.ledger.flow(A, B, 1);
        assertEquals(2, s.nackSlotsSingleton());
        assertEquals(3, s.nackSlotsBulk());
        assertEquals(2, s.nacksOutstanding(), "slots 0 and 9");
        assertEquals(2, s.slotsResent(), "frames 9 and 10; frame 11 was asked for by no NACK");
        assertEquals(1, t.ledger.flow(A, B, 2).nacksOutstanding());

        // Data frames 4, 9, 10, 11 = 4; distinct slots {0, 5, 7} = 3.
        TetherFrameResult m = t.ctrl(0, A, B, 0, new Manifest(1, 0, 3, 4));
        assertEquals(List.of("chat/sequence: Manifest for flow 1 matches: 3 slots / 4 frames; content not checked: 3 of 1024 slots seen"),
                messages(m));
        assertTrue(t.ledger.finish().stream().anyMatch(e -> e.message().startsWith("2 slots of flow 1 from ")
                && e.message().endsWith(" NACKed but never re-sent: 0, 9")));
    }

    @Test
    void nackOnTheControlFlowIsNoted() {
        TetherFrames t = new TetherFrames();
        fundControl(t);
        assertEquals(List.of("note/protocol: NACK slot 3 on flow 0, which carries no data slots"),
                messages(t.feed(dev.cellscope.wire.TetherFrame.control(header(0, 0, B, A, 0, 0, 3, t.nextSend()), HAIL))));
        assertEquals(List.of("note/protocol: Nack for flow 0, which carries no data slots"),
                messages(t.ctrl(0, B, A, 0, new BulkNack(0, new long[]{1}))));
    }

    @Test
    void sendToTapDelay() {
        TetherFrames t = new TetherFrames();
        long capture = ts(1);
        t.frame++;
        TetherFrameResult ahead = t.feedAt(data(1, LAMP, A, B, 0, 0, 0, 64, capture + 2_500_000_000L), capture);
        assertEquals(-2_500_000_000L, ahead.sendToTapDelayNanos());
        assertTrue(messages(ahead).contains(
                "note/protocol: Sender clock ahead of the tap by 2.5 s (send time after the capture time)"), messages(ahead).toString());
        t.frame++;
        TetherFrameResult tolerated = t.feedAt(data(1, LAMP, A, B, 1, 0, 0, 64, capture + 500_000_000L), capture);
        assertEquals(-500_000_000L, tolerated.sendToTapDelayNanos());
        assertEquals(List.of(), messages(tolerated));
        t.frame++;
        TetherFrameResult late = t.feedAt(data(1, LAMP, A, B, 2, 0, 0, 64, capture - 3_000_000_000L), capture);
        assertEquals(3_000_000_000L, late.sendToTapDelayNanos());
        // No TAI64N time at all: absent, not a finding.
        t.frame++;
        TetherFrameResult none = t.feedAt(new dev.cellscope.wire.TetherFrame(
                new dev.cellscope.wire.TetherHeader(1, LAMP, 0, A, B, 0, 3, 0, 0, 0, 0), dev.cellscope.wire.Bytes.zeros(64)), capture);
        assertFalse(none.hasDelay());
        assertEquals(TetherFrameResult.NO_DELAY, none.sendToTapDelayNanos());
        // p50/p99 over the three delays (-2.5 s, -0.5 s, 3 s): nearest rank 2 and 3 of 3.
        TetherFlowStats s = t.ledger.flow(A, B, 1);
        assertEquals(-500_000_000L, s.delayP50Nanos());
        assertEquals(3_000_000_000L, s.delayP99Nanos());
    }

    @Test
    void delayPercentilesNearestRank() {
        TetherFrames t = new TetherFrames();
        for (int i = 1; i <= 100; i++) {
            t.frame++;
            t.feedAt(data(1, LAMP, A, B, i, 0, 0, 64, ts(i) - i * 1000L), ts(i)); // delays 1..100 µs
        }
        TetherFlowStats s = t.ledger.flow(A, B, 1);
        assertEquals(50_000, s.delayP50Nanos());  // ceil(0.50 * 100) = 50th
        assertEquals(99_000, s.delayP99Nanos());  // ceil(0.99 * 100) = 99th
        assertEquals(ts(1), s.firstTimestampNanos());
        assertEquals(ts(100), s.lastTimestampNanos());
    }

    @Test
    void outstandingNackCapGivesOneFinding() {
        TetherFrames t = new TetherFrames();
        fundControl(t);
        int cap = TetherLedger.Limits.DEFAULT.maxOpenNacksPerFlow();
        long[] slots = new long[cap + 10];
        for (int i = 0; i < slots.length; i++) slots[i] = i + 1;
        TetherFrameResult r = t.ctrl(0, B, A, 0, new BulkNack(1, slots));
        assertEquals(List.of("warn/sequence: Outstanding NACKs of flow 1 from ac:1d:55:66:77:88 exceed 65536 slots: "
                + "further NACKed slots are not tracked"), messages(r));
        assertEquals(List.of(), messages(t.ctrl(0, B, A, 0, new BulkNack(1, new long[]{cap + 100L}))));
        TetherFlowStats s = t.ledger.flow(A, B, 1);
        assertEquals(cap, s.nacksOutstanding());
        assertEquals(cap + 11, s.nackSlotsBulk());
        // A re-send frees an entry, which the next NACK may take.
        t.data(1, LAMP, A, B, 1, 0, 0, 64);
        assertEquals(cap - 1, t.ledger.flow(A, B, 1).nacksOutstanding());
    }

    @Test
    void slotRangeCapMakesCountsLowerBounds() {
        TetherFrames t = new TetherFrames(new TetherLedger(new TetherLedger.Limits(100, 100, 4, 100, 1_000_000_000L)));
        for (long slot : new long[]{0, 2, 4, 6}) assertFalse(messages(t.data(1, LAMP, A, B, slot, 0, 0, 64)).stream().anyMatch(m -> m.contains("full")));
        assertEquals(List.of("note/sequence: Slot tracking for flow 1 is full (4 ranges): slot counts become lower bounds"),
                messages(t.data(1, LAMP, A, B, 8, 0, 0, 64)));
        assertEquals(List.of(), messages(t.data(1, LAMP, A, B, 10, 0, 0, 64)), "reported once");
        assertEquals(List.of(), messages(t.data(1, LAMP, A, B, 1, 0, 0, 64)), "joining ranges still works");
        assertEquals(5, t.ledger.flow(A, B, 1).distinctSlots());
        TetherFrameResult m = t.ctrl(LAMP, A, B, 0, new Manifest(1, 0, 7, 7));
        assertTrue(messages(m).contains("warn/sequence: Manifest for flow 1 says 7 slots / 7 frames; the tap saw at least 5 slots / 7 frames"),
                messages(m).toString());
    }

    @Test
    void flowTableCap() {
        TetherFrames t = new TetherFrames(new TetherLedger(new TetherLedger.Limits(2, 100, 100, 100, 1_000_000_000L)));
        t.data(1, LAMP, A, B, 0, 0, 0, 0);
        t.data(2, LAMP, A, B, 0, 0, 0, 0);
        TetherFrameResult r = t.data(3, 0, A, B, 0, 0, 0, 64);
        assertFalse(r.tracked());
        assertFalse(r.overrun());
        assertEquals(List.of("warn/protocol: Tether flow table full (2 directions): frames of further flows are not accounted"),
                messages(r));
        assertEquals(List.of(), messages(t.data(4, 0, A, B, 0, 0, 0, 64)));
        assertEquals(new TetherLedgerSummary(4, 2, 0, 2, 0, 0, 2, 0, 0, 0, 0), t.ledger.summary());
    }

    /**
     * The review's case: a frame of slot 3 carrying 4096 bytes where the Define's slots are 1024. It is an error, and no
     * copy of slot 3: the genuine one that follows is its first copy (no "sent again"), and the content is checked from
     * it. The malformed frame still counts among the frames sent.
     */
    @Test
    void aPayloadThatIsNotTheSlotsIsMalformed() {
        TetherFrames t = new TetherFrames();
        fundControl(t);
        t.data(1, LAMP, B, A, 0, 1 << 20, 0, 0);
        t.ctrl(0, A, B, 0, new Define(1, 1000, 2500)); // slots of 1000; the last holds 500, sent as 512
        byte[] content = new byte[2500];
        new java.util.Random(3).nextBytes(content);
        assertEquals(List.of("error/malformed: Slot 1 of flow 1 carries 4096 payload bytes where its 1000 content bytes take 1024"
                + " (Define in frame 4): not taken as the slot"), messages(t.data(1, LAMP, A, B, 1, 0, 0, 4096)));
        assertEquals(List.of("error/malformed: Slot 2 of flow 1 carries 1024 payload bytes where its 500 content bytes take 512"
                + " (Define in frame 4): not taken as the slot"), messages(t.data(1, LAMP, A, B, 2, 0, 0, 1024)));
        for (int slot = 0; slot < 3; slot++) {
            byte[] bytes = java.util.Arrays.copyOfRange(content, slot * 1000, Math.min(2500, slot * 1000 + 1000));
            assertEquals(List.of(), messages(t.data(1, A, B, slot, bytes)), "slot " + slot + ": its first good copy");
        }
        TetherFrameResult m = t.ctrl(0, A, B, 0, new Manifest(1, Crc64GoIso.compute(content), 3, 5));
        assertEquals(List.of("chat/sequence: Manifest for flow 1 matches: 3 slots / 5 frames, and the content's checksum"), messages(m));
        assertEquals(ManifestMatch.YES, t.ledger.flow(A, B, 1).manifest());
    }

    /**
     * The review's case: the receiver rejected the content's checksum, and the tap, having seen every slot, said the
     * Manifest matched. Now the checksum is held against the content the slots make, whatever order they came in and
     * however often they were sent; checked against CRC-64 over the whole content (Crc64GoIso, tested against the
     * bit-at-a-time definition).
     */
    @Test
    void theManifestsChecksumIsHeldAgainstTheContent() {
        byte[] content = new byte[10 * 1024 + 100];
        new java.util.Random(11).nextBytes(content);
        long crc = Crc64GoIso.compute(content);
        for (long carried : new long[] {crc, crc ^ 1}) {
            TetherFrames t = new TetherFrames();
            fundControl(t);
            t.data(1, LAMP, B, A, 0, 1 << 20, 0, 0);
            t.ctrl(0, A, B, 0, new Define(1, 1024, content.length));
            for (int slot : new int[] {3, 0, 10, 1, 2, 4, 5, 3, 9, 8, 6, 7, 0}) { // out of order, two copies
                t.data(1, A, B, slot, java.util.Arrays.copyOfRange(content, slot * 1024, Math.min(content.length, slot * 1024 + 1024)));
            }
            TetherFrameResult m = t.ctrl(0, A, B, 0, new Manifest(1, carried, 11, 13));
            if (carried == crc) {
                assertEquals(List.of("chat/sequence: Manifest for flow 1 matches: 11 slots / 13 frames, and the content's checksum"),
                        messages(m));
                assertEquals(ManifestMatch.YES, t.ledger.flow(A, B, 1).manifest());
            } else {
                assertEquals(List.of("error/checksum: Manifest for flow 1 carries checksum " + FieldFormat.hex(carried, 64)
                        + "; the content of the 11 slots the tap saw has " + FieldFormat.hex(crc, 64)), messages(m));
                assertEquals(ManifestMatch.NO, t.ledger.flow(A, B, 1).manifest());
                assertEquals(1, t.ledger.summary().manifestsMismatched());
            }
        }
    }

    /** A slot the tap did not see, or saw only cut, leaves the checksum unchecked, and the finding says why. */
    @Test
    void aChecksumIsNotCheckedWithoutEverySlotsBytes() {
        TetherFrames t = new TetherFrames();
        fundControl(t);
        t.data(1, LAMP, B, A, 0, 1 << 20, 0, 0);
        t.ctrl(0, A, B, 0, new Define(1, 1024, 2048));
        t.data(1, A, B, 0, new byte[1024]);
        long send = t.nextSend();
        t.frame++;
        t.ledger.observe(TetherObservation.from(t.frame, ts(t.frame), data(1, 0, A, B, 1, 0, 0, 1024, send))); // bytes unknown
        assertEquals(List.of("chat/sequence: Manifest for flow 1 matches: 2 slots / 2 frames; content not checked: the bytes of slot 1"
                + " were not captured"), messages(t.ctrl(0, A, B, 0, new Manifest(1, 12345, 2, 2))));
    }

    /**
     * The review's case: a frame whose CRC-64 is bad had a flipped flow id, and the ledger reported an overrun and data
     * on an undefined flow for endpoints that behaved. A frame with a bad CRC is counted and accounted nowhere.
     */
    @Test
    void aFrameWithABadChecksumIsNotAccounted() {
        TetherLedger ledger = new TetherLedger();
        TetherFrameResult r = ledger.corrupt(1);
        assertFalse(r.tracked());
        assertEquals(List.of(), r.findings());
        assertEquals(List.of(), ledger.flows());
        assertEquals(new TetherLedgerSummary(1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0), ledger.summary());
    }
}
