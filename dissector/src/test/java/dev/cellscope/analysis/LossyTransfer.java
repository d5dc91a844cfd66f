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
 *
 * <p>{@link #runBoth} sends a stream each way at once (B's starts 10 µs after A's), each from
 * its own initial seq (a position; the wire carries it mod 2^32, so a stream may cross the wrap):
 * the tap then sees each stream at its receiver's side and each NACK as it is sent. Seqs in
 * {@link TapFrame} and {@link SentMessage} are positions (never wrapped), the ground truth.
 */
final class LossyTransfer {
    static final byte[] A = cell(0x11), B = cell(0x22);
    static final long MAC_A = 0x020000000001L, MAC_B = 0x020000000002L;
    /** Wire port names: the sender and the receiver. */
    private static final String SENDER = "A", RECEIVER = "B";
    static final long START_NANOS = 1_000_000_000_000L, SPACING_NANOS = 20_000;

    enum Kind { ORIGINAL, DUPLICATE, RETRANSMISSION, NACK, SYN, FIN, ACK, ANSWER }

    /** A frame as the tap recorded it, with what the simulation knows about it. */
    record TapFrame(long number, long timeNanos, byte[] bytes, Kind kind, long seq, boolean reordered, boolean fromB) {
        Packet packet() {
            return new Packet(number, timeNanos, 0, 1, bytes.length, MemorySegment.ofArray(bytes), null);
        }
    }

    /** A message the sender sent: its bytes, msg index, and the seqs that carried it. */
    record SentMessage(int index, byte[] bytes, long firstSeq, long lastSeq) {}

    final List<TapFrame> tap = new ArrayList<>();
    final List<SentMessage> messages = new ArrayList<>();
    /** With {@link #runBoth}: the messages B sent. */
    final List<SentMessage> messagesFromB = new ArrayList<>();
    /** Seqs the tap never saw although the receiver got them. */
    final List<Long> tapMissed = new ArrayList<>();
    private final List<Stream> streams = new ArrayList<>();
    /** Positions whose original the tap misses, whatever {@code tapDrop} says (tap-loss scenarios). */
    final Set<Long> tapDrops = new HashSet<>();
    /** With {@link #run}: the sender closes with a FIN once everything is delivered; the receiver ACKs it. */
    boolean closeWithFin;
    /**
     * With {@link #run}: the receiver answers every message with an SBI ACK (ref_seq = its msg_index) on its own
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

    /**
     * Sends the messages as one stream in packets of at most {@code mss} payload bytes, through
     * the wire; the receiver NACKs missing seqs once it has seen {@code reorderWindow} later ones
     * (and, at the end, whatever is still missing), and the sender re-sends them.
     */
    void run(List<byte[]> payloadMessages, int mss, int reorderWindow) {
        streams.add(new Stream(SENDER, RECEIVER, A, B, 1001, payloadMessages, mss, reorderWindow, messages, 0));
        go();
    }

    /**
     * A stream each way: A sends {@code fromA} starting at DATA seq {@code firstA}, B sends
     * {@code fromB} starting at {@code firstB} (10 µs later); each receiver NACKs as in {@link #run}.
     */
    void runBoth(long firstA, List<byte[]> fromA, long firstB, List<byte[]> fromB, int mss, int reorderWindow) {
        streams.add(new Stream(SENDER, RECEIVER, A, B, firstA, fromA, mss, reorderWindow, messages, 0));
        streams.add(new Stream(RECEIVER, SENDER, B, A, firstB, fromB, mss, reorderWindow, messagesFromB, 10_000));
        go();
    }

    private Stream streamFrom(String port) {
        Stream st = streamOrNull(port);
        if (st == null) throw new AssertionError("no stream from " + port);
        return st;
    }

    /** The stream a port sends, or null when it only answers (its ACKs and SBI answers in {@link #run}). */
    private Stream streamOrNull(String port) {
        for (Stream st : streams) if (st.from.equals(port)) return st;
        return null;
    }

    private void go() {
        wire.onSend((time, from, to, frame, faults) -> {
            UtcpHeader h = header(frame);
            if ((h.flags() & UtcpFields.NACK) != 0) emit(time, frame, Kind.NACK, -1, false, from.equals(RECEIVER));
            else if (streamOrNull(from) == null) {
                emit(time, frame, (h.flags() & UtcpFields.DATA) != 0 ? Kind.ANSWER : Kind.ACK, -1, false, from.equals(RECEIVER));
            } else if (faults.contains(Fate.DROPPED)) {
                Stream st = streamFrom(from);
                st.lostOnWire.add(st.position(h.seq()));
            }
        });
        wire.onWire((time, from, to, frame, fate) -> {
            if (fate != Fate.DROPPED && (header(frame).flags() & UtcpFields.NACK) == 0 && streamOrNull(from) != null) {
                tapArrival(time, frame, fate, streamFrom(from));
            }
        });
        for (String port : List.of(SENDER, RECEIVER)) {
            wire.port(port).onReceive((from, frame) -> {
                if ((header(frame).flags() & UtcpFields.NACK) != 0) streamFrom(port).nacked(frame);
                else if (streamOrNull(from) != null) streamFrom(from).receiver.receive(frame); // else an ACK or an SBI answer
            });
        }
        for (Stream st : streams) st.start();
        scheduler.runUntilIdle();
        // The tail: anything still missing is NACKed and re-sent.
        for (Stream st : streams) st.receiver.nackMissingBelow(st.seq + st.payloads.size());
        scheduler.runUntilIdle();
        if (closeWithFin) {
            Stream st = streams.getFirst();
            sendRepair(wire.port(st.from), st.to, utcp(st.src, st.dst, st.seq + st.payloads.size(), UtcpFields.FIN, new byte[0]));
            scheduler.runUntilIdle();
        }
    }

    /** One direction's transfer: its sender, its payloads, and the receiver that NACKs its losses. */
    private final class Stream {
        final String from, to;
        final byte[] src, dst;
        final long seq;
        final long startNanos;
        final List<byte[]> payloads = new ArrayList<>();
        final Set<Long> resent = new HashSet<>(), lostOnWire = new HashSet<>();
        final Receiver receiver;
        int sent;

        Stream(String from, String to, byte[] src, byte[] dst, long seq, List<byte[]> payloadMessages, int mss, int reorderWindow,
               List<SentMessage> record, long startNanos) {
            this.from = from;
            this.to = to;
            this.src = src;
            this.dst = dst;
            this.seq = seq;
            this.startNanos = startNanos;
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            int at = 0;
            for (int i = 0; i < payloadMessages.size(); i++) {
                byte[] m = payloadMessages.get(i);
                long first = seq + at / mss;
                at += m.length;
                record.add(new SentMessage(i, m, first, seq + (at - 1) / mss));
                stream.writeBytes(m);
            }
            byte[] all = stream.toByteArray();
            for (int off = 0; off < all.length; off += mss) payloads.add(Arrays.copyOfRange(all, off, Math.min(all.length, off + mss)));
            receiver = new Receiver(this, reorderWindow);
        }

        /** The position of a wire seq of this stream (streams are far shorter than 2^31). */
        long position(long wireSeq) {
            return dev.cellscope.protocol.utcp.UtcpSeq.unwrap(wireSeq, seq);
        }

        /** The seq a packet of the other direction's sender carries when it is only a NACK: this stream's next unused one. */
        long nextUnused() {
            return seq + sent;
        }

        void start() {
            Link<String> port = wire.port(from);
            scheduler.schedule(startNanos, () -> sendRepair(port, to, utcp(src, dst, seq - 1, UtcpFields.SYN, new byte[0])));
            for (int i = 0; i < payloads.size(); i++) {
                byte[] frame = utcp(src, dst, seq + i, UtcpFields.DATA, payloads.get(i));
                scheduler.schedule(startNanos + SPACING_NANOS * (i + 1), () -> {
                    sent++;
                    port.send(to, frame);
                });
            }
        }

        /** A NACK for this stream reached its sender: re-send each seq it names. */
        void nacked(byte[] frame) {
            for (NackRange range : nackRanges(frame)) {
                long first = position(range.first());
                for (long m = first; m < first + range.count(); m++) {
                    // The truth below holds only if the receiver never NACKs a frame still on its way.
                    if (!lostOnWire.contains(m)) throw new AssertionError("seq " + m + " NACKed while still on the wire");
                    resent.add(m);
                    sendRepair(wire.port(from), to, utcp(src, dst, m, UtcpFields.DATA, payloads.get((int) (m - seq))));
                }
            }
        }

        /** The seq the receiving side's NACKs carry: its own stream's next unused seq, or 5001 when it sends none. */
        long nackSeq() {
            for (Stream st : streams) if (st.from.equals(to)) return st.nextUnused();
            return 5001;
        }
    }

    /** The receiver: NACKs each missing seq once, as soon as {@code reorderWindow} later seqs show it is not merely late. */
    private final class Receiver {
        private final Stream stream;
        private final int reorderWindow;
        private final Set<Long> received = new HashSet<>(), nacked = new HashSet<>();
        private long highest;
        /** Every seq below this one was received or NACKed. */
        private long settledBelow;
        private final long settledFirst;
        /** The receiver's own direction (its SBI answers and FIN ACK, in {@link #run}), and the next message to answer. */
        private long ownSeq = 5001;
        private int nextAnswer;

        Receiver(Stream stream, int reorderWindow) {
            this.stream = stream;
            this.reorderWindow = reorderWindow;
            this.highest = stream.seq - 1;
            this.settledBelow = stream.seq;
            this.settledFirst = stream.seq;
        }

        void receive(byte[] frame) {
            UtcpHeader h = header(frame);
            if ((h.flags() & UtcpFields.FIN) != 0) {
                // Everything before the FIN is here (the repair path is fault-free): ACK it.
                sendRepair(wire.port(stream.to), stream.from, utcp(stream.dst, stream.src, ownSeq, UtcpFields.ACK, new byte[0]));
                return;
            }
            if ((h.flags() & UtcpFields.DATA) == 0) return;
            long seq = stream.position(h.seq());
            received.add(seq);
            highest = Math.max(highest, seq);
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
                Link<String> port = wire.port(stream.to);
                if (ownSeq == 5001) sendRepair(port, stream.from, utcp(stream.dst, stream.src, ownSeq - 1, UtcpFields.SYN, new byte[0]));
                sendRepair(port, stream.from, utcp(stream.dst, stream.src, ownSeq++, UtcpFields.DATA, ack));
                nextAnswer++;
            }
        }

        void nackMissingBelow(long end) {
            List<NackRange> missing = new ArrayList<>();
            for (long m = settledBelow; m < end; m++) {
                if (!received.contains(m) && nacked.add(m)) missing.add(new NackRange(dev.cellscope.protocol.utcp.UtcpSeq.wire(m), 1));
            }
            settledBelow = Math.max(settledBelow, end);
            if (!missing.isEmpty()) {
                sendRepair(wire.port(stream.to), stream.from, utcp(stream.dst, stream.src, stream.nackSeq(), UtcpFields.NACK,
                        new UtcpNack(missing).encode()));
            }
        }
    }

    /** Sends on the repair path: no loss, reordering or duplication. */
    private void sendRepair(Link<String> port, String to, byte[] frame) {
        wire.faults(repair);
        port.send(to, frame);
        wire.faults(lossy);
    }

    /** A copy that reached the receiver, as the tap at its side saw it (or missed it). */
    private void tapArrival(long time, byte[] frame, Fate fate, Stream st) {
        UtcpHeader h = header(frame);
        long seq = st.position(h.seq());
        Kind kind = (h.flags() & UtcpFields.SYN) != 0 ? Kind.SYN
                : fate == Fate.DUPLICATED ? Kind.DUPLICATE
                // Only a lost seq is NACKed (checked where the NACK is answered), so its one copy is the re-send.
                : st.resent.contains(seq) ? Kind.RETRANSMISSION
                : Kind.ORIGINAL;
        if ((h.flags() & UtcpFields.FIN) != 0) kind = Kind.FIN;
        if (kind == Kind.ORIGINAL && (tapDrops.contains(seq) || tapRandom.nextDouble() < tapDrop)) {
            tapMissed.add(seq);
            return;
        }
        emit(time, frame, kind, seq, fate == Fate.DELAYED, st.from.equals(RECEIVER));
    }

    private void emit(long time, byte[] frame, Kind kind, long seq, boolean reordered, boolean fromB) {
        tap.add(new TapFrame(tap.size() + 1, time, frame, kind, seq, reordered, fromB));
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
        byte[] p = new UtcpPacket(new UtcpHeader(Bytes.of(src), Bytes.of(dst), dev.cellscope.protocol.utcp.UtcpSeq.wire(seq), (int) flags, payload.length), Bytes.of(payload)).encode();
        boolean ab = src == A;
        EthernetHeader eth = new EthernetHeader(ab ? MAC_B : MAC_A, ab ? MAC_A : MAC_B, LinkLayouts.ETHERTYPE_CELL);
        byte[] f = new byte[Math.max(60, 14 + p.length)];
        eth.encodeTo(MemorySegment.ofArray(f), 0);
        System.arraycopy(p, 0, f, 14, p.length);
        return f;
    }
}
