package dev.cellscope.analysis;

import com.github.luben.zstd.Zstd;
import dev.cellscope.crypto.Blake3;
import dev.cellscope.crypto.SchemaFingerprints;
import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.field.SbiFields;
import dev.cellscope.field.TetherFields;
import dev.cellscope.field.UtcpFields;
import dev.cellscope.io.Packet;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.EthernetHeader;
import dev.cellscope.wire.LinkLayouts;
import dev.cellscope.wire.SbiAck;
import dev.cellscope.wire.SbiBlockPut;
import dev.cellscope.wire.SbiBlockWant;
import dev.cellscope.wire.SbiContainer;
import dev.cellscope.wire.SbiHandshake;
import dev.cellscope.wire.SbiMessage;
import dev.cellscope.wire.SbiLayouts;
import dev.cellscope.wire.SbiNack;
import dev.cellscope.wire.TetherFrame;
import dev.cellscope.wire.TetherHeader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.*;

/** Each bad thing a peer can do produces its expert finding, through the dissector with analysis. */
class AnalysisFindingsTest {

    /** A UTCP conversation A↔B whose DATA packets carry whole messages, one per packet. */
    static final class Talk {
        final List<Packet> frames = new ArrayList<>();
        long seqA = 1001, seqB = 5001, time = 1_000_000_000L;

        Talk a(SbiContainer c) {
            return add(true, message(c));
        }

        Talk b(SbiContainer c) {
            return add(false, message(c));
        }

        /** Sends {@code payload} as DATA packets of at most 1400 bytes, 100 µs apart. */
        Talk add(boolean fromA, byte[] payload) {
            for (int off = 0; off < payload.length; off += 1400) {
                byte[] part = java.util.Arrays.copyOfRange(payload, off, Math.min(payload.length, off + 1400));
                long seq = fromA ? seqA++ : seqB++;
                byte[] frame = LossyTransfer.utcp(fromA ? LossyTransfer.A : LossyTransfer.B, fromA ? LossyTransfer.B : LossyTransfer.A, seq, UtcpFields.DATA, part);
                time += 100_000;
                frames.add(new Packet(frames.size() + 1, time, 0, 1, frame.length, MemorySegment.ofArray(frame), null));
            }
            return this;
        }

        /** The trees of the frames that complete a message, one entry per message, in order. */
        List<ProtoTree> analyse() {
            List<ProtoTree> out = new ArrayList<>();
            for (ProtoTree t : analyseFrames()) for (int i = 0; i < t.find(SbiFields.SBI).size(); i++) out.add(t);
            return out;
        }

        List<ProtoTree> analyseFrames() {
            CaptureAnalysis analysis = CaptureAnalysis.singlePass(AnalysisConfig.defaults());
            Dissector d = new Dissector();
            List<ProtoTree> out = new ArrayList<>();
            for (Packet p : frames) {
                ProtoTree t = new ProtoTree();
                d.dissect(p, new FrameTiming(frames.getFirst().timestampNanos(), p.timestampNanos()), analysis, t);
                out.add(t);
            }
            return out;
        }
    }

    static byte[] message(SbiContainer c) {
        return SbiMessage.of(c, Bytes.of(SchemaFingerprints.forOp(c.op()))).encode();
    }

    static SbiHandshake handshake(long caps, long required) {
        return new SbiHandshake(Bytes.zeros(32), caps, required, 0, 65536, 1, 3);
    }

    static List<String> experts(ProtoTree t) {
        return t.experts().stream().map(n -> n.expert().toString()).toList();
    }

