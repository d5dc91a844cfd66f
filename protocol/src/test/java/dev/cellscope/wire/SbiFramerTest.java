package dev.cellscope.wire;

import dev.cellscope.protocol.sbi.SbiLimits;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** The one UTCP-SBI framer: splits, the frame_len check before buffering, and the hole hook. */
class SbiFramerTest {
    private static final Bytes SCHEMA = Bytes.of(new byte[16]); // the framer does not judge fingerprints

    /** Records what the framer hands on. */
    static final class Recorder implements SbiFramer.Sink {
        final List<byte[]> messages = new ArrayList<>();
        final List<Boolean> inInput = new ArrayList<>();
        final List<Long> rejected = new ArrayList<>();
        final List<Boolean> rejectedAtStart = new ArrayList<>();
        final List<Long> resyncs = new ArrayList<>();
        boolean keepGoing = true;

        @Override
        public boolean message(MemorySegment seg, long off, int len, boolean in) {
            messages.add(seg.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE));
            inInput.add(in);
            return keepGoing;
        }

        @Override
        public void frameLenRejected(long frameLen, boolean atStreamStart) {
            rejected.add(frameLen);
            rejectedAtStart.add(atStreamStart);
        }

        @Override
        public void resynchronised(long skipped) {
            resyncs.add(skipped);
        }
    }

    static byte[] msg(SbiContainer c) {
        return SbiMessage.of(c, SCHEMA).encode();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    static final byte[] ACK = msg(new SbiAck(7, 0));
    static final byte[] NACK = msg(new SbiNack(3, 4, "hash_mismatch"));
    static final byte[] PUT = msg(new SbiBlockPut(Bytes.zeros(32), 1, 0, 0, Bytes.of(new byte[300])));
    static final byte[] STREAM = concat(ACK, PUT, NACK, ACK);

    private static void assertMessages(Recorder r, byte[]... want) {
        assertEquals(want.length, r.messages.size());
        for (int i = 0; i < want.length; i++) assertArrayEquals(want[i], r.messages.get(i), "message " + i);
    }

    @Test
    void wholeMessagesInOneChunkAreHandedOnWhereTheyLie() {
        Recorder r = new Recorder();
        new SbiFramer().feed(STREAM, r);
        assertMessages(r, ACK, PUT, NACK, ACK);
        assertEquals(List.of(true, true, true, true), r.inInput);
    }

    @Test
    void splitAtEveryByteGivesTheSameMessages() {
        for (int cut = 0; cut <= STREAM.length; cut++) {
            Recorder r = new Recorder();
            SbiFramer f = new SbiFramer();
            f.feed(Arrays.copyOfRange(STREAM, 0, cut), r);
            f.feed(Arrays.copyOfRange(STREAM, cut, STREAM.length), r);
            assertMessages(r, ACK, PUT, NACK, ACK);
            assertEquals(0, f.bufferedBytes(), "cut at " + cut);
            assertTrue(r.rejected.isEmpty());
        }
        // and one byte at a time
        Recorder r = new Recorder();
        SbiFramer f = new SbiFramer();
        for (byte b : STREAM) {
            f.feed(new byte[] {b}, r);
            assertTrue(f.bufferedBytes() <= SbiEnvelope.SIZE + PUT.length - SbiEnvelope.SIZE);
        }
        assertMessages(r, ACK, PUT, NACK, ACK);
        assertEquals(List.of(false, false, false, false), r.inInput, "assembled messages are the sink's own arrays");
    }

    @Test
    void aMessageBufferIsAllocatedOnlyOnceItsFrameLenPassed() {
        SbiFramer f = new SbiFramer();
        Recorder r = new Recorder();
        f.feed(Arrays.copyOfRange(PUT, 0, 4), r);
        assertEquals(4, f.bufferedBytes(), "only the envelope bytes so far");
        f.feed(Arrays.copyOfRange(PUT, 4, 6), r);
        assertEquals(PUT.length, f.bufferedBytes(), "then exactly the message's size");
    }

    @Test
    void frameLenOutOfRangeIsRejectedBeforeBuffering() {
        for (long frameLen : new long[] {0, 23, SbiLimits.MAX_FRAME_LEN + 1L, 0x8000_0000L, 0xFFFF_FFFFL}) {
            SbiFramer f = new SbiFramer();
            Recorder r = new Recorder();
            byte[] four = MemorySegment.ofArray(new byte[4]).asByteBuffer().putInt((int) frameLen).array();
            f.feed(four, r);  // the op byte has not come: frame_len is judged already
            assertEquals(List.of(frameLen), r.rejected, "frame_len " + frameLen);
            assertTrue(f.stopped());
            assertEquals(0, f.bufferedBytes());
            f.feed(new byte[1 << 20], r);   // what follows is ignored, not buffered
            assertEquals(0, f.bufferedBytes());
            assertEquals(1 << 20, f.ignoredBytes());
            assertTrue(r.messages.isEmpty());
            assertEquals(1, r.rejected.size(), "reported once");
        }
        // the bounds themselves are in range
        for (int frameLen : new int[] {SbiLimits.MIN_FRAME_LEN, SbiLimits.MAX_FRAME_LEN}) {
            SbiFramer f = new SbiFramer();
            Recorder r = new Recorder();
            f.feed(new byte[] {(byte) (frameLen >>> 24), (byte) (frameLen >>> 16), (byte) (frameLen >>> 8), (byte) frameLen, 0x10}, r);
            assertTrue(r.rejected.isEmpty());
            assertEquals(SbiEnvelope.SIZE + frameLen, f.bufferedBytes());
        }
    }

    @Test
    void legacyJsonIsAtTheStreamStartOnly() {
        Recorder r = new Recorder();
        new SbiFramer().feed("{\"op\":\"hello\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII), r);
        assertEquals(List.of(true), r.rejectedAtStart);
        assertTrue(SbiLimits.startsLikeJson(r.rejected.getFirst()));

        Recorder later = new Recorder();
        new SbiFramer().feed(concat(ACK, "{\"op\":\"hello\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII)), later);
        assertMessages(later, ACK);
        assertEquals(List.of(false), later.rejectedAtStart);
    }

    @Test
    void aSinkCanStopTheFramer() {
        Recorder r = new Recorder();
        r.keepGoing = false;
        SbiFramer f = new SbiFramer();
        f.feed(STREAM, r);
        assertMessages(r, ACK);
        assertTrue(f.stopped());
        assertEquals(STREAM.length - ACK.length, f.ignoredBytes());
    }

    @Test
    void aStreamWithoutHolesHasNoHoleHook() {
        assertThrows(IllegalStateException.class, () -> new SbiFramer().hole());
    }

    @Test
    void aHoleReportsTheCutMessageAndResynchronisesOnTheSignature() {
        List<Long> checked = new ArrayList<>();
        SbiFramer f = new SbiFramer((s, p) -> {
            checked.add(p);
            return true;
        });
        Recorder r = new Recorder();
        f.feed(concat(ACK, Arrays.copyOfRange(PUT, 0, 100)), r);
        assertMessages(r, ACK);
        Optional<SbiFramer.Cut> cut = f.hole();
        assertEquals(Optional.of(new SbiFramer.Cut(SbiLayouts.OP_BLOCK_PUT, PUT.length, 100)), cut);
        assertEquals(PUT.length - 100, cut.orElseThrow().missing());
        assertEquals(0, f.bufferedBytes());

        // after the hole: the rest of some lost message (garbage), then whole messages
        byte[] garbage = Arrays.copyOfRange(PUT, 150, PUT.length);
        f.feed(concat(garbage, NACK, ACK), r);
        assertMessages(r, ACK, NACK, ACK);
        assertEquals(List.of((long) garbage.length), r.resyncs, "skipped bytes counted");
        assertFalse(checked.isEmpty(), "the caller's part of the signature was asked");
        assertEquals(List.of(true, false, false), r.inInput, "found after a hole: copies the sink may keep");
    }

    @Test
    void aHoleInTheEnvelopeIsReportedAsAnEnvelope() {
        SbiFramer f = new SbiFramer((s, p) -> true);
        Recorder r = new Recorder();
        f.feed(Arrays.copyOfRange(ACK, 0, 3), r);
        assertEquals(Optional.of(new SbiFramer.Cut(-1, SbiEnvelope.SIZE, 3)), f.hole());
        assertEquals(Optional.empty(), f.hole(), "nothing in progress: nothing cut");
    }

    @Test
    void theCallersCheckCanRefuseAStart() {
        SbiFramer f = new SbiFramer((s, p) -> false);
        Recorder r = new Recorder();
        f.hole();
        f.feed(STREAM, r);
        assertTrue(r.messages.isEmpty());
        assertTrue(r.resyncs.isEmpty());
        assertEquals(0, f.bufferedBytes(), "scanned bytes are not a message buffer");
    }

    @Test
    void resyncFindsAStartSplitAcrossChunks() {
        byte[] after = concat(new byte[] {1, 2, 3, 4, 5, 6, 7}, ACK, NACK);
        for (int cut = 0; cut <= after.length; cut++) {
            SbiFramer f = new SbiFramer((s, p) -> true);
            Recorder r = new Recorder();
            f.hole();
            f.feed(Arrays.copyOfRange(after, 0, cut), r);
            f.feed(Arrays.copyOfRange(after, cut, after.length), r);
            assertMessages(r, ACK, NACK);
            assertEquals(List.of(7L), r.resyncs, "cut at " + cut);
        }
    }

    @Test
    void aStoppedFramerIgnoresHoles() {
        SbiFramer f = new SbiFramer((s, p) -> true);
        Recorder r = new Recorder();
        f.feed(new byte[] {0, 0, 0, 1, 0}, r);
        assertTrue(f.stopped());
        assertEquals(Optional.empty(), f.hole());
        assertTrue(f.stopped());
    }
}
