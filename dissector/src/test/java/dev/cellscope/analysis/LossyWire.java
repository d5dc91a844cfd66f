package dev.cellscope.analysis;

import dev.cellscope.crypto.SchemaFingerprints;
import dev.cellscope.field.UtcpFields;
import dev.cellscope.io.Packet;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.EthernetHeader;
import dev.cellscope.wire.LinkLayouts;
import dev.cellscope.wire.NackRange;
import dev.cellscope.wire.SbiBlockPut;
import dev.cellscope.wire.SbiMessage;
import dev.cellscope.wire.UtcpHeader;
import dev.cellscope.wire.UtcpNack;
import dev.cellscope.wire.UtcpPacket;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A sender, a lossy/reordering/duplicating wire and a receiver, simulated with the project's
 * codecs and a fixed seed, recording what the tap saw and the truth about every frame: the
 * ground truth the analysis tests check against. The tap sits at the receiver's side of the
 * wire (it sees what the receiver gets), unless {@code tapDrop} makes it miss frames the
 * receiver did get.
 */
final class LossyWire {
    static final byte[] A = cell(0x11), B = cell(0x22);
    static final long MAC_A = 0x020000000001L, MAC_B = 0x020000000002L;

    enum Kind { ORIGINAL, DUPLICATE, RETRANSMISSION, NACK, SYN }

    /** A frame as the tap recorded it, with what the simulation knows about it. */
    record TapFrame(long number, long timeNanos, byte[] bytes, Kind kind, long seq, boolean reordered) {
        Packet packet() {
            return new Packet(number, timeNanos, 0, 1, bytes.length, MemorySegment.ofArray(bytes), null);
        }
    }

    /** A message the sender sent: its bytes, msg index, and the seqs that carried it. */
    record SentMessage(int index, byte[] bytes, long firstSeq, long lastSeq) {}

    final List<TapFrame> tap = new ArrayList<>();
    final List<SentMessage> messages = new ArrayList<>();
    /** Seqs the tap never saw although the receiver got them. */
    final List<Long> tapMissed = new ArrayList<>();

    private final Random rnd;
    private final double loss, reorder, duplicate, tapDrop;
    private long now = 1_000_000_000_000L;

    LossyWire(long seed, double loss, double reorder, double duplicate, double tapDrop) {
        this.rnd = new Random(seed);
        this.loss = loss;
        this.reorder = reorder;
        this.duplicate = duplicate;
        this.tapDrop = tapDrop;
    }

    static byte[] cell(int fill) {
        byte[] b = new byte[16];
        java.util.Arrays.fill(b, (byte) fill);
        return b;
    }

