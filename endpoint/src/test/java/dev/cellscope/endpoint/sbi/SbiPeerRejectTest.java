package dev.cellscope.endpoint.sbi;

import dev.cellscope.endpoint.core.VirtualScheduler;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStream;
import dev.cellscope.crypto.Blake3;
import dev.cellscope.crypto.SchemaFingerprints;
import dev.cellscope.endpoint.store.ContentStore;
import dev.cellscope.protocol.sbi.SbiCapability;
import dev.cellscope.protocol.sbi.SbiCompression;
import dev.cellscope.protocol.sbi.SbiErrorCode;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.SbiAck;
import dev.cellscope.wire.SbiBlockPut;
import dev.cellscope.wire.SbiBlockWant;
import dev.cellscope.wire.SbiContainer;
import dev.cellscope.wire.SbiHandshake;
import dev.cellscope.wire.SbiLayouts;
import dev.cellscope.wire.SbiMessage;
import dev.cellscope.wire.SbiNack;
import dev.cellscope.wire.SbiPreamble;
import dev.cellscope.wire.SbiUnknown;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** One peer fed hand-built bytes; its answers decoded with the project's codec. */
class SbiPeerRejectTest {
    @TempDir Path dir;
    private final VirtualScheduler scheduler = new VirtualScheduler();
    private final RecordingStream stream = new RecordingStream();
    private final List<String> events = new ArrayList<>();
    private ContentStore store;
    private SbiPeer peer;

    @BeforeEach
    void start() throws Exception {
        store = ContentStore.open(dir.resolve("store"));
        peer = new SbiPeer(SbiConfig.of(Bytes.zeros(32)), store, scheduler, stream);
        peer.addListener(events::add);
        peer.start();
    }

    private void handshake() {
        feed(msg(new SbiHandshake(Bytes.zeros(32), SbiConfig.DEFAULT_CAPABILITIES, 0, 0, 65536, 1, 1)));
        assertTrue(peer.isReady(), events.toString());
    }

    private void feed(byte[] bytes) {
        peer.onBytes(bytes);
        scheduler.runUntilIdle();
    }

    static byte[] msg(SbiContainer c) {
        return SbiMessage.of(c, Bytes.of(SchemaFingerprints.forOp(c.op()))).encode();
    }

    /** The last message the peer sent, which must be a NACK. */
    private SbiNack lastNack() {
        List<SbiMessage> all = stream.messages();
        return assertInstanceOf(SbiNack.class, all.getLast().container(), all.toString());
    }

    private void assertNack(SbiError error, long ref, boolean closed) {
        SbiNack n = lastNack();
        assertEquals(error.code(), n.errorCode());
        assertEquals(SbiErrorCode.of(error.code()).orElseThrow().wireName(), n.error());
        assertEquals(ref, n.refSeq());
        assertEquals(closed, peer.isClosed(), events.toString());
        assertEquals(closed, stream.closeReason != null);
        assertTrue(events.stream().anyMatch(e -> e.startsWith("NACK sent: " + n.error() + " (ref " + ref + ")")), events.toString());
    }

    /** Our SYN lost and repeated: the peer's HANDSHAKE arrives before our side is open; ours still goes first. */
    @Test
    void peerHandshakeBeforeOurStartStillSendsOursFirst() throws Exception {
        RecordingStream early = new RecordingStream();
        SbiPeer notStarted = new SbiPeer(SbiConfig.of(Bytes.zeros(32)), store, scheduler, early);
        notStarted.onBytes(msg(new SbiHandshake(Bytes.zeros(32), SbiConfig.DEFAULT_CAPABILITIES, 0, 0, 65536, 1, 1)));
        scheduler.runUntilIdle();
        assertTrue(notStarted.isReady());
        notStarted.put(Files.write(dir.resolve("f.bin"), new byte[1000]));
        scheduler.runUntilIdle();
        notStarted.start();   // the connection opens now: nothing more to send
        scheduler.runUntilIdle();
        List<SbiMessage> sent = early.messages();
        assertInstanceOf(SbiHandshake.class, sent.getFirst().container(), sent.toString());
        assertEquals(1, sent.stream().filter(m -> m.container() instanceof SbiHandshake).count(), sent.toString());
        assertTrue(sent.size() > 1, "the put was sent after the handshake: " + sent);
    }

