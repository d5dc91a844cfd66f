package dev.cellscope.endpoint.sbi;

import com.github.luben.zstd.Zstd;
import dev.cellscope.analysis.AnalysisConfig;
import dev.cellscope.analysis.CaptureAnalysis;
import dev.cellscope.crypto.Blake3;
import dev.cellscope.crypto.SchemaFingerprints;
import dev.cellscope.dissect.Dissector;
import dev.cellscope.expert.Expert;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.dissect.ProtoNode;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.expert.Severity;
import dev.cellscope.endpoint.core.VirtualScheduler;
import dev.cellscope.endpoint.store.ContentStore;
import dev.cellscope.io.Packet;
import dev.cellscope.protocol.sbi.SbiErrorCode;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.EthernetHeader;
import dev.cellscope.wire.SbiAck;
import dev.cellscope.wire.SbiBlockPut;
import dev.cellscope.wire.SbiBlockWant;
import dev.cellscope.wire.SbiContainer;
import dev.cellscope.wire.SbiDagSync;
import dev.cellscope.wire.SbiEnvelope;
import dev.cellscope.wire.SbiHandshake;
import dev.cellscope.wire.SbiLayouts;
import dev.cellscope.wire.SbiMessage;
import dev.cellscope.wire.SbiNack;
import dev.cellscope.wire.SbiPreamble;
import dev.cellscope.wire.SbiUnknown;
import dev.cellscope.wire.UtcpHeader;
import dev.cellscope.wire.UtcpPacket;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The tap and the peer judge the same bytes the same way: each message below follows a valid
 * HANDSHAKE from its sender; the peer rejects it (NACKs it, or closes) exactly when the tap's
 * dissection and analysis flag it with a warning or an error. Both now rest on the same
 * framer, codecs and block codec.
 *
 * <p>Not in the set: preamble flags that are not 0. The tap warns, the peer ignores them (the
 * spec gives the field but no rule for a receiver); unchanged by the re-cut.
 */
class SbiTapPeerAgreementTest {
    @TempDir Path dir;

    private static final byte[] TEXT = "a block of text that compresses well, ".repeat(200).getBytes(StandardCharsets.US_ASCII);

    /** A case: the bytes A sends after its HANDSHAKE, and the NACK the peer answers with (null: accepted). */
    record Case(String name, byte[] bytes, SbiErrorCode peerNacks) {}

    static byte[] msg(SbiContainer c) {
        return SbiMessage.of(c, Bytes.of(SchemaFingerprints.forOp(c.op()))).encode();
    }

    /** A message with a hand-made preamble and container: envelope(frame_len, op) | preamble | container. */
    static byte[] raw(long frameLen, int op, byte[] preamble, byte[] container) {
        ByteBuffer b = ByteBuffer.allocate(5 + preamble.length + container.length).order(ByteOrder.BIG_ENDIAN);
        b.putInt((int) frameLen).put((byte) op).put(preamble).put(container);
        return b.array();
    }

    static byte[] preamble(int version, long containerLen, int op) {
        return new SbiPreamble(version, 0, containerLen, Bytes.of(SchemaFingerprints.forOp(op))).encode();
    }