    /** Messages of random sizes (small ones share packets, big ones span many). */
    static List<byte[]> randomMessages(Random rnd, int count) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int size = switch (rnd.nextInt(4)) {
                case 0 -> 1 + rnd.nextInt(60);
                case 1 -> 200 + rnd.nextInt(1200);
                case 2 -> 1500 + rnd.nextInt(6000);
                default -> 10_000 + rnd.nextInt(30_000);
            };
            byte[] data = new byte[size];
            rnd.nextBytes(data);
            byte[] hash = new byte[32];
            rnd.nextBytes(hash);
            out.add(SbiMessage.of(new SbiBlockPut(Bytes.of(hash), i, 0, 0, Bytes.of(data)),
                    Bytes.of(SchemaFingerprints.forOp(0x11))).encode());
        }
        return out;
    }

    /**
     * Sends the messages as one stream in packets of at most {@code mss} payload bytes, through
     * the wire; the receiver NACKs missing seqs once it has seen {@code reorderWindow} later ones,
     * and the sender re-sends them.
     */
    void run(List<byte[]> payloadMessages, int mss, int reorderWindow) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        long seq = 1001;
        int at = 0;
        for (int i = 0; i < payloadMessages.size(); i++) {
            byte[] m = payloadMessages.get(i);
            long first = 1001 + at / mss;
            at += m.length;
            messages.add(new SentMessage(i, m, first, 1001 + (at - 1) / mss));
            stream.writeBytes(m);
        }
        byte[] all = stream.toByteArray();
        List<byte[]> payloads = new ArrayList<>();
        for (int off = 0; off < all.length; off += mss) payloads.add(java.util.Arrays.copyOfRange(all, off, Math.min(all.length, off + mss)));

        emit(utcp(A, B, 1000, UtcpFields.SYN, new byte[0]), Kind.SYN, 1000, false);
        long highestReceived = 1000;
        java.util.TreeSet<Long> received = new java.util.TreeSet<>();
        java.util.TreeSet<Long> nacked = new java.util.TreeSet<>();
        TapFrame held = null; // a packet delayed behind the next one
        for (int i = 0; i < payloads.size(); i++) {
            long s = seq + i;
            byte[] frame = utcp(A, B, s, UtcpFields.DATA, payloads.get(i));
            if (rnd.nextDouble() < loss) {
                // lost on the wire before the tap and the receiver
            } else if (held == null && rnd.nextDouble() < reorder) {
                held = new TapFrame(0, 0, frame, Kind.ORIGINAL, s, true);
                continue;
            } else {
                deliver(frame, Kind.ORIGINAL, s, false, received);
                if (rnd.nextDouble() < duplicate) deliver(frame, Kind.DUPLICATE, s, false, received);
            }
            if (held != null) {
                deliver(held.bytes(), Kind.ORIGINAL, held.seq(), true, received);
                held = null;
            }
            highestReceived = Math.max(highestReceived, received.isEmpty() ? 1000 : received.last());
            // Receiver: NACK what is missing once later seqs show it is not merely late.
            List<NackRange> missing = new ArrayList<>();
            for (long m = seq; m < highestReceived - reorderWindow; m++) {
                if (!received.contains(m) && !nacked.contains(m)) {
                    missing.add(new NackRange(m, 1));
                    nacked.add(m);
                }
            }
            if (!missing.isEmpty()) {
                emit(utcp(B, A, 5001, UtcpFields.NACK, new UtcpNack(missing).encode()), Kind.NACK, -1, false);
                for (NackRange r : missing) {
                    long m = r.first();
                    byte[] again = utcp(A, B, m, UtcpFields.DATA, payloads.get((int) (m - seq)));
                    deliver(again, Kind.RETRANSMISSION, m, false, received);
                }
            }
        }
        if (held != null) deliver(held.bytes(), Kind.ORIGINAL, held.seq(), true, received);
        // The tail: anything still missing is NACKed and re-sent.
        List<NackRange> missing = new ArrayList<>();
        for (long m = seq; m < seq + payloads.size(); m++) if (!received.contains(m) && !nacked.contains(m)) missing.add(new NackRange(m, 1));
        if (!missing.isEmpty()) {
            emit(utcp(B, A, 5001, UtcpFields.NACK, new UtcpNack(missing).encode()), Kind.NACK, -1, false);
            for (NackRange r : missing) deliver(utcp(A, B, r.first(), UtcpFields.DATA, payloads.get((int) (r.first() - seq))),
                    Kind.RETRANSMISSION, r.first(), false, received);
        }
    }

    private void deliver(byte[] frame, Kind kind, long seq, boolean reordered, java.util.Set<Long> received) {
        received.add(seq);
        if (kind == Kind.ORIGINAL && rnd.nextDouble() < tapDrop) {
            tapMissed.add(seq);
            now += 20_000;
            return;
        }
        emit(frame, kind, seq, reordered);
    }

    private void emit(byte[] frame, Kind kind, long seq, boolean reordered) {
        now += 20_000; // 20 µs apart
        tap.add(new TapFrame(tap.size() + 1, now, frame, kind, seq, reordered));
    }

    static byte[] utcp(byte[] src, byte[] dst, long seq, long flags, byte[] payload) {
        byte[] p = new UtcpPacket(new UtcpHeader(Bytes.of(src), Bytes.of(dst), seq, (int) flags, payload.length), Bytes.of(payload)).encode();
        boolean ab = src == A;
        EthernetHeader eth = new EthernetHeader(ab ? MAC_B : MAC_A, ab ? MAC_A : MAC_B, LinkLayouts.ETHERTYPE_CELL);
        byte[] f = new byte[Math.max(60, 14 + p.length)];
        eth.encodeTo(MemorySegment.ofArray(f), 0);
        System.arraycopy(p, 0, f, 14, p.length);
        return f;
    }
}