    @Test
    void oversizeFrameLenIsNackedAndClosedWithoutAllocating() {
        handshake();
        feed(new byte[] {(byte) 0x80, 0, 0, 0, SbiLayouts.OP_BLOCK_PUT});
        assertNack(SbiError.INVALID_FRAME_SIZE, 1, true);
        assertTrue(peer.bufferedBytes() <= 5, "buffered " + peer.bufferedBytes());
        feed(new byte[1 << 20]); // what follows is ignored, not buffered
        assertTrue(peer.bufferedBytes() <= 5, "buffered " + peer.bufferedBytes());
        assertEquals(2, stream.messages().size()); // our HANDSHAKE and the NACK
    }

    @Test
    void frameLenIsCheckedBeforeTheOpByteArrives() {
        handshake();
        feed(new byte[] {0, 0, 0, 23}); // below the 24-byte preamble
        assertNack(SbiError.INVALID_FRAME_SIZE, 1, true);
    }

    @Test
    void legacyJsonPeerIsNackedAndClosed() {
        feed("{\"type\":\"hello\",\"version\":1}".getBytes(StandardCharsets.US_ASCII));
        assertNack(SbiError.INVALID_FRAME_SIZE, 0, true);
        assertTrue(events.stream().anyMatch(e -> e.contains("legacy JSON")), events.toString());
        assertTrue(peer.bufferedBytes() <= 5);
    }

    @Test
    void unknownSchemaFingerprintIsNackedAndTheConnectionStays() {
        handshake();
        var want = new SbiBlockWant(Bytes.zeros(32), 0);
        feed(SbiMessage.of(want, Bytes.of(new byte[16])).encode());
        assertNack(SbiError.UNKNOWN_SCHEMA, 1, false);
        // another op's fingerprint is as unknown for this op
        feed(SbiMessage.of(want, Bytes.of(SchemaFingerprints.forOp(SbiLayouts.OP_ACK))).encode());
        assertNack(SbiError.UNKNOWN_SCHEMA, 2, false);
    }

    @Test
    void unknownOpIsNacked() {
        handshake();
        feed(SbiMessage.of(new SbiUnknown(0x30, Bytes.of(new byte[] {1, 2, 3})), Bytes.zeros(16)).encode());
        assertNack(SbiError.UNKNOWN_OP, 1, false);
    }

    @Test
    void malformedContainerIsNackedAndClosed() {
        handshake();
        // a BLOCK_WANT container of 34 bytes (its layout is exactly 33), with a correct preamble
        int containerLen = 34;
        ByteBuffer b = ByteBuffer.allocate(5 + 24 + containerLen);
        b.order(ByteOrder.BIG_ENDIAN).putInt(24 + containerLen).put((byte) SbiLayouts.OP_BLOCK_WANT);
        b.put(new SbiPreamble(1, 0, containerLen, Bytes.of(SchemaFingerprints.forOp(SbiLayouts.OP_BLOCK_WANT))).encode());
        feed(b.array());
        assertNack(SbiError.MALFORMED_CONTAINER, 1, true);
    }

    @Test
    void hashMismatchIsNackedAndNothingIsStored() throws Exception {
        handshake();
        byte[] block = "the block".getBytes(StandardCharsets.US_ASCII);
        feed(msg(new SbiBlockPut(Bytes.of(Blake3.hash("another block".getBytes(StandardCharsets.US_ASCII))), 0, 0, 0, Bytes.of(block))));
        assertNack(SbiError.HASH_MISMATCH, 1, false);
        assertTrue(store.list().isEmpty());
    }

    @Test
    void corruptCompressedDataIsAHashMismatch() throws Exception {
        handshake();
        byte[] block = new byte[1000];
        byte[] z = Zstd.compress(block, 3);
        z[z.length - 1] ^= 0x55;
        feed(msg(new SbiBlockPut(Bytes.of(Blake3.hash(block)), 0, 2, 3, Bytes.of(z))));
        assertEquals(SbiError.HASH_MISMATCH.code(), lastNack().errorCode());
        assertTrue(store.list().isEmpty());
    }