    static byte[] withContainer(int op, byte[] container) {
        return raw(24 + container.length, op, preamble(1, container.length, op), container);
    }

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] nack(int code, byte[] text, int errorLen) {
        return withContainer(SbiLayouts.OP_NACK, le(8 + text.length).putInt(0).putShort((short) code).putShort((short) errorLen).put(text).array());
    }

    static byte[] put(byte[] hash, int algo, byte[] data) {
        return msg(new SbiBlockPut(Bytes.of(hash), 0, algo, 0, Bytes.of(data)));
    }

    static List<Case> cases() {
        byte[] h = Blake3.hash(TEXT);
        byte[] zstd = Zstd.compress(TEXT, 3);
        byte[] corruptZstd = zstd.clone();
        corruptZstd[corruptZstd.length - 1] ^= 0x55;
        byte[] want = new SbiBlockWant(Bytes.zeros(32), 0).encode();
        byte[] badMagic = preamble(1, want.length, SbiLayouts.OP_BLOCK_WANT);
        badMagic[0] = 'X';
        List<Case> c = new ArrayList<>();
        // framing
        c.add(new Case("frame_len 2^31", new byte[] {(byte) 0x80, 0, 0, 0, SbiLayouts.OP_BLOCK_PUT, 0, 0, 0}, SbiErrorCode.INVALID_FRAME_SIZE));
        c.add(new Case("frame_len 23", new byte[] {0, 0, 0, 23, (byte) SbiLayouts.OP_ACK, 0, 0, 0}, SbiErrorCode.INVALID_FRAME_SIZE));
        c.add(new Case("frame_len 262145", new byte[] {0, 4, 0, 1, (byte) SbiLayouts.OP_ACK, 0, 0, 0}, SbiErrorCode.INVALID_FRAME_SIZE));
        // envelope and preamble
        c.add(new Case("unassigned op", SbiMessage.of(new SbiUnknown(0x30, Bytes.of(new byte[] {1, 2, 3})), Bytes.zeros(16)).encode(),
                SbiErrorCode.UNKNOWN_OP));
        c.add(new Case("unknown fingerprint", SbiMessage.of(new SbiBlockWant(Bytes.zeros(32), 0), Bytes.of(new byte[16])).encode(),
                SbiErrorCode.UNKNOWN_SCHEMA));
        c.add(new Case("another op's fingerprint",
                SbiMessage.of(new SbiBlockWant(Bytes.zeros(32), 0), Bytes.of(SchemaFingerprints.forOp(SbiLayouts.OP_ACK))).encode(),
                SbiErrorCode.UNKNOWN_SCHEMA));
        c.add(new Case("bad preamble magic", raw(24 + want.length, SbiLayouts.OP_BLOCK_WANT, badMagic, want), SbiErrorCode.MALFORMED_CONTAINER));
        c.add(new Case("preamble version 2", raw(24 + want.length, SbiLayouts.OP_BLOCK_WANT, preamble(2, want.length, SbiLayouts.OP_BLOCK_WANT), want),
                SbiErrorCode.MALFORMED_CONTAINER));
        c.add(new Case("container_len disagrees", raw(24 + want.length, SbiLayouts.OP_BLOCK_WANT,
                preamble(1, want.length + 1, SbiLayouts.OP_BLOCK_WANT), want), SbiErrorCode.MALFORMED_CONTAINER));
        // containers
        c.add(new Case("BLOCK_WANT of 34 bytes", withContainer(SbiLayouts.OP_BLOCK_WANT, new byte[34]), SbiErrorCode.MALFORMED_CONTAINER));
        c.add(new Case("ACK of 7 bytes", withContainer(SbiLayouts.OP_ACK, new byte[7]), SbiErrorCode.MALFORMED_CONTAINER));
        c.add(new Case("DAG_SYNC node_count 900 with one node", withContainer(SbiLayouts.OP_DAG_SYNC,
                le(36 + 32).put(new byte[32]).putShort((short) 1).putShort((short) 900).put(new byte[32]).array()), SbiErrorCode.MALFORMED_CONTAINER));
        c.add(new Case("DAG_SYNC depth 2", msg(new SbiDagSync(Bytes.of(Blake3.hash(new byte[32])), 2, List.of(Bytes.zeros(32)))),
                SbiErrorCode.MALFORMED_CONTAINER));
        c.add(new Case("NACK error_len beyond the container", nack(4, "hash_mismatch".getBytes(StandardCharsets.US_ASCII), 40),
                SbiErrorCode.MALFORMED_CONTAINER));
        c.add(new Case("NACK error text not UTF-8", nack(4, new byte[] {'h', 'a', 's', 'h', (byte) 0xC3, 0x28}, 6),
                SbiErrorCode.MALFORMED_CONTAINER));
        c.add(new Case("NACK error text an unpaired surrogate in UTF-8", nack(4, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, 3),
                SbiErrorCode.MALFORMED_CONTAINER));
        // blocks
        c.add(new Case("comp_algo 15 (experimental)", put(h, 15, TEXT), SbiErrorCode.UNSUPPORTED_COMPRESSION));
        c.add(new Case("comp_algo 3 (reserved)", put(h, 3, TEXT), SbiErrorCode.UNSUPPORTED_COMPRESSION));
        c.add(new Case("hash mismatch", put(Blake3.hash(new byte[] {1}), 0, TEXT), SbiErrorCode.HASH_MISMATCH));
        c.add(new Case("corrupt zstd", put(h, 2, corruptZstd), SbiErrorCode.HASH_MISMATCH));
        c.add(new Case("raw deflate without the zlib header", put(h, 1, new byte[] {0x4b, 0x04, 0x00}), SbiErrorCode.HASH_MISMATCH));
        c.add(new Case("zstd bomb declaring 64 MiB", put(Blake3.hash(new byte[64 << 20]), 2, Zstd.compress(new byte[64 << 20], 19)),
                SbiErrorCode.MALFORMED_CONTAINER));
        // accepted by both
        c.add(new Case("valid zstd BLOCK_PUT", put(h, 2, zstd), null));
        c.add(new Case("valid raw BLOCK_PUT", put(h, 0, TEXT), null));
        c.add(new Case("valid ACK", msg(new SbiAck(0, 0)), null));
        c.add(new Case("valid NACK", msg(new SbiNack(0, SbiErrorCode.BLOCK_NOT_FOUND.code(), "block_not_found")), null));
        c.add(new Case("NACK with UTF-8 text", nack(7, "blöck_nöt_föund".getBytes(StandardCharsets.UTF_8),
                "blöck_nöt_föund".getBytes(StandardCharsets.UTF_8).length), null));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> tapFlagsExactlyWhatThePeerRejects() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            SbiErrorCode peer = peerVerdict(c.bytes());
            List<String> tap = tapVerdict(c.bytes());
            assertEquals(c.peerNacks(), peer, "the peer's NACK");
            assertEquals(peer != null, !tap.isEmpty(), "peer NACKs " + peer + ", the tap flags " + tap);
            // The strictness table's consequence: what closes the connection is an error for the tap.
            if (peerClosed) assertTrue(tap.stream().anyMatch(e -> e.startsWith("error ")), "the peer closes, the tap flags " + tap);
        }));
    }

    /** Fails on the old code: the tap said nothing when a peer sent a data op before its HANDSHAKE, which the peer closes on. */
    @org.junit.jupiter.api.Test
    void dataBeforeHandshakeClosesAndIsAnError() throws Exception {
        byte[] want = msg(new SbiBlockWant(Bytes.zeros(32), 0));
        VirtualScheduler scheduler = new VirtualScheduler();
        RecordingStream stream = new RecordingStream();
        SbiPeer peer = new SbiPeer(SbiConfig.of(Bytes.zeros(32)), ContentStore.open(dir.resolve("store-early")), scheduler, stream);
        peer.start();
        peer.onBytes(want);
        scheduler.runUntilIdle();
        assertTrue(peer.isClosed(), "the peer closes");
        assertFalse(stream.messages().stream().anyMatch(m -> m.container() instanceof SbiNack), "without a NACK");
        List<String> tap = tapVerdict(want, false);
        assertTrue(tap.stream().anyMatch(e -> e.startsWith("error ") && e.contains("BLOCK_WANT before this peer's HANDSHAKE")), tap.toString());
        assertTrue(tapVerdict(want, true).isEmpty(), "after the HANDSHAKE it is fine");
    }

    private static final SbiHandshake HANDSHAKE = new SbiHandshake(Bytes.zeros(32), SbiConfig.DEFAULT_CAPABILITIES, 0, 0, 65536, 1, 1);

    /** Whether the peer closed in the last {@link #peerVerdict}. */
    private boolean peerClosed;

    /** The NACK the peer sends after A's HANDSHAKE and {@code bytes}, or null. */
    private SbiErrorCode peerVerdict(byte[] bytes) throws Exception {
        VirtualScheduler scheduler = new VirtualScheduler();
        RecordingStream stream = new RecordingStream();
        SbiPeer peer = new SbiPeer(SbiConfig.of(Bytes.zeros(32)), ContentStore.open(dir.resolve("store-" + System.nanoTime())), scheduler, stream);
        peer.start();
        peer.onBytes(msg(HANDSHAKE));
        scheduler.runUntilIdle();
        assertTrue(peer.isReady());
        peer.onBytes(bytes);
        scheduler.runUntilIdle();
        List<SbiMessage> sent = stream.messages();
        SbiErrorCode nacked = null;
        for (SbiMessage m : sent) {
            if (m.container() instanceof SbiNack n) nacked = SbiErrorCode.of(n.errorCode()).orElseThrow();
        }
        peerClosed = peer.isClosed();
        assertEquals(nacked != null && nacked != SbiErrorCode.UNKNOWN_OP && nacked != SbiErrorCode.UNKNOWN_SCHEMA
                && nacked != SbiErrorCode.HASH_MISMATCH && nacked != SbiErrorCode.UNSUPPORTED_COMPRESSION, peer.isClosed(),
                "closes after " + nacked);
        return nacked;
    }

    private static final Bytes CELL_A = Bytes.of(filled(0xA1)), CELL_B = Bytes.of(filled(0xB2));
    private static final long MAC_A = 0x02_00_00_00_00_0AL, MAC_B = 0x02_00_00_00_00_0BL;

    private static byte[] filled(int b) {
        byte[] x = new byte[16];
        java.util.Arrays.fill(x, (byte) b);
        return x;
    }

    private static byte[] frame(boolean fromA, long seq, int flags, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new EthernetHeader(fromA ? MAC_B : MAC_A, fromA ? MAC_A : MAC_B, List.of(), 0x88B5).encode());
        out.writeBytes(new UtcpPacket(new UtcpHeader(fromA ? CELL_A : CELL_B, fromA ? CELL_B : CELL_A, seq, flags, payload.length),
                Bytes.of(payload)).encode());
        return out.toByteArray();
    }

    /** The tap's warnings and errors on the frame carrying {@code bytes} after both HANDSHAKEs. */
    private static List<String> tapVerdict(byte[] bytes) {
        return tapVerdict(bytes, true);
    }

    /** As {@link #tapVerdict(byte[])}; without {@code handshakeFromA}, A sends {@code bytes} before any HANDSHAKE. */
    private static List<String> tapVerdict(byte[] bytes, boolean handshakeFromA) {
        int syn = 0x0001, data = 0x0010;
        List<byte[]> frames = handshakeFromA ? List.of(
                frame(true, 0, syn, new byte[0]), frame(false, 0, syn, new byte[0]),
                frame(true, 1, data, msg(HANDSHAKE)), frame(false, 1, data, msg(HANDSHAKE)),
                frame(true, 2, data, bytes)) : List.of(
                frame(true, 0, syn, new byte[0]), frame(false, 0, syn, new byte[0]),
                frame(false, 1, data, msg(HANDSHAKE)), frame(true, 1, data, bytes));
        CaptureAnalysis analysis = CaptureAnalysis.singlePass(AnalysisConfig.defaults());
        Dissector dissector = new Dissector();
        List<String> flagged = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            ProtoTree t = new ProtoTree();
            long ts = 1_000_000L * (i + 1);
            dissector.dissect(Packet.of(i + 1, ts, frames.get(i)), new FrameTiming(1_000_000L, ts), analysis, t);
            for (ProtoNode n : t.experts()) {
                Expert e = n.expert();
                if (i < frames.size() - 1) {
                    assertTrue(e.severity().compareTo(Severity.WARN) < 0, "setup frame " + (i + 1) + ": " + e);
                } else if (e.severity().compareTo(Severity.WARN) >= 0) {
                    flagged.add(e.severity().name().toLowerCase(java.util.Locale.ROOT) + " " + e.message());
                }
            }
        }
        analysis.finish();
        return flagged;
    }
}