    static byte[] content(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) ("cellscope block content ".charAt(i % 24));
        return b;
    }

    static SbiBlockPut put(byte[] plain, int algo, byte[] data) {
        return new SbiBlockPut(Bytes.of(Blake3.hash(plain)), 0, algo, 3, Bytes.of(data));
    }

    @Test
    void verifiedBlocksOfEveryAlgorithmAndTheWantLink() {
        byte[] plain = content(65536);
        List<ProtoTree> t = new Talk()
                .a(new SbiBlockWant(Bytes.of(Blake3.hash(plain)), 0))
                .b(put(plain, 2, Zstd.compress(plain, 3)))
                .b(put(plain, 1, deflate(plain)))
                .b(put(plain, 0, plain))
                .analyse();
        for (int i = 1; i <= 3; i++) {
            assertEquals("1", t.get(i).find(SbiFields.PUT_VERIFIED).getFirst().plainValue(), experts(t.get(i)).toString());
            assertEquals("65536", t.get(i).find(SbiFields.PUT_UNCOMPRESSED).getFirst().plainValue());
        }
        assertEquals("1", t.get(1).find(SbiFields.PUT_WANT_IN).getFirst().plainValue());
        // The WANT is frame 1 (t=100 µs); the zstd PUT completes in its last packet.
        long putFrames = t.get(1).find(SbiFields.SEGMENT_COUNT).isEmpty() ? 1 : t.get(1).find(SbiFields.SEGMENT_COUNT).getFirst().number();
        assertEquals(dev.cellscope.field.FieldFormat.seconds(putFrames * 100_000), t.get(1).find(SbiFields.PUT_LATENCY).getFirst().plainValue());
        assertTrue(t.get(2).find(SbiFields.PUT_WANT_IN).isEmpty(), "a WANT is answered once");
    }

    @Test
    void wrongHashIsAHashMismatch() {
        byte[] plain = content(1000);
        SbiBlockPut bad = new SbiBlockPut(Bytes.of(Blake3.hash(content(999))), 0, 0, 0, Bytes.of(plain));
        ProtoTree t = new Talk().b(bad).analyse().getFirst();
        assertEquals("0", t.find(SbiFields.PUT_VERIFIED).getFirst().plainValue());
        assertTrue(experts(t).stream().anyMatch(e -> e.startsWith("[error/checksum] hash_mismatch: ")), experts(t).toString());
    }

    @Test
    void zstdBombIsRejectedWithoutInflating() {
        byte[] zeros = new byte[64 << 20];
        byte[] bomb = Zstd.compress(zeros, 19);
        assertTrue(bomb.length < 10_000);
        ProtoTree t = new Talk().b(new SbiBlockPut(Bytes.of(Blake3.hash(zeros)), 0, 2, 19, Bytes.of(bomb))).analyse().getFirst();
        assertEquals("0", t.find(SbiFields.PUT_VERIFIED).getFirst().plainValue());
        assertTrue(experts(t).stream().anyMatch(e -> e.startsWith("[error/security] Decompression bomb: ")), experts(t).toString());
    }

    @Test
    void deflateBombIsRejected() {
        byte[] zeros = new byte[64 << 20];
        ProtoTree t = new Talk().b(new SbiBlockPut(Bytes.of(Blake3.hash(zeros)), 0, 1, 9, Bytes.of(deflate(zeros)))).analyse().getFirst();
        assertTrue(experts(t).stream().anyMatch(e -> e.startsWith("[error/security] Decompression bomb: ")), experts(t).toString());
    }

    /**
     * Reserved and experimental comp_algo: the data cannot be checked, so sbi.put.verified is absent (PROTOCOLS.md: true,
     * false or absent), and unsupported_compression is said once. Fails on the old code (verified False, said twice).
     */
    @Test
    void experimentalAndReservedAlgorithmsAreUnsupportedAndUnchecked() {
        for (int algo : new int[] {3, 15}) {
            ProtoTree t = new Talk().a(handshake(0b0011, 0)).b(handshake(0b0011, 0)).b(put(content(10), algo, content(10))).analyse().get(2);
            assertTrue(t.find(SbiFields.PUT_VERIFIED).isEmpty(), "comp_algo " + algo + ": not checked, so no verdict");
            assertEquals(List.of("[warn/protocol] unsupported_compression: comp_algo " + algo + (algo == 3 ? " (reserved)" : " (experimental)")
                    + "; a receiver rejects it"), experts(t).stream().filter(e -> e.startsWith("[warn") || e.startsWith("[error")).toList());
            assertTrue(experts(t).stream().anyMatch(e -> e.startsWith("[warn/protocol] unsupported_compression: comp_algo " + algo)),
                    experts(t).toString());
        }
    }

    @Test
    void truncatedContainerIsMalformed() {
        byte[] ack = message(new SbiAck(0, 0));
        // Claim a 6-byte ACK container: frame_len 30, container_len 6 (the spec's ACK is 8 bytes).
        byte[] cut = java.util.Arrays.copyOf(ack, ack.length - 2);
        java.nio.ByteBuffer.wrap(cut).putInt(0, 30);
        java.nio.ByteBuffer.wrap(cut).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(9, 6);
        ProtoTree t = new Talk().add(true, cut).analyse().getFirst();
        assertTrue(experts(t).contains("[error/malformed] malformed_container: ACK container is 6 bytes, needs 8"), experts(t).toString());
    }

    @Test
    void missingRequiredFeaturesAndAPeerThatCarriesOn() {
        // B requires dedup (bit 2), which A lacks: A must NACK missing_required_features and close.
        List<ProtoTree> t = new Talk()
                .a(handshake(0b0011, 0))
                .b(handshake(0b0111, 0b0100))
                .a(new SbiBlockWant(Bytes.zeros(32), 0))
                .analyse();
        ProtoTree second = t.get(1);
        assertEquals("0x00000004", second.find(SbiFields.HANDSHAKE_MISSING).getFirst().plainValue());
        assertEquals("0x00000003", second.find(SbiFields.HANDSHAKE_INTERSECTION).getFirst().plainValue());
        assertEquals("zstd", second.find(SbiFields.HANDSHAKE_COMPRESSION).getFirst().plainValue());
        assertTrue(experts(second).stream().anyMatch(e -> e.startsWith("[warn/protocol] Handshake fails: ") && e.contains("HAS_DEDUP")),
                experts(second).toString());
        assertTrue(experts(t.get(2)).stream().anyMatch(e -> e.startsWith("[warn/protocol] Peer carries on despite missing required features HAS_DEDUP")),
                experts(t.get(2)).toString());
    }

    @Test
    void aNackOfMissingFeaturesWhenNothingWasMissing() {
        List<ProtoTree> t = new Talk()
                .a(handshake(0b0011, 0))
                .b(handshake(0b0011, 0b0001))
                .a(new SbiNack(0, 2, "missing_required_features"))
                .analyse();
        assertTrue(experts(t.get(2)).contains("[warn/protocol] NACK missing_required_features although this peer was missing nothing"),
                experts(t.get(2)).toString());
        assertEquals("2", t.get(2).find(SbiFields.RESPONSE_TO).getFirst().plainValue());
    }

    /**
     * The receiver counts an envelope whose frame_len is out of range as a message and NACKs invalid_frame_size with its
     * index as ref_seq (SbiPeer.badFrameLen): the tap links that NACK to it (the independent encoder found it unlinked).
     */
    @Test
    void aNackOfInvalidFrameSizeAnswersTheRejectedEnvelope() {
        byte[] bad = message(new SbiBlockWant(Bytes.zeros(32), 0));
        java.nio.ByteBuffer.wrap(bad).putInt(0, 300_000); // beyond the 262,144-byte maximum
        List<ProtoTree> t = new Talk().add(true, bad).b(new SbiNack(0, 1, "invalid_frame_size")).analyseFrames();
        assertTrue(experts(t.get(0)).stream().anyMatch(e -> e.startsWith("[error/malformed] invalid_frame_size")), experts(t.get(0)).toString());
        assertEquals("1", t.get(1).find(SbiFields.RESPONSE_TO).getFirst().plainValue());
    }

    /**
     * [decided] A side whose own required feature the other lacks refuses too (the peer's rule, SbiNegotiation):
     * its NACK is not spurious, and the other side carrying on is flagged.
     */
    @Test
    void aSideRefusesItsOwnUnmetRequirement() {
        List<ProtoTree> t = new Talk()
                .a(handshake(0b0011, 0b0100))   // a requires HAS_DEDUP, which b lacks
                .b(handshake(0b0011, 0))
                .a(new SbiNack(1, 2, "missing_required_features"))
                .analyse();
        assertFalse(experts(t.get(2)).stream().anyMatch(e -> e.contains("although this peer was missing nothing")),
                experts(t.get(2)).toString());
    }

    /** Fails on the old code: a version-2 HANDSHAKE was "agreed" and the peer's correct NACK was called spurious. */
    @Test
    void aHandshakeVersionOtherThanOneFailsTheExchange() {
        List<ProtoTree> t = new Talk()
                .a(handshake(0b0011, 0))
                .b(new SbiHandshake(Bytes.zeros(32), 0b0011, 0, 0, 65536, 2, 3))
                .a(new SbiNack(0, 2, "missing_required_features"))
                .analyse();
        assertTrue(experts(t.get(1)).stream().anyMatch(e -> e.startsWith("[warn/protocol] Handshake fails: the second peer announces version 2")),
                experts(t.get(1)).toString());
        assertFalse(experts(t.get(1)).stream().anyMatch(e -> e.contains("Handshake agreed")), experts(t.get(1)).toString());
        assertFalse(experts(t.get(2)).stream().anyMatch(e -> e.contains("although this peer was missing nothing")),
                experts(t.get(2)).toString());
    }

    /**
     * Fails on the old code: a HANDSHAKE the peer refuses (BLOCK_WANT's fingerprint: unknown_schema) was taken as the
     * connection's, the real one after it ignored, and a zstd BLOCK_PUT the real pair agreed on was flagged.
     */
    @Test
    void theHandshakeIsTheFirstOneThePeerAdmits() {
        byte[] plain = content(500);
        byte[] refused = SbiMessage.of(handshake(0b0001, 0), Bytes.of(SchemaFingerprints.forOp(SbiLayouts.OP_BLOCK_WANT))).encode();
        List<ProtoTree> t = new Talk()
                .b(handshake(0b0011, 0))
                .add(true, refused)
                .b(new SbiNack(0, 3, "unknown_schema"))
                .a(handshake(0b0011, 0))
                .b(put(plain, 2, Zstd.compress(plain)))
                .analyse();
        assertFalse(experts(t.get(1)).stream().anyMatch(e -> e.contains("Handshake agreed")), experts(t.get(1)).toString());
        assertTrue(experts(t.get(3)).stream().anyMatch(e -> e.contains("Handshake agreed: common HAS_DEFLATE HAS_ZSTD, compression zstd")),
                experts(t.get(3)).toString());
        assertFalse(experts(t.get(4)).stream().anyMatch(e -> e.contains("did not agree on")), experts(t.get(4)).toString());
    }

    @Test
    void compressionTheHandshakeDidNotAgreeOn() {
        byte[] plain = content(500);
        List<ProtoTree> t = new Talk().a(handshake(0b0001, 0)).b(handshake(0b0011, 0)).b(put(plain, 2, Zstd.compress(plain))).analyse();
        assertTrue(experts(t.get(2)).stream().anyMatch(e -> e.startsWith("[warn/protocol] BLOCK_PUT uses zstd, which the HANDSHAKE did not agree on")),
                experts(t.get(2)).toString());
    }

    @Test
    void grantOverrunIsACreditError() {
        CaptureAnalysis analysis = CaptureAnalysis.singlePass(AnalysisConfig.defaults());
        ProtoTree t = dissectSlot3(analysis, false);
        assertEquals("1", t.find(TetherFields.OVERRUN).getFirst().plainValue());
        assertEquals("-1088", t.find(TetherFields.CREDIT_AFTER).getFirst().plainValue());
        assertTrue(experts(t).contains("[error/credit] Grant overrun: sends 1088 bytes on flow 1 with 0 bytes of credit (deficit 1088)"),
                experts(t).toString());
    }

    /**
     * The review's case: a frame damaged in flight (its flow id flipped after the sender computed the CRC) overran
     * credit "on flow 5" for endpoints that behaved. A frame whose CRC-64 is bad is reported as such and accounted
     * nowhere: no overrun, no undefined flow, no ledger fields.
     */
    @Test
    void aFrameWithABadCrcIsNotAccounted() {
        CaptureAnalysis analysis = CaptureAnalysis.singlePass(AnalysisConfig.defaults());
        ProtoTree t = dissectSlot3(analysis, true);
        assertEquals("5", t.find(TetherFields.FLOW).getFirst().plainValue(), "the header is shown as it came");
        assertEquals(List.of(), t.find(TetherFields.OVERRUN));
        assertEquals(List.of(), t.find(TetherFields.CREDIT_AFTER));
        List<String> found = experts(t);
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.getFirst().startsWith("[error/checksum] Bad CRC-64/GO-ISO ")
                && found.getFirst().endsWith(": not accounted, its header may be damaged"), found.toString());
        assertEquals(List.of(), analysis.tether().flows());
        assertEquals(1, analysis.tether().summary().corruptFrames());
    }

    /**
     * Slot 3 of flow 1 (1024 bytes), a → b over Ethernet, with a correct CRC-64, dissected with {@code analysis};
     * {@code damaged}: its flow id flipped to 5 after the CRC was computed, as a bit error in flight would.
     */
    private static ProtoTree dissectSlot3(CaptureAnalysis analysis, boolean damaged) {
        long a = 0xAC1D00000001L, b = 0xAC1D00000002L;
        byte[] data = new TetherFrame(new TetherHeader(1, 0, 0, a, b, 0, 3, 0, 0, 0, 0), Bytes.zeros(1024))
                .encodeWithChecksum(f -> dev.cellscope.crypto.Crc64GoIso.tetherChecksum(f, 0, f.byteSize()));
        if (damaged) data[4] ^= 0x04; // flow 1 → 5
        byte[] frame = new byte[14 + data.length];
        new EthernetHeader(b, a, LinkLayouts.ETHERTYPE_CELL).encodeTo(MemorySegment.ofArray(frame), 0);
        System.arraycopy(data, 0, frame, 14, data.length);
        ProtoTree t = new ProtoTree();
        new Dissector().dissect(Packet.of(1, 0, frame), new FrameTiming(0, 0), analysis, t);
        return t;
    }

    static byte[] deflate(byte[] in) {
        Deflater def = new Deflater(9);
        def.setInput(in);
        def.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        while (!def.finished()) out.write(buf, 0, def.deflate(buf));
        def.end();
        return out.toByteArray();
    }
}
