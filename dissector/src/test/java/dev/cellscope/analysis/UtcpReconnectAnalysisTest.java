package dev.cellscope.analysis;

import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.expert.Expert;
import dev.cellscope.field.UtcpFields;
import dev.cellscope.io.Packet;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The tap follows the peer's reconnect rule ({@code UtcpReconnect}): a SYN with a new initial seq after its sender's
 * FIN, or after a second of its silence, starts a new stream; one while the sender talks is a warning and changes
 * nothing. Frames are built here byte by byte from PROTOCOLS.md (Ethernet, EtherType 0x88B5, the 40-byte header).
 */
class UtcpReconnectAnalysisTest {
    private static final long MS = 1_000_000L;
    private static final int SYN = 1, ACK = 2, FIN = 4, DATA = 16;
    private static final byte A = (byte) 0xA1, B = (byte) 0xB2;

    private final List<Packet> frames = new ArrayList<>();
    private long now = 1_000 * MS;

    @Test
    void aNewSynAfterACleanCloseStartsStreamOneWithNoWarning() {
        open(1000, 5000);
        send(A, 1001, DATA, 100);
        send(A, 1002, FIN, 0);
        send(B, 5001, ACK, 0);
        send(B, 5001, FIN, 0);
        send(A, 1003, ACK, 0);
        now += 5 * MS; // within the peer's 2 s linger
        open(9000, 7000);
        send(A, 9001, DATA, 100);
        send(A, 9002, DATA, 100);

        List<ProtoTree> trees = analyse();
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 1L, 1L, 1L, 1L, 1L, 1L), streams(trees));
        assertTrue(ids(trees.get(9)).contains("utcp.reconnected"), ids(trees.get(9)).toString());
        for (ProtoTree t : trees) assertTrue(warnings(t).isEmpty(), warnings(t).toString());
    }

    @Test
    void aNewSynWhileItsSenderTalksIsAWarningAndChangesNothing() {
        open(1000, 5000);
        send(A, 1001, DATA, 100);
        now += 100 * MS;
        send(A, 3000, SYN, 0);  // a second process with the same key, say
        now += 100 * MS;
        send(A, 1002, DATA, 100);
        send(A, 1003, DATA, 100);

        List<ProtoTree> trees = analyse();
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L), streams(trees));
        assertEquals(List.of("utcp.syn_changed"), warnings(trees.get(5)));
        for (int i = 6; i < trees.size(); i++) assertTrue(warnings(trees.get(i)).isEmpty(), "the stream goes on from seq 1001: " + warnings(trees.get(i)));
    }

    @Test
    void aRestartedSenderIsANewStreamOnceItWasSilentForASecond() {
        open(1000, 5000);
        send(A, 1001, DATA, 100);
        send(A, 1002, DATA, 100); // then the sender is killed: no FIN
        long killed = now;
        for (long at : new long[]{50, 150, 350, 750, 1550}) { // its next run's SYN, repeated with backoff
            now = killed + at * MS;
            send(A, 4000, SYN, 0);
        }
        send(B, 6000, SYN, 0);
        send(A, 4000 + 1, ACK, 0);

        List<ProtoTree> trees = analyse();
        // Frames 7-10: SYNs less than a second after the sender was last heard; frame 11 (1.55 s): a new stream.
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 1L, 1L, 1L), streams(trees));
        for (int i = 6; i < 10; i++) assertEquals(List.of("utcp.syn_changed"), warnings(trees.get(i)), "frame " + (i + 1));
        assertTrue(ids(trees.get(10)).contains("utcp.reconnected"));
        assertTrue(warnings(trees.get(10)).isEmpty() && warnings(trees.get(12)).isEmpty());
    }

    // ---- frames by hand

    /** SYN each way and the ACKs: A's direction starts at {@code a}, B's at {@code b}. */
    private void open(long a, long b) {
        send(A, a, SYN, 0);
        send(B, b, SYN, 0);
        send(B, b + 1, ACK, 0);
        send(A, a + 1, ACK, 0);
    }

    private void send(byte from, long seq, int flags, int payload) {
        byte to = from == A ? B : A;
        ByteBuffer f = ByteBuffer.allocate(Math.max(60, 14 + 40 + payload));
        f.put(new byte[]{2, 0, 0, 0, 0, to}).put(new byte[]{2, 0, 0, 0, 0, from}).putShort((short) 0x88B5);
        for (int i = 0; i < 16; i++) f.put(from);
        for (int i = 0; i < 16; i++) f.put(to);
        f.putInt((int) seq).putShort((short) flags).putShort((short) payload);
        for (int i = 0; i < payload; i++) f.put((byte) 0xEE); // not an SBI message start: a raw byte stream here
        now += MS / 10;
        frames.add(Packet.of(frames.size() + 1, now, f.array()));
    }

    private List<ProtoTree> analyse() {
        CaptureAnalysis analysis = CaptureAnalysis.singlePass(new AnalysisConfig(null, false));
        Dissector d = new Dissector();
        List<ProtoTree> trees = new ArrayList<>();
        long first = frames.getFirst().timestampNanos(), prev = first;
        for (Packet p : frames) {
            ProtoTree t = new ProtoTree();
            d.dissect(p, new FrameTiming(first, prev), analysis, t);
            trees.add(t);
            prev = p.timestampNanos();
        }
        List<Expert> end = analysis.finish();
        assertTrue(end.stream().noneMatch(e -> e.id().startsWith("utcp.tap_loss")), end.toString());
        return trees;
    }

    private static List<Long> streams(List<ProtoTree> trees) {
        return trees.stream().map(t -> t.find(UtcpFields.STREAM).getFirst().number()).toList();
    }

    private static List<String> ids(ProtoTree t) {
        return t.experts().stream().map(n -> n.expert().id()).toList();
    }

    private static List<String> warnings(ProtoTree t) {
        // Chat findings aside; the payloads are no SBI messages (0xEE bytes), so SBI's findings are left out too.
        return ids(t).stream().filter(id -> !List.of("utcp.reconnected", "utcp.opened", "utcp.closed", "utcp.fin_acked").contains(id)
                && !id.startsWith("sbi.")).toList();
    }
}
