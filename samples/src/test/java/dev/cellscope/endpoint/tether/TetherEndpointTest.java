package dev.cellscope.endpoint.tether;

import dev.cellscope.analysis.TetherFlowStats.ManifestMatch;
import dev.cellscope.analysis.TetherFrameResult;
import dev.cellscope.analysis.TetherLedger;
import dev.cellscope.endpoint.sim.Fate;
import dev.cellscope.endpoint.sim.FaultModel;
import dev.cellscope.wire.TetherControl;
import dev.cellscope.wire.TetherFrame;
import dev.cellscope.wire.TetherHeader;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.cellscope.endpoint.tether.TetherHarness.RECEIVER;
import static dev.cellscope.endpoint.tether.TetherHarness.SENDER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TetherEndpointTest {

    static TetherFrame frame(byte[] bytes) {
        return TetherHarness.frame(bytes);
    }

    @Test
    void lampColdStartIsAHailWithGrant128AnsweredByAHailWithGrant4096() {
        TetherHarness h = new TetherHarness(11, 5000, TetherHarness.CLEAN);
        assertTrue(h.run().ok());
        TetherFrame lamp = frame(h.sent.get(0).bytes()), reply = frame(h.sent.get(1).bytes());
        assertEquals(TetherPort.FLAG_LAMP, lamp.header().flags());
        assertEquals(128, lamp.header().grantAmount());
        assertInstanceOf(TetherControl.Hail.class, TetherPort.control(lamp));
        assertEquals("b", h.sent.get(1).from());
        assertEquals(0, reply.header().flags());
        assertEquals(4096, reply.header().grantAmount());
        assertEquals(128, reply.encodedSize(), "the reply costs exactly the Lamp's grant");
        assertInstanceOf(TetherControl.Hail.class, TetherPort.control(reply));
        assertEquals(1, h.sender.stats().lampsSent());
        assertEquals(1, h.receiver.stats().lampsAnswered());
        TetherLedger ledger = new TetherLedger();
        List<TetherFrameResult> results = TetherTap.analyze(h, ledger);
        assertEquals(1, results.get(1).answersLampInFrame());
        assertEquals(0, ledger.summary().overruns());
    }

    @Test
    void withoutALampTheSenderWaitsForTheReceiversInvitation() {
        TetherHarness h = new TetherHarness(12, 30_000, TetherHarness.CLEAN);
        h.senderConfig = h.senderConfig.withLamp(false);
        h.build();
        var done = h.sender.start();
        h.scheduler.runUntil(() -> false, 50_000_000L);
        assertTrue(!done.isDone() && h.sender.stats().framesSent() == 0, "no credit, nothing sent");
        h.receiver.invite("a", SENDER, 4096);
        h.scheduler.runUntil(done::isDone, 10_000_000_000L);
        assertTrue(done.join().ok());
        assertArrayEquals(h.content, h.reception.content());
        TetherLedger ledger = new TetherLedger();
        TetherTap.analyze(h, ledger);
        assertEquals(0, ledger.summary().overruns());
        assertEquals(1, ledger.summary().lampsAnswered());
        assertEquals(ManifestMatch.YES, ledger.flow(SENDER, RECEIVER, 1).manifest());
    }

    @Test
    void badCrcAndMisaddressedFramesAreDroppedAndCounted() {
        TetherHarness h = new TetherHarness(13, 10_000, TetherHarness.CLEAN);
        h.build();
        h.receiver.start();
        h.scheduler.runUntil(() -> false, 1_000_000L);
        TetherHeader lampHeader = new TetherHeader(0, TetherPort.FLAG_LAMP, 0, SENDER, RECEIVER, 0, 0, 128, 0, 0,
                dev.cellscope.wire.Tai64n.labelOf(TetherHarness.EPOCH));
        byte[] good = TetherFrame.control(lampHeader, TetherPort.hail()).encodeWithChecksum(TetherPort.CRC);
        byte[] bad = good.clone();
        bad[100] ^= 0x10;
        byte[] elsewhere = TetherFrame.control(new TetherHeader(0, TetherPort.FLAG_LAMP, 0, SENDER, 0xAC1D0000BEEFL, 0, 0,
                128, 0, 0, lampHeader.tai64nSec()), TetherPort.hail()).encodeWithChecksum(TetherPort.CRC);
        h.a.send("b", bad);
        h.a.send("b", elsewhere);
        h.a.send("b", new byte[] {1, 2, 3});
        h.scheduler.runUntil(() -> false, 1_000_000L);
        TetherStats s = h.receiver.stats();
        assertEquals(1, s.crcDrops());
        assertEquals(1, s.misaddressed());
        assertEquals(1, s.malformed());
        assertEquals(0, s.framesReceived());
        assertEquals(0, s.lampsAnswered(), "a damaged Lamp is not answered");
        h.a.send("b", good);
        h.a.send("b", good); // a copy: its grant must not count twice
        h.scheduler.runUntil(() -> false, 1_000_000L);
        assertEquals(1, h.receiver.stats().lampsAnswered());
        assertEquals(1, h.receiver.stats().duplicates());
    }

    /** CRC-64/GO-ISO bit by bit, from PROTOCOLS.md (reflected 0xD800000000000000, init and xorout all ones). */
    private static long crc64GoIso(byte[] data) {
        long crc = -1L;
        for (byte b : data) {
            crc ^= b & 0xFF;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xD800000000000000L : crc >>> 1;
        }
        return ~crc;
    }

    /**
     * Issue 11 item 3, the peer's side: a Lamp followed by 10 stray bytes. With a CRC over every
     * byte (checksum field zero) the tap calls the checksum good and reports the length; with the
     * CRC of the whole blocks only, bad and the length. The peer drops both as malformed (it cannot
     * use a frame of partial blocks), never as a CRC drop, and answers neither.
     */
    @Test
    void aLengthNotWholeBlocksIsMalformedForThePeerAndTheTapJudgesItsCrcOverEveryByte() {
        TetherHarness h = new TetherHarness(17, 10_000, TetherHarness.CLEAN);
        h.build();
        h.receiver.start();
        h.scheduler.runUntil(() -> false, 1_000_000L);
        TetherHeader lampHeader = new TetherHeader(0, TetherPort.FLAG_LAMP, 0, SENDER, RECEIVER, 0, 0, 128, 0, 0,
                dev.cellscope.wire.Tai64n.labelOf(TetherHarness.EPOCH));
        byte[] blocks = TetherFrame.control(lampHeader, TetherPort.hail()).encode(); // checksum field zero
        byte[] overAll = java.util.Arrays.copyOf(blocks, blocks.length + 10), overBlocks = overAll.clone();
        java.util.Arrays.fill(overAll, blocks.length, overAll.length, (byte) 0x5A);
        java.util.Arrays.fill(overBlocks, blocks.length, overBlocks.length, (byte) 0x5A);
        java.nio.ByteBuffer.wrap(overAll).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(48, crc64GoIso(overAll));
        java.nio.ByteBuffer.wrap(overBlocks).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(48, crc64GoIso(blocks));

        assertEquals(List.of("good", "[error/malformed] Tether length 138 is not a multiple of 64 (10 trailing bytes)"), tap(overAll));
        assertEquals("bad", tap(overBlocks).getFirst());
        assertTrue(tap(overBlocks).contains("[error/malformed] Tether length 138 is not a multiple of 64 (10 trailing bytes)"));

        h.a.send("b", overAll);
        h.a.send("b", overBlocks);
        h.scheduler.runUntil(() -> false, 1_000_000L);
        TetherStats s = h.receiver.stats();
        assertEquals(2, s.malformed());
        assertEquals(0, s.crcDrops());
        assertEquals(0, s.lampsAnswered());
        // The same Lamp in whole blocks with the CRC over all of them: the peer takes it, the tap calls it good.
        byte[] whole = blocks.clone();
        java.nio.ByteBuffer.wrap(whole).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(48, crc64GoIso(blocks));
        assertEquals(List.of("good"), tap(whole));
        h.a.send("b", whole);
        h.scheduler.runUntil(() -> false, 1_000_000L);
        assertEquals(1, h.receiver.stats().lampsAnswered());
        assertEquals(0, h.receiver.stats().crcDrops());
    }

    /** The tap's checksum status, then its error findings, for {@code tether} in an Ethernet frame. */
    private static List<String> tap(byte[] tether) {
        byte[] frame = new byte[14 + tether.length];
        new dev.cellscope.wire.EthernetHeader(RECEIVER, SENDER, dev.cellscope.wire.LinkLayouts.ETHERTYPE_CELL)
                .encodeTo(java.lang.foreign.MemorySegment.ofArray(frame), 0);
        System.arraycopy(tether, 0, frame, 14, tether.length);
        dev.cellscope.dissect.ProtoTree t = new dev.cellscope.dissect.ProtoTree();
        new dev.cellscope.dissect.Dissector().dissect(dev.cellscope.io.Packet.of(1, TetherHarness.EPOCH, frame),
                new dev.cellscope.dissect.FrameTiming(TetherHarness.EPOCH, TetherHarness.EPOCH), null, t);
        List<String> out = new java.util.ArrayList<>();
        t.find(dev.cellscope.field.TetherFields.CHECKSUM_STATUS_FIELD).forEach(n -> out.add(
                dev.cellscope.field.TetherFields.CHECKSUM_STATUS.get(n.number())));
        t.experts().stream().map(n -> n.expert()).filter(e -> e.severity() == dev.cellscope.expert.Severity.ERROR)
                .forEach(e -> out.add("[error/" + e.group().label() + "] " + e.message()));
        return out;
    }

    @Test
    void corruptedFramesOnTheWireAreDroppedNotProcessed() {
        TetherHarness h = new TetherHarness(14, 64 * 1024, TetherHarness.faults(0, 0, 0, 0.05));
        SendResult r = h.run();
        assertTrue(r.ok());
        assertArrayEquals(h.content, h.reception.content());
        long corrupted = h.sentWith(Fate.CORRUPTED);
        assertTrue(corrupted > 0);
        assertEquals(corrupted, r.stats().crcDrops() + h.receiver.stats().crcDrops());
    }

    @Test
    void deepSpaceModeSendsLampFlaggedSlotsThatSpendNothing() {
        TetherHarness h = new TetherHarness(15, 100_000, TetherHarness.faults(0.05, 0, 0, 0));
        h.senderConfig = h.senderConfig.withLampData(true);
        SendResult r = h.run();
        assertTrue(r.ok(), () -> String.join("\n", h.events));
        assertArrayEquals(h.content, h.reception.content());
        TetherLedger ledger = new TetherLedger();
        TetherTap.analyze(h, ledger);
        var data = ledger.flow(SENDER, RECEIVER, 1);
        assertEquals(0, data.bytesSpent());
        assertEquals(data.packets(), data.lamps());
        assertEquals(ManifestMatch.YES, data.manifest());
        assertEquals(0, ledger.summary().overruns());
    }

    @Test
    void aSeedDeterminesTheWholeExchange() {
        FaultModel i = TetherHarness.faults(0.05, 0.02, 0.01, 0.005);
        TetherHarness one = new TetherHarness(99, 256 * 1024, i), two = new TetherHarness(99, 256 * 1024, i);
        SendResult a = one.run(), b = two.run();
        assertEquals(a, b);
        assertEquals(one.sent.size(), two.sent.size());
        for (int k = 0; k < one.sent.size(); k++) {
            assertEquals(one.sent.get(k).timeNanos(), two.sent.get(k).timeNanos());
            assertEquals(one.sent.get(k).faults(), two.sent.get(k).faults());
            assertArrayEquals(one.sent.get(k).bytes(), two.sent.get(k).bytes());
        }
        assertEquals(one.receiver.stats(), two.receiver.stats());
        TetherHarness other = new TetherHarness(100, 256 * 1024, i);
        other.run();
        assertTrue(other.sent.size() != one.sent.size() || other.sent.get(5).timeNanos() != one.sent.get(5).timeNanos()
                || !other.sent.get(40).faults().equals(one.sent.get(40).faults()) || !java.util.Arrays.equals(
                other.sent.get(2).bytes(), one.sent.get(2).bytes()));
    }

    @Test
    void emptyContentIsDefinedManifestedAndConfirmed() {
        TetherHarness h = new TetherHarness(16, 0, TetherHarness.CLEAN);
        SendResult r = h.run();
        assertTrue(r.ok(), () -> String.join("\n", h.events));
        assertEquals(0, h.reception.content().length);
    }
}
