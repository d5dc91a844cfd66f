package dev.cellscope.analysis;

import dev.cellscope.crypto.SchemaFingerprints;
import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.VirtualScheduler;
import dev.cellscope.endpoint.sim.Fate;
import dev.cellscope.endpoint.sim.FaultModel;
import dev.cellscope.endpoint.sim.MemoryWire;
import dev.cellscope.field.UtcpFields;
import dev.cellscope.io.Packet;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.Decoded;
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
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A UTCP transfer between a sender and a receiver built with the project's codecs, over the
 * endpoint's seeded simulated wire ({@link MemoryWire}), which decides every frame's fate (lost,
 * held back, duplicated): this harness records what the tap saw and the truth about every frame,
 * the ground truth the analysis tests check against. The tap sits at the receiver's side of the wire (it
 * sees what the receiver gets, and what the receiver sends), unless {@code tapDrop} makes it miss
 * frames the receiver did get.
 *
 * <p>Timing: the sender puts a DATA frame on the wire every 20 µs; the wire carries it in 1 µs,
 * holds a reordered frame back 30 µs (so exactly the next frame sent passes it) and delivers a
 * duplicate 5 µs after its original. The repair path (SYN, NACKs, re-sends) crosses without
 * faults, so one NACK repairs each loss, and a re-send arrives right after the NACK that asked
 * for it (2 µs), before any other frame.
 */
final class LossyTransfer {
    static final byte[] A = cell(0x11), B = cell(0x22);
    static final long MAC_A = 0x020000000001L, MAC_B = 0x020000000002L;
    /** Wire port names: the sender and the receiver. */
    private static final String SENDER = "A", RECEIVER = "B";
    static final long START_NANOS = 1_000_000_000_000L, SPACING_NANOS = 20_000;

    enum Kind { ORIGINAL, DUPLICATE, RETRANSMISSION, NACK, SYN, FIN, ACK, ANSWER }

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
    /** Seqs whose original the tap misses, whatever {@code tapDrop} says (tap-loss scenarios). */
    final Set<Long> tapDrops = new HashSet<>();
    /** The sender closes with a FIN once everything is delivered; the receiver ACKs it. */
    boolean closeWithFin;
    /**
     * The receiver answers every message with an SBI ACK (ref_seq = its msg_index) on its own
     * direction as soon as it has the stream up to the message's end, as a peer ACKs each BLOCK_PUT.
     */
    boolean answerMessages;

    private final VirtualScheduler scheduler = new VirtualScheduler(START_NANOS);
    private final FaultModel lossy, repair;
    private final MemoryWire wire;
    /** The tap's own misses: not the wire's doing, so not the wire's random stream. */
    private final Random tapRandom;
    private final double tapDrop;

    LossyTransfer(long seed, double loss, double reorder, double duplicate, double tapDrop) {
        this.lossy = new FaultModel(loss, reorder, duplicate, 0, 0, 1_000, 0, 30_000, 5_000);
        this.repair = lossy.withLoss(0).withReorder(0).withDuplicate(0);
        this.wire = new MemoryWire(scheduler, lossy, seed);
        this.tapRandom = new Random(seed);
        this.tapDrop = tapDrop;
    }

