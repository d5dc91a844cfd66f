package dev.cellscope.replay.peer;

import dev.cellscope.crypto.Blake3;
import dev.cellscope.dissect.DissectorConfig;
import dev.cellscope.protocol.sbi.SbiOps;
import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.io.Packet;
import dev.cellscope.session.FrameConsumer;
import dev.cellscope.replay.peer.CapturedConversation.Side;
import dev.cellscope.session.CaptureSession;
import dev.cellscope.session.FileSource;
import dev.cellscope.session.SessionOptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The conversations {@code replay --as} reads from a capture, checked against the samples' ground
 * truth (the {@code .truth.json} the scenario runner wrote from the simulated stack, not from the
 * capture): who opened each connection, and every block the sender put, in the object's chunk order.
 */
class ConversationReaderTest {
    static final Path CAPTURES = Path.of("..", "samples", "captures").toAbsolutePath().normalize();

    static List<CapturedConversation> read(String sample) throws Exception {
        return read(sample, -1);
    }

    /** The conversations of {@code sample}, as if the capture lacked frame {@code skip} (none when -1). */
    static List<CapturedConversation> read(String sample, long skip) throws Exception {
        ConversationReader reader = new ConversationReader();
        new CaptureSession(new FileSource(CAPTURES.resolve(sample)),
                new SessionOptions(DissectorConfig.defaults(), null, false, Long.MAX_VALUE)).run(new FrameConsumer() {
            @Override public FieldSink sink() { return reader.sink(); }
            @Override public void frame(Packet p, FrameTiming t) { if (p.number() != skip) reader.frame(p, t); }
        });
        return reader.conversations();
    }