    /**
     * Issue 12 item 7: we announce zstd, the remote does not; a zstd BLOCK_PUT from it is not agreed
     * (the tap's COMP_NOT_AGREED), so the peer refuses it as the tap flags it (SbiNegotiation.allows).
     */
    @Test
    void compressionTheHandshakesDidNotAgreeOnIsRefused() throws Exception {
        feed(msg(new SbiHandshake(Bytes.zeros(32), SbiCapability.HAS_DEFLATE.mask(), 0, 0, 65536, 1, 1)));
        assertTrue(peer.isReady(), events.toString());
        byte[] block = "y".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        feed(msg(new SbiBlockPut(Bytes.of(Blake3.hash(block)), 0, 2, 3, Bytes.of(Zstd.compress(block, 3)))));
        assertNack(SbiError.UNSUPPORTED_COMPRESSION, 1, false);
        assertTrue(store.list().isEmpty());
        // deflate is common: accepted.
        java.io.ByteArrayOutputStream z = new java.io.ByteArrayOutputStream();
        try (var d = new java.util.zip.DeflaterOutputStream(z)) {
            d.write(block);
        }
        feed(msg(new SbiBlockPut(Bytes.of(Blake3.hash(block)), 0, 1, 6, Bytes.of(z.toByteArray()))));
        assertEquals(1, store.list().size(), events.toString());
    }

    /**
     * Issue 12 item 7 [decided]: block_size is how the announcing side cuts its own objects, not a
     * limit on what it accepts; a block up to the frame limit (262,080 raw bytes) is stored.
     */
    @Test
    void aBlockLargerThanTheAnnouncedBlockSizeIsAccepted() throws Exception {
        handshake();
        byte[] block = new byte[SbiConfig.MAX_BLOCK_SIZE];
        new java.util.Random(9).nextBytes(block);
        feed(msg(new SbiBlockPut(Bytes.of(Blake3.hash(block)), 0, 0, 0, Bytes.of(block))));
        assertEquals(262_080, block.length);
        assertEquals(List.of(Bytes.of(Blake3.hash(block))), store.list());
    }

    @Test
    void unsupportedCompressionIsNacked() throws Exception {
        handshake();
        byte[] block = "x".repeat(100).getBytes(StandardCharsets.US_ASCII);
        feed(msg(new SbiBlockPut(Bytes.of(Blake3.hash(block)), 0, 15, 0, Bytes.of(block))));
        assertNack(SbiError.UNSUPPORTED_COMPRESSION, 1, false);
        feed(msg(new SbiBlockPut(Bytes.of(Blake3.hash(block)), 0, 3, 0, Bytes.of(block))));
        assertNack(SbiError.UNSUPPORTED_COMPRESSION, 2, false);
        assertTrue(store.list().isEmpty());
    }

    @Test
    void zstdBombWithDeclaredSizeIsRejectedNotAllocated() throws Exception {
        handshake();
        byte[] bomb = Zstd.compress(new byte[64 << 20], 19); // declares 64 MiB in its frame header
        assertTrue(bomb.length < 10_000, "bomb is " + bomb.length + " bytes");
        long before = usedHeap();
        feed(msg(new SbiBlockPut(Bytes.of(Blake3.hash(new byte[64 << 20])), 0, 2, 19, Bytes.of(bomb))));
        assertNack(SbiError.MALFORMED_CONTAINER, 1, true);
        assertTrue(store.list().isEmpty());
        // rejected from the header: far less than the 64 MiB it claims was allocated
        assertTrue(usedHeap() - before < 32 << 20, "heap grew by " + (usedHeap() - before));
    }