    static byte[] cell(int fill) {
        byte[] b = new byte[16];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    /**
     * BLOCK_PUTs whose block_hash is BLAKE3 of their (uncompressed) data, except the message at
     * {@code corrupt}, whose hash is of other data (-1: none); each {@code size} bytes long
     * (envelope included), or of random sizes when 0.
     */
    static List<byte[]> verifiableMessages(Random rnd, int count, int size, int corrupt) {
        List<byte[]> out = new ArrayList<>();
        int overhead = SbiMessage.of(new SbiBlockPut(Bytes.of(new byte[32]), 0, 0, 0, Bytes.of(new byte[0])),
                Bytes.of(SchemaFingerprints.forOp(0x11))).encode().length;
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[size > 0 ? size - overhead : 100 + rnd.nextInt(3000)];
            rnd.nextBytes(data);
            byte[] hash = dev.cellscope.crypto.Blake3.hash(i == corrupt ? Arrays.copyOf(data, data.length + 1) : data);
            out.add(SbiMessage.of(new SbiBlockPut(Bytes.of(hash), i, 0, 0, Bytes.of(data)),
                    Bytes.of(SchemaFingerprints.forOp(0x11))).encode());
        }
        return out;
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
     * the wire; the receiver NACKs missing seqs once it has seen {@code reorderWindow} later ones
     * (and, at the end, whatever is still missing), and the sender re-sends them.
     */
    void run(List<byte[]> payloadMessages, int mss, int reorderWindow) {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        long seq = 1001;
        int at = 0;
        for (int i = 0; i < payloadMessages.size(); i++) {
            byte[] m = payloadMessages.get(i);
            long first = seq + at / mss;
            at += m.length;
            messages.add(new SentMessage(i, m, first, seq + (at - 1) / mss));
            stream.writeBytes(m);
        }
        byte[] all = stream.toByteArray();
        List<byte[]> payloads = new ArrayList<>();
        for (int off = 0; off < all.length; off += mss) payloads.add(Arrays.copyOfRange(all, off, Math.min(all.length, off + mss)));

        Link<String> sender = wire.port(SENDER), receiver = wire.port(RECEIVER);
        Set<Long> resent = new HashSet<>(), lostOnWire = new HashSet<>();
        Receiver r = new Receiver(receiver, seq, reorderWindow);
        wire.onSend((time, from, to, frame, faults) -> {
            if (from.equals(RECEIVER)) {
                long flags = header(frame).flags();
                emit(time, frame, (flags & UtcpFields.DATA) != 0 ? Kind.ANSWER : (flags & UtcpFields.NACK) != 0 ? Kind.NACK : Kind.ACK, -1, false);
            }
            else if (faults.contains(Fate.DROPPED)) lostOnWire.add(header(frame).seq());
        });
        wire.onWire((time, from, to, frame, fate) -> {
            if (to.equals(RECEIVER) && fate != Fate.DROPPED) tapArrival(time, frame, fate, resent);
        });
        receiver.onReceive((from, frame) -> r.receive(frame));
        sender.onReceive((from, frame) -> {
            if ((header(frame).flags() & UtcpFields.NACK) == 0) return; // an ACK or an SBI answer
            // A NACK: re-send each seq it names.
            for (NackRange range : nackRanges(frame)) {
                for (long m = range.first(); m < range.first() + range.count(); m++) {
                    // The truth below holds only if the receiver never NACKs a frame still on its way.
                    if (!lostOnWire.contains(m)) throw new AssertionError("seq " + m + " NACKed while still on the wire");
                    resent.add(m);
                    sendRepair(sender, RECEIVER, utcp(A, B, m, UtcpFields.DATA, payloads.get((int) (m - seq))));
                }
            }
        });

        sendRepair(sender, RECEIVER, utcp(A, B, seq - 1, UtcpFields.SYN, new byte[0]));
        for (int i = 0; i < payloads.size(); i++) {
            byte[] frame = utcp(A, B, seq + i, UtcpFields.DATA, payloads.get(i));
            scheduler.schedule(SPACING_NANOS * (i + 1), () -> sender.send(RECEIVER, frame));
        }
        scheduler.runUntilIdle();
        // The tail: anything still missing is NACKed and re-sent.
        r.nackMissingBelow(seq + payloads.size());
        scheduler.runUntilIdle();
        if (closeWithFin) {
            sendRepair(sender, RECEIVER, utcp(A, B, seq + payloads.size(), UtcpFields.FIN, new byte[0]));
            scheduler.runUntilIdle();
        }
    }

    /** The receiver: NACKs each missing seq once, as soon as {@code reorderWindow} later seqs show it is not merely late. */
    private final class Receiver {
        private final Link<String> port;
        private final int reorderWindow;
        private final Set<Long> received = new HashSet<>(), nacked = new HashSet<>();
        private long highest;
        /** Every seq below this one was received or NACKed. */
        private long settledBelow;
        private final long settledFirst;

        Receiver(Link<String> port, long firstSeq, int reorderWindow) {
            this.port = port;
            this.reorderWindow = reorderWindow;
            this.highest = firstSeq - 1;
            this.settledBelow = firstSeq;
            this.settledFirst = firstSeq;
        }

        /** The receiver's own direction (its SBI answers), and the next message to answer. */
        private long ownSeq = 5001;
        private int nextAnswer;

        void receive(byte[] frame) {
            UtcpHeader h = header(frame);
            if ((h.flags() & UtcpFields.FIN) != 0) {
                // Everything before the FIN is here (the repair path is fault-free): ACK it.
                sendRepair(port, SENDER, utcp(B, A, ownSeq, UtcpFields.ACK, new byte[0]));
                return;
            }
            if ((h.flags() & UtcpFields.DATA) == 0) return;
            received.add(h.seq());
            highest = Math.max(highest, h.seq());
            nackMissingBelow(highest - reorderWindow);
            if (answerMessages) answer();
        }

        /** Answers each message whose every seq up to its end has arrived, in order. */
        private void answer() {
            while (nextAnswer < messages.size()) {
                SentMessage m = messages.get(nextAnswer);
                for (long s = settledFirst; s <= m.lastSeq(); s++) if (!received.contains(s)) return;
                byte[] ack = SbiMessage.of(new dev.cellscope.wire.SbiAck(m.index(), 0),
                        Bytes.of(SchemaFingerprints.forOp(dev.cellscope.wire.SbiLayouts.OP_ACK))).encode();
                if (ownSeq == 5001) sendRepair(port, SENDER, utcp(B, A, ownSeq - 1, UtcpFields.SYN, new byte[0]));
                sendRepair(port, SENDER, utcp(B, A, ownSeq++, UtcpFields.DATA, ack));
                nextAnswer++;
            }
        }

        void nackMissingBelow(long end) {
            List<NackRange> missing = new ArrayList<>();
            for (long m = settledBelow; m < end; m++) {
                if (!received.contains(m) && nacked.add(m)) missing.add(new NackRange(m, 1));
            }
            settledBelow = Math.max(settledBelow, end);
            if (!missing.isEmpty()) sendRepair(port, SENDER, utcp(B, A, 5001, UtcpFields.NACK, new UtcpNack(missing).encode()));
        }
    }

    /** Sends on the repair path: no loss, reordering or duplication. */
    private void sendRepair(Link<String> port, String to, byte[] frame) {
        wire.faults(repair);
        port.send(to, frame);
        wire.faults(lossy);
    }

    /** A copy that reached the receiver, as the tap at its side saw it (or missed it). */
    private void tapArrival(long time, byte[] frame, Fate fate, Set<Long> resent) {
        UtcpHeader h = header(frame);
        Kind kind = (h.flags() & UtcpFields.SYN) != 0 ? Kind.SYN
                : fate == Fate.DUPLICATED ? Kind.DUPLICATE
                // Only a lost seq is NACKed (checked where the NACK is answered), so its one copy is the re-send.
                : resent.contains(h.seq()) ? Kind.RETRANSMISSION
                : Kind.ORIGINAL;
        if ((h.flags() & UtcpFields.FIN) != 0) kind = Kind.FIN;
        if (kind == Kind.ORIGINAL && (tapDrops.contains(h.seq()) || tapRandom.nextDouble() < tapDrop)) {
            tapMissed.add(h.seq());
            return;
        }
        emit(time, frame, kind, h.seq(), fate == Fate.DELAYED);
    }

    private void emit(long time, byte[] frame, Kind kind, long seq, boolean reordered) {
        tap.add(new TapFrame(tap.size() + 1, time, frame, kind, seq, reordered));
    }

    private static UtcpHeader header(byte[] frame) {
        if (!(UtcpPacket.decode(MemorySegment.ofArray(frame), 14, frame.length - 14)
                instanceof Decoded.Ok<UtcpPacket>(UtcpPacket p, int size))) {
            throw new AssertionError("the harness sent a frame that does not decode");
        }
        return p.header();
    }

    private static List<NackRange> nackRanges(byte[] frame) {
        var d = UtcpPacket.decode(MemorySegment.ofArray(frame), 14, frame.length - 14);
        if (!(d instanceof Decoded.Ok<UtcpPacket>(UtcpPacket p, int size))
                || !(UtcpNack.decode(p.payload().toArray()) instanceof Decoded.Ok<UtcpNack>(UtcpNack nack, int n))) {
            throw new AssertionError("the harness sent a NACK that does not decode");
        }
        return nack.ranges();
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