    /** The chunk lists of the truth's objects sent by {@code from}, in the order they were put. */
    static List<String> chunksFrom(String json, String from) {
        Matcher m = Pattern.compile("\"from\": \"" + from + "\",[^}]*?\"chunks\": \\[([^\\]]*)\\]").matcher(json);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) Pattern.compile("[0-9a-f]{64}").matcher(m.group(1)).results().forEach(r -> out.add(r.group()));
        assertFalse(out.isEmpty(), "no objects from " + from);
        return out;
    }

    @Test
    void meshTransferGivesBothConversationsWithEveryBlockPutOnce() throws Exception {
        String truth = Files.readString(CAPTURES.resolve("mesh-transfer.truth.json"));
        List<CapturedConversation> all = read("mesh-transfer.pcapng");
        assertEquals(2, all.size());
        CapturedConversation alice = all.get(0);
        assertEquals("a74aaa1fe85b0f9170c12ec1e28325b7", alice.initiator().hex());
        assertEquals("1f460ab984be5fe4582f4d059843bcad", alice.responder().hex());
        assertEquals("15e3bf75aa0bafd8b5ed955c857cb6f7", all.get(1).initiator().hex());

        List<Answer> sent = alice.sentBy(Side.INITIATOR).stream().map(m -> Answer.of(m.index(), m.bytes())).toList();
        assertEquals(List.of("HANDSHAKE", "DAG_SYNC", "BLOCK_PUT", "BLOCK_PUT", "BLOCK_PUT", "DAG_SYNC", "BLOCK_PUT", "BLOCK_PUT"),
                sent.stream().map(Answer::opName).toList());
        // Alice's two objects (notes.txt, then the second): chunks put in the order the truth lists them.
        List<String> put = sent.stream().filter(a -> a.op() == SbiOps.BLOCK_PUT).map(Answer::hash).toList();
        assertEquals(chunksFrom(truth, "alice"), put);
        // Each message is exactly one whole message: its frame_len covers it (the framer cut it, not a guess).
        for (CapturedMessage m : alice.sentBy(Side.INITIATOR)) {
            long frameLen = dev.cellscope.wire.SbiEnvelope.frameLen(java.lang.foreign.MemorySegment.ofArray(m.bytes()), 0);
            assertEquals(frameLen + dev.cellscope.wire.SbiEnvelope.SIZE, m.bytes().length, "message " + m.index());
            assertTrue(m.startNanos() <= m.endNanos());
        }
        assertEquals(List.of("HANDSHAKE", "DAG_SYNC", "ACK", "ACK", "ACK", "DAG_SYNC", "ACK", "ACK"),
                alice.sentBy(Side.RESPONDER).stream().map(m -> Answer.of(m.index(), m.bytes()).opName()).toList());
        // Bob's DAG_SYNC answer to the offer came before alice's first BLOCK_PUT in the capture (what paces the replay).
        assertTrue(alice.sentBy(Side.RESPONDER).get(1).endNanos() < alice.sentBy(Side.INITIATOR).get(2).startNanos());
    }

    @Test
    void retransmittedCopiesCountOnceAndEveryPutBlockVerifies() throws Exception {
        // quickstart: seq 5004 was lost and retransmitted (a NACK asked for it); its copy carries two BLOCK_PUTs.
        CapturedConversation c = read("quickstart.pcapng").getFirst();
        assertNull(c.problem());
        List<Answer> server = c.sentBy(Side.RESPONDER).stream().map(m -> Answer.of(m.index(), m.bytes())).toList();
        assertEquals(List.of("HANDSHAKE", "BLOCK_PUT", "DAG_SYNC", "BLOCK_PUT", "BLOCK_PUT"), server.stream().map(Answer::opName).toList());
        for (CapturedMessage m : c.sentBy(Side.RESPONDER)) {
            if (Answer.of(m.index(), m.bytes()).op() != SbiOps.BLOCK_PUT) continue;
            var put = (dev.cellscope.wire.SbiBlockPut) dev.cellscope.wire.SbiMessage.decode(m.bytes()).orElseThrow().container();
            try (var codec = new dev.cellscope.blocks.BlockCodec()) {
                byte[] block = codec.decompress(put.compAlgo(), put.data().toArray()).data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                assertArrayEquals(put.hash().toArray(), Blake3.hash(block), "block " + put.hash().hex());
            }
        }
    }

    @Test
    void aLossyTransferIsCutWholeFromItsRetransmissions() throws Exception {
        // lossy-mesh: DATA lost on the wire and retransmitted (the truth's data_retransmitted); every chunk is put once, in order.
        String truth = Files.readString(CAPTURES.resolve("lossy-mesh.truth.json"));
        List<CapturedConversation> all = read("lossy-mesh.pcapng");
        for (var who : List.of(all.get(0), all.get(1))) {
            assertNull(who.problem(), who.problem());
            String name = who.initiator().hex().startsWith("a74a") ? "alice" : "carol";
            assertEquals(chunksFrom(truth, name), who.sentBy(Side.INITIATOR).stream().map(m -> Answer.of(m.index(), m.bytes()))
                    .filter(a -> a.op() == SbiOps.BLOCK_PUT).map(Answer::hash).toList(), name);
        }
    }

    @Test
    void aDataFrameMissingFromTheCaptureMakesThatConversationUnusableNamingTheSeq() throws Exception {
        // mesh-transfer frame 12 is alice's DATA seq 1147452820 (part of a BLOCK_PUT): without it her stream has a hole.
        List<CapturedConversation> all = read("mesh-transfer.pcapng", 12);
        assertTrue(all.get(0).problem().contains("seqs 1147452820 to 1147452820 are missing from the capture"), all.get(0).problem());
        assertTrue(all.get(0).problem().contains("from a74aaa1fe85b0f9170c12ec1e28325b7"), all.get(0).problem());
        assertTrue(all.get(0).fromInitiator().isEmpty());
        assertNull(all.get(1).problem(), "carol's conversation is whole");
        assertEquals(List.of(), read("mesh-transfer.pcapng", 3).stream().map(CapturedConversation::problem).filter(p -> p != null).toList(),
                "frame 3 is a bare ACK: nothing of the streams is missing");
    }
}