    @Test
    void zstdBombWithoutDeclaredSizeIsStoppedAtTheBound() throws Exception {
        handshake();
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZstdOutputStream z = new ZstdOutputStream(bos, 3)) { // streaming: no Frame_Content_Size
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 40; i++) z.write(zeros);
        }
        feed(msg(new SbiBlockPut(Bytes.zeros(32), 0, 2, 3, Bytes.of(bos.toByteArray()))));
        assertNack(SbiError.MALFORMED_CONTAINER, 1, true);
        assertTrue(events.stream().anyMatch(e -> e.contains("16 MiB") || e.contains("limit")), events.toString());
        assertTrue(store.list().isEmpty());
    }

    @Test
    void blockWantIsAnsweredFromTheStoreOrNacked() throws Exception {
        handshake();
        byte[] block = "hello block ".repeat(200).getBytes(StandardCharsets.US_ASCII);
        Bytes cid = store.put(block);
        feed(msg(new SbiBlockWant(cid, 1)));
        SbiBlockPut put = assertInstanceOf(SbiBlockPut.class, stream.messages().getLast().container());
        assertEquals(cid, put.hash());
        assertEquals(2, put.compAlgo()); // both sides have zstd
        assertArrayEquals(block, Zstd.decompress(put.data().toArray(), block.length));

        feed(msg(new SbiBlockWant(Bytes.of(Blake3.hash(new byte[1])), 0)));
        assertNack(SbiError.BLOCK_NOT_FOUND, 2, false);
    }

    @Test
    void verifiedBlockIsStoredAndAckedWithTheMessageIndex() throws Exception {
        handshake();
        byte[] block = new byte[5000];
        Arrays.fill(block, (byte) 7);
        feed(msg(new SbiAck(0, 0)));                                                    // index 1
        feed(msg(new SbiBlockPut(Bytes.of(Blake3.hash(block)), 3, 2, 3, Bytes.of(Zstd.compress(block, 3))))); // index 2
        SbiAck ack = assertInstanceOf(SbiAck.class, stream.messages().getLast().container());
        assertEquals(2, ack.refSeq());
        assertEquals(0, ack.status());
        assertArrayEquals(block, store.get(Bytes.of(Blake3.hash(block))).orElseThrow());
    }

    @Test
    void dataBeforeHandshakeCloses() {
        feed(msg(new SbiBlockWant(Bytes.zeros(32), 0)));
        assertTrue(peer.isClosed());
        assertTrue(peer.closedReason().contains("before HANDSHAKE"), peer.closedReason());
    }

    @Test
    void messagesSplitIntoSingleBytesAndBatchedAreParsed() throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(msg(new SbiHandshake(Bytes.zeros(32), 3, 0, 0, 65536, 1, 1)));
        byte[] block = "abc".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 3; i++) all.writeBytes(msg(new SbiBlockPut(Bytes.of(Blake3.hash(block)), i, 0, 0, Bytes.of(block))));
        for (byte b : all.toByteArray()) peer.onBytes(new byte[] {b});
        scheduler.runUntilIdle();
        long acks = stream.messages().stream().filter(m -> m.container() instanceof SbiAck).count();
        assertEquals(3, acks);
        assertEquals(1, store.list().size());
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void corruptBlocksTestHookSendsContentThatFailsTheHashCheck() throws Exception {
        byte[] data = "a block whose content the test hook alters after hashing".repeat(20).getBytes(StandardCharsets.US_ASCII);
        Bytes cid = store.put(data);
        peer.corruptBlocksForTesting(cid::equals);
        handshake();
        feed(msg(new SbiBlockWant(cid, 0)));
        SbiBlockPut put = assertInstanceOf(SbiBlockPut.class, stream.messages().getLast().container());
        assertEquals(cid, put.hash());
        assertTrue(events.stream().anyMatch(e -> e.startsWith("test hook: BLOCK_PUT " + cid.hex())), events.toString());
        // A second, honest peer receiving it refuses it: hash_mismatch, the connection stays open.
        RecordingStream other = new RecordingStream();
        SbiPeer receiver = new SbiPeer(SbiConfig.of(Bytes.zeros(32)), ContentStore.open(dir.resolve("other")), scheduler, other);
        receiver.start();
        receiver.onBytes(msg(new SbiHandshake(Bytes.zeros(32), SbiConfig.DEFAULT_CAPABILITIES, 0, 0, 65536, 1, 1)));
        receiver.onBytes(msg(put));
        scheduler.runUntilIdle();
        SbiNack n = assertInstanceOf(SbiNack.class, other.messages().getLast().container());
        assertEquals(SbiError.HASH_MISMATCH.code(), n.errorCode());
        assertFalse(receiver.store().has(cid));
        // Without the hook the same want gets the intact block.
        peer.corruptBlocksForTesting(h -> false);
        feed(msg(new SbiBlockWant(cid, 0)));
        SbiBlockPut honest = assertInstanceOf(SbiBlockPut.class, stream.messages().getLast().container());
        assertNotEquals(put.data(), honest.data());
    }
}
