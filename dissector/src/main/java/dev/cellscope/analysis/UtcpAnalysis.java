package dev.cellscope.analysis;

import dev.cellscope.protocol.utcp.UtcpFlags;
import dev.cellscope.protocol.utcp.UtcpReconnect;
import dev.cellscope.protocol.utcp.UtcpSeq;
import dev.cellscope.expert.Expert;
import dev.cellscope.expert.SbiExperts;
import dev.cellscope.expert.UtcpExperts;
import dev.cellscope.field.UtcpFields;
import dev.cellscope.protocol.sbi.SbiOps;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * UTCP conversations as the tap sees them (PROTOCOLS.md section 2): conversations by CellID
 * pair, each direction's seq space, the classification of every DATA packet (in order, out of
 * order, retransmission, duplicate, after a gap — a NACK decides between retransmission and
 * duplicate, so late packets are never called retransmissions), NACK ranges linked to the
 * retransmissions that answer them, tap loss told from network loss, the SYN/FIN/ACK
 * lifecycle, and each direction's stream handed to the UTCP-SBI parser.
 *
 * <p>Tap loss: a gap that no NACK ever covers and no packet ever fills, while the
 * conversation goes on past {@link Reassembler#PATIENCE_NANOS}, was received by the peer (it
 * would have NACKed otherwise) and missed by the mirror port, as Zeek's capture_loss reasons.
 * The stream's hole is given up sooner when the capture proves the receiver has its packets: it
 * NACKs later seqs but not the hole's, it ACKs the sender's FIN, or it answers (SBI ACK/NACK) a
 * message that ends beyond what the tap could deliver. What is still held at the end goes through
 * the whole analysis then ({@link #released()}); a second pass gives up at once every hole the
 * first pass gave up, so messages after it show on their own frames.
 *
 * <p>Seqs are u32 and wrap: each direction works on positions ({@link UtcpSeq}), unwrapped
 * near the highest seen, exactly as the peer's receive window places them, so the tap and the
 * peer agree across 2^32. Findings show the wire seqs.
 *
 * <p>Memory is bounded: seq history per direction ({@link SeqWindow}), NACK ranges
 * ({@link NackedSeqs}), held out-of-order bytes (per direction in {@link Reassembler}, over the capture in
 * {@link HeldBytesBudget}), gap records and the
 * number of live conversations ({@link #MAX_CONVERSATIONS}, least recently used evicted).
 */
public final class UtcpAnalysis {
    static final int MAX_CONVERSATIONS = 65_536;
    static final int MAX_GAPS = 4_096;
    private static final ValueLayout.OfInt U32_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort U16_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final AnalysisConfig config;
    private final ForwardLinks record;
    private final ForwardLinks links;
    private final SbiAnalysis sbi;
    private final Map<CellPair, Conversation> conversations = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<CellPair, Conversation> eldest) {
            if (size() <= MAX_CONVERSATIONS) return false;
            evicted++;
            for (Direction dir : eldest.getValue().dirs) held.forget(dir);
            return true;
        }
    };
    private int nextStream;
    private long evicted;
    private final LossCounters loss = new LossCounters();
    private long messagesAtEnd;
    private final HeldBytesBudget held;
    /** Holes given up at the per-direction cap, at the capture's budget; messages the budget's give-ups completed elsewhere. */
    private long capGiveUps, budgetGiveUps, budgetMessages;
    private final List<ReleasedMessage> released = new ArrayList<>();

    /**
     * @param record links to remember for a second pass (first pass of -2), or null
     * @param links  links remembered by a first pass (second pass of -2), or null
     */
    public UtcpAnalysis(AnalysisConfig config, SbiAnalysis sbi, ForwardLinks record, ForwardLinks links) {
        this.config = config;
        this.held = new HeldBytesBudget(config.heldBytesBudget());
        this.sbi = sbi;
        this.record = record;
        this.links = links;
    }

    /** Seq-space counters over the whole capture, for the tap-loss report. */
    public static final class LossCounters {
        long dataSeqs, tapLostSeqs, networkLostSeqs, retransmissions, duplicates, outOfOrder, gaps;

        public long dataSeqs() { return dataSeqs; }
        public long tapLostSeqs() { return tapLostSeqs; }
        public long networkLostSeqs() { return networkLostSeqs; }
        public long retransmissions() { return retransmissions; }
        public long duplicates() { return duplicates; }
        public long outOfOrder() { return outOfOrder; }
        public long gaps() { return gaps; }

        /** Percentage of DATA seqs the tap missed (seen + missed = 100%), as Zeek's capture_loss. */
        public double tapLossPercent() {
            long all = dataSeqs + tapLostSeqs;
            return all == 0 ? 0 : 100.0 * tapLostSeqs / all;
        }
    }

    public LossCounters loss() {
        return loss;
    }

    /** SBI messages held behind a hole until the end of the capture. */
    public long messagesAtEnd() {
        return messagesAtEnd;
    }

    /** Those messages, analysed, in the order of the frames that completed them; valid after {@link #finish()}. */
    public List<ReleasedMessage> released() {
        return released;
    }

    public int conversations() {
        return nextStream;
    }

    /** Seqs a gap skipped, and which of them later arrived or were NACKed (exact up to {@link #GAP_BITS} seqs). */
    private static final class Gap {
        static final int GAP_BITS = 4096;
        final long first, end, frame, time;
        final java.util.BitSet filled = new java.util.BitSet(), asked = new java.util.BitSet();
        boolean nacked;

        Gap(long first, long end, long frame, long time) {
            this.first = first;
            this.end = end;
            this.frame = frame;
            this.time = time;
        }

        void fill(long seq) {
            if (seq - first < GAP_BITS) filled.set((int) (seq - first));
        }

        void ask(long from, long to) {
            nacked = true;
            long a = Math.max(from, first), b = Math.min(Math.min(to, end), first + GAP_BITS);
            if (a < b) asked.set((int) (a - first), (int) (b - first));
        }

        /** Seqs never seen and never NACKed: the receiver had them, the tap missed them. */
        long tapLost() {
            java.util.BitSet either = (java.util.BitSet) filled.clone();
            either.or(asked);
            return Math.min(end - first, GAP_BITS) - either.cardinality();
        }

        long networkLost() {
            return asked.cardinality();
        }
    }

    /** One sender → receiver direction. */
    static final class Direction {
        final SeqWindow window = new SeqWindow();
        final NackedSeqs nacked = new NackedSeqs();
        final SbiStreamParser parser = new SbiStreamParser();
        final Reassembler reassembler = new Reassembler(parser);
        final TreeMap<Long, Gap> gaps = new TreeMap<>();
        long highest = -1, synSeq = -1, finSeq = -1, dataPackets;
        /** When this direction's sender was last heard from (capture clock): {@link UtcpReconnect} counts its silence. */
        long lastTs;
        /** The position of the first seq seen, until {@link #highest} takes over as the reference. */
        long anchor = -1;
        boolean finAcked;
        /** The stream was seen from its SYN: its msg_index counts the receiver's messages exactly (until a hole). */
        boolean fromStart;
        final Conversation conv;
        final int side;
        /** What {@link HeldBytesBudget} last counted of this direction; per-direction cap overflows reported. */
        long heldCounted, holeCounted = -1, overflowsSeen;

        Direction(Conversation conv, int side) {
            this.conv = conv;
            this.side = side;
        }

        /**
         * The position of wire seq {@code wire}: unwrapped near the highest seen (as the peer's
         * receive window does). The first seq seen is placed at wire + 2^32, so a seq from before
         * it (late, across the wrap) still has a positive position and -1 stays a sentinel.
         */
        long position(long wire) {
            if (anchor < 0) anchor = wire + UtcpSeq.MODULUS;
            return UtcpSeq.unwrap(wire, highest >= 0 ? highest : anchor);
        }
    }

    static final class Conversation {
        final int index;
        final CellPair pair;
        final Direction[] dirs = {new Direction(this, 0), new Direction(this, 1)};
        final SbiAnalysis.Links sbiLinks = new SbiAnalysis.Links();
        Conversation(int index, CellPair pair) {
            this.index = index;
            this.pair = pair;
        }

        /** Direction {@code d}'s sender CellID then its receiver's (direction 0 sends from the pair's first). */
        MemorySegment cellIds(int d) {
            MemorySegment ids = MemorySegment.ofArray(new byte[32]);
            ValueLayout.OfLong be = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
            long[] v = d == 0 ? new long[]{pair.aHi(), pair.aLo(), pair.bHi(), pair.bLo()} : new long[]{pair.bHi(), pair.bLo(), pair.aHi(), pair.aLo()};
            for (int i = 0; i < 4; i++) ids.set(be, 8L * i, v[i]);
            return ids;
        }
    }

    /** First pass: every hole given up is recorded; second pass: those holes are given up at once. */
    private void logHoles(Conversation conv) {
        if (record == null && links == null) return;
        for (int d = 0; d < 2; d++) {
            int stream = conv.index, direction = d;
            conv.dirs[d].reassembler.log(new Reassembler.HoleLog() {
                @Override
                public void gaveUp(long from, long to) {
                    if (record != null) record.holeGivenUp(stream, direction, from, to);
                }

                @Override
                public long lostUntil(long from) {
                    return links == null ? -1 : links.holeGivenUpUntil(stream, direction, from);
                }

                @Override
                public boolean knows() {
                    return links != null;
                }
            });
        }
    }

    /**
     * Analyses one UTCP packet. {@code off} is where its 40-byte header starts in {@code seg};
     * {@code present} payload bytes follow it.
     */
    public UtcpVerdict observe(long frame, long ts, MemorySegment seg, long off, int present, int payloadFrameOffset) {
        CellPair pair = CellPair.of(seg, off, off + 16);
        Conversation conv = conversations.get(pair);
        List<Expert> findings = new ArrayList<>(0);
        if (conv == null) {
            conv = new Conversation(nextStream++, pair);
            conversations.put(pair, conv);
            logHoles(conv);
            addressBook(seg, off, findings);
            if (evicted > 0 && evicted % 10_000 == 1) {
                findings.add(new Expert(UtcpExperts.CONVERSATION_FLOOD, "More than " + MAX_CONVERSATIONS
                        + " live conversations: the oldest are forgotten (possible scan or flood)"));
            }
        }
        int d = pair.forward(seg, off) ? 0 : 1;
        long wireSeq = seg.get(U32_BE, off + 32) & UtcpSeq.MASK;
        int flags = seg.get(U16_BE, off + 36) & 0xFFFF;
        Direction dir = conv.dirs[d];
        boolean newIsn = (flags & UtcpFlags.SYN) != 0 && dir.synSeq >= 0 && UtcpSeq.wire(dir.synSeq) != wireSeq;
        if (newIsn && UtcpReconnect.replaces(UtcpSeq.wire(dir.synSeq), wireSeq, dir.finSeq >= 0, ts - dir.lastTs)) {
            conv = reconnect(conv, findings);
            dir = conv.dirs[d];
            newIsn = false;
        }
        // A SYN of a next connection that does not replace this one is not news from its sender (the peer's rule).
        if (!newIsn) dir.lastTs = ts;
        Direction peer = conv.dirs[1 - d];
        long seq = dir.position(wireSeq);
        long payload = off + 40;
        // Snaplen cut the payload (DECISIONS.md, "Snaplen"): its bytes are unknown, not short.
        boolean whole = present >= (seg.get(U16_BE, off + 38) & 0xFFFF);

        Classification c = new Classification();
        if ((flags & UtcpFlags.SYN) != 0) syn(dir, seq, findings);
        // A NACK that is not whole 8-byte ranges is malformed: the peer's codec refuses it (UtcpNack.decode), so it asks
        // for nothing and owes no re-send.
        if ((flags & UtcpFlags.NACK) != 0 && (seg.get(U16_BE, off + 38) & 0xFFFF) % 8 == 0) nack(peer, frame, ts, seg, payload, present);
        if ((flags & UtcpFlags.ACK) != 0 && peer.finSeq >= 0 && !peer.finAcked) {
            peer.finAcked = true;
            findings.add(new Expert(UtcpExperts.FIN_ACKED, "FIN acknowledged"));
            // A receiver ACKs a FIN only once it has every seq before it: the holes left were the tap's.
            peer.reassembler.settleBelow(peer.finSeq, frame);
        }
        if ((flags & UtcpFlags.DATA) != 0) {
            classify(dir, frame, ts, seq, whole ? PayloadHash.of(seg, payload, present) : PayloadHash.UNKNOWN, c, findings);
            if (dir.finSeq >= 0 && seq > dir.finSeq) {
                findings.add(new Expert(UtcpExperts.DATA_AFTER_FIN, "DATA at seq " + UtcpSeq.wire(seq) + " after this direction's FIN at " + UtcpSeq.wire(dir.finSeq)));
            }
            boolean taken = !whole ? dir.reassembler.uncaptured(seq, frame, ts)
                    : present > 0 && dir.reassembler.data(seq, seg, payload, present, frame, payloadFrameOffset, ts);
            if (!taken && present > 0 && whole && !c.retransmission && !c.duplicate) {
                findings.add(new Expert(UtcpExperts.PAYLOAD_LATE, "Payload arrived after its place in the stream was given up"));
            }
        }
        if ((flags & UtcpFlags.FIN) != 0) fin(dir, frame, ts, seq, c, findings);
        expireGaps(dir, ts);
        boundHeldBytes(dir, peer, frame, ts, findings);

        List<SbiMessageAnalysis> messages = sbi.messages(conv.sbiLinks, d, frame, ts, dir.parser.takeDelivered(), findings);
        findings.addAll(dir.parser.takeFindings());
        for (SbiMessageAnalysis m : messages) answered(peer, SbiAnalysis.refSeq(m.delivery()), frame);
        // A NACK can make the other direction give up a hole: what that completes shows on this frame.
        List<SbiDelivery> peerDelivered = peer.parser.takeDelivered();
        if (!peerDelivered.isEmpty()) {
            messages = new ArrayList<>(messages);
            List<SbiMessageAnalysis> theirs = sbi.messages(conv.sbiLinks, 1 - d, frame, ts, peerDelivered, findings);
            messages.addAll(theirs);
            for (SbiMessageAnalysis m : theirs) provenBy(dir, SbiAnalysis.refSeq(m.delivery()));
        }
        findings.addAll(peer.parser.takeFindings());
        if (record != null) {
            for (SbiMessageAnalysis m : messages) {
                for (long carrier : m.delivery().carriedBy()) record.reassembledIn(carrier, m.delivery().completedIn());
            }
            if (c.nackFrame >= 0) record.answeredIn(c.nackFrame, frame);
        }
        long rejectedFrameLen = dir.parser.takeRejectedFrameLen();
        if (rejectedFrameLen >= 0 && dir.parser.rejectedIndex() >= 0) {
            // the NACK invalid_frame_size that answers it names this frame (sbi.response_to)
            conv.sbiLinks.messageFrames(d).record(dir.parser.rejectedIndex(), frame, 0, dir.parser.rejectedIndex() + 1);
        }
        long[] reassembledIn = links == null ? new long[0] : links.reassembledIn(frame);
        long[] answeredIn = links == null ? new long[0] : links.answeredIn(frame);
        boolean tapLoss = links != null && links.isTapLoss(frame);
        return new UtcpVerdict(conv.index, c.retransmission, c.duplicate, c.outOfOrder, c.gap, c.missing, c.dataChanged,
                c.originalFrame, c.nackFrame, c.delay, answeredIn, tapLoss, messages, rejectedFrameLen,
                reassembledIn, findings);
    }

    private static final class Classification {
        boolean retransmission, duplicate, outOfOrder, gap, dataChanged;
        long missing, originalFrame = -1, nackFrame = -1, delay = -1;
    }

    /**
     * The receiver of {@code sender}'s direction answered its message {@code ref}, so it has the
     * stream up to that message's end ({@link #provenBy}). When the tap has counted that direction's
     * messages exactly (from its SYN, no hole yet), a ref at or beyond the message in progress ends
     * past the bytes delivered so far: the receiver has at least the first packet of the hole there.
     */
    private static void answered(Direction sender, long ref, long frame) {
        provenBy(sender, ref);
        if (ref < 0 || !sender.fromStart || sender.parser.uncertain() || !sender.reassembler.hasHole()) return;
        if (ref >= sender.parser.nextIndex()) sender.reassembler.settleFirstPacket(frame);
    }

    /**
     * An answer to {@code sender}'s message {@code ref} proves its receiver has every seq the
     * peer's rule says it does ({@link dev.cellscope.protocol.sbi.SbiDeliveryProof}): NACKs for those
     * are owed no re-send (the peer ignores them), so they are not reported unanswered. Only for a
     * message the tap delivered and numbered exactly (from the SYN, before any hole).
     */
    private static void provenBy(Direction sender, long ref) {
        if (ref < 0 || !sender.fromStart) return;
        long seqEnd = sender.parser.answered(ref);
        if (seqEnd >= 0) sender.nacked.provenBelow(seqEnd);
    }

    private void addressBook(MemorySegment seg, long off, List<Expert> findings) {
        if (config.knownCellIds() == null) return;
        for (long at : new long[]{off, off + 16}) {
            String id = dev.cellscope.field.FieldFormat.hex(seg, at, 16);
            if (!config.knownCellIds().contains(id)) {
                findings.add(new Expert(UtcpExperts.UNKNOWN_CELL, "CellID " + id + " (" + (at == off ? "source" : "destination")
                        + ") is not in the address book"));
            }
        }
    }

    private static void syn(Direction dir, long seq, List<Expert> findings) {
        if (dir.synSeq >= 0 && dir.synSeq != seq) {
            // The peer ignores it while the sender talks on this connection (UtcpReconnect): so does the stream.
            findings.add(new Expert(UtcpExperts.SYN_CHANGED, "SYN again with initial seq " + UtcpSeq.wire(seq) + " (was "
                    + UtcpSeq.wire(dir.synSeq) + "), ignored: its sender was heard on this connection less than a second ago"));
            return;
        } else if (dir.synSeq < 0) {
            findings.add(new Expert(UtcpExperts.OPENED, "Direction opened, initial seq " + UtcpSeq.wire(seq)));
        }
        dir.synSeq = seq;
        if (dir.highest < 0) dir.highest = seq;
        if (dir.reassembler.next() < 0) {
            dir.fromStart = true;
            dir.conv.sbiLinks.fromStart[dir.side] = true;
        }
        dir.reassembler.syn(seq);
    }

    private void fin(Direction dir, long frame, long ts, long seq, Classification c, List<Expert> findings) {
        // FIN takes the seq after the last DATA: a larger one means DATA the tap has not seen.
        if (dir.highest >= 0 && seq > dir.highest + 1 && !c.gap) {
            c.gap = true;
            c.missing = seq - dir.highest - 1;
            addGap(dir, dir.highest + 1, seq, frame, ts);
        }
        if (seq > dir.highest) dir.highest = seq;
        dir.finSeq = seq;
        findings.add(new Expert(UtcpExperts.CLOSED, "Direction closed (FIN at seq " + UtcpSeq.wire(seq) + ")"));
    }

    /** The NACK's ranges name seqs of the peer's direction (it travels from receiver to sender). */
    private void nack(Direction sender, long frame, long ts, MemorySegment seg, long payload, int present) {
        int ranges = present / 8;
        if (ranges == 0) return; // a sender's tail probe: it asks for nothing
        long[] firsts = new long[ranges], ends = new long[ranges];
        long lowest = Long.MAX_VALUE;
        for (int r = 0; r < ranges; r++) {
            long first = sender.position(seg.get(U32_BE, payload + 8L * r) & UtcpSeq.MASK);
            long count = seg.get(U32_BE, payload + 8L * r + 4) & UtcpSeq.MASK;
            firsts[r] = first;
            ends[r] = first + count;
            lowest = Math.min(lowest, first);
            sender.nacked.add(first, count, frame, ts);
        }
        askGaps(sender, firsts, ends);
        askTail(sender, firsts, ends, frame, ts);
        sender.reassembler.nacked(firsts, ends, frame);
        // Gaps wholly below everything this NACK asks for, never NACKed: the receiver has them.
        for (var it = sender.gaps.headMap(lowest).values().iterator(); it.hasNext(); ) {
            Gap g = it.next();
            if (g.end > lowest) continue;
            it.remove();
            settle(g);
        }
    }

    /**
     * Marks the gaps' seqs a NACK asks for. The ranges are sorted and merged first, so each gap
     * is visited once per merged range that touches it: O((ranges + gaps touched) log gaps),
     * however many of a NACK's 8,191 ranges overlap (walking every gap for every range was
     * quadratic: seconds per frame).
     */
    private static void askGaps(Direction sender, long[] firsts, long[] ends) {
        if (sender.gaps.isEmpty()) return;
        Integer[] order = new Integer[firsts.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (x, y) -> Long.compare(firsts[x], firsts[y]));
        for (int i = 0; i < order.length; ) {
            long from = firsts[order[i]], to = ends[order[i]];
            for (i++; i < order.length && firsts[order[i]] <= to; i++) to = Math.max(to, ends[order[i]]);
            if (to <= from) continue;
            Map.Entry<Long, Gap> e = sender.gaps.floorEntry(from);
            if (e == null || e.getValue().end <= from) e = sender.gaps.higherEntry(from);
            for (; e != null && e.getKey() < to; e = sender.gaps.higherEntry(e.getKey())) e.getValue().ask(from, to);
        }
    }

    /**
     * Seqs a NACK asks for above the highest the tap has seen: lost at the tail of a burst, so no later packet showed
     * a gap before the NACK (lossy-mesh's seq 679531102: NACKed in frame 257, re-sent in 258). They are recorded as a
     * gap from the seq after the highest, with the NACKed seqs asked, so that they count as lost on the network when
     * it settles, as a gap's NACKed seqs do. Bounded by {@link Gap#GAP_BITS} past the highest (a NACK may name 2^32).
     */
    private static void askTail(Direction sender, long[] firsts, long[] ends, long frame, long ts) {
        if (sender.highest < 0) return;
        long from = sender.highest + 1, end = from;
        for (int r = 0; r < firsts.length; r++) {
            if (ends[r] > from) end = Math.max(end, Math.min(ends[r], from + Gap.GAP_BITS));
        }
        if (end == from) return;
        Gap g = addGap(sender, from, end, frame, ts);
        for (int r = 0; r < firsts.length; r++) g.ask(firsts[r], ends[r]);
    }

    private void classify(Direction dir, long frame, long ts, long seq, long hash, Classification c, List<Expert> findings) {
        loss.dataSeqs++;
        dir.dataPackets++;
        long seen = dir.window.frameOf(seq);
        NackedSeqs.Request req = dir.nacked.find(seq);
        if (seen >= 0) {
            c.originalFrame = seen;
            if (PayloadHash.differ(dir.window.hashOf(seq), hash)) {
                c.dataChanged = true;
                findings.add(new Expert(UtcpExperts.DATA_CHANGED, "Seq " + UtcpSeq.wire(seq) + " repeated with different data (first in frame " + seen + ")"));
            }
        }
        if (req != null) {
            c.retransmission = true;
            c.nackFrame = req.frame();
            c.delay = ts - req.timeNanos();
            dir.nacked.answer(seq);
            loss.retransmissions++;
            findings.add(new Expert(UtcpExperts.RETRANSMISSION, "Retransmission of seq " + UtcpSeq.wire(seq) + " requested by the NACK in frame "
                    + req.frame()));
        } else if (seen >= 0) {
            c.duplicate = true;
            loss.duplicates++;
            findings.add(new Expert(UtcpExperts.DUPLICATE, "Duplicate of seq " + UtcpSeq.wire(seq) + " (frame " + seen + "), not requested by a NACK"));
        } else if (dir.highest >= 0 && seq <= dir.highest) {
            c.outOfOrder = true;
            loss.outOfOrder++;
            findings.add(new Expert(UtcpExperts.OUT_OF_ORDER, "Out of order: seq " + UtcpSeq.wire(seq) + " after " + UtcpSeq.wire(dir.highest)));
        } else if (dir.highest >= 0 && seq > dir.highest + 1) {
            c.gap = true;
            c.missing = seq - dir.highest - 1;
            loss.gaps++;
            addGap(dir, dir.highest + 1, seq, frame, ts);
            findings.add(new Expert(UtcpExperts.GAP, c.missing + " seq(s) missing before " + UtcpSeq.wire(seq) + " ("
                    + UtcpSeq.wire(dir.highest + 1) + (c.missing > 1 ? "–" + UtcpSeq.wire(seq - 1) : "") + ")"));
        }
        if (seen < 0) fillGap(dir, seq);
        if (seq > dir.highest) dir.highest = seq;
        if (seen < 0) dir.window.record(seq, frame, hash, dir.dataPackets);
    }

    /**
     * Records the gap [first, end); one that starts at the same seq (a NACK asked for the tail before a later packet,
     * or a FIN, showed the gap) is widened, keeping what it knows, so a seq is never counted in two gaps.
     */
    private static Gap addGap(Direction dir, long first, long end, long frame, long ts) {
        Gap old = dir.gaps.get(first);
        if (old != null && old.end >= end) return old;
        Gap g = new Gap(first, end, old != null ? old.frame : frame, old != null ? old.time : ts);
        if (old != null) {
            g.filled.or(old.filled);
            g.asked.or(old.asked);
            g.nacked = old.nacked;
        }
        dir.gaps.put(first, g);
        if (dir.gaps.size() > MAX_GAPS) dir.gaps.pollFirstEntry();
        return g;
    }

    private static void fillGap(Direction dir, long seq) {
        Map.Entry<Long, Gap> e = dir.gaps.floorEntry(seq);
        if (e != null && e.getValue().end > seq) e.getValue().fill(seq);
    }

    /**
     * Keeps held out-of-order bytes within their bounds: reports a hole this frame made its
     * direction give up at the per-direction cap, then, while the capture's budget is exceeded,
     * gives up the oldest hole of any direction. What that releases in this frame's conversation
     * shows on this frame; in another conversation its messages are analysed at once (links,
     * handshake, findings named by stream) but not shown, so that giving up frees the memory.
     */
    private void boundHeldBytes(Direction dir, Direction peer, long frame, long ts, List<Expert> findings) {
        long overflows = dir.reassembler.overflows();
        if (overflows > dir.overflowsSeen) {
            capGiveUps += overflows - dir.overflowsSeen;
            dir.overflowsSeen = overflows;
            findings.add(new Expert(UtcpExperts.HOLE_GIVEN_UP, "More than " + (Reassembler.MAX_PENDING_BYTES >> 20)
                    + " MiB held behind a hole in this direction: the hole was given up"));
        }
        held.update(dir);
        held.update(peer);
        for (Direction oldest; (oldest = held.overBudget()) != null; ) {
            long bytes = oldest.reassembler.pendingBytes();
            oldest.reassembler.giveUpHole(frame);
            held.update(oldest);
            budgetGiveUps++;
            String where = oldest == dir ? "this direction" : oldest == peer ? "the other direction" : "stream " + oldest.conv.index;
            findings.add(new Expert(UtcpExperts.HOLE_GIVEN_UP, "Out-of-order bytes held in the capture exceed the budget of "
                    + mib(held.budget()) + ": gave up the oldest hole (" + where + ", " + bytes + " bytes held)"));
            if (oldest.conv != dir.conv) releaseElsewhere(oldest, frame, ts, findings);
        }
    }

    /** Analyses what giving up a hole released in another conversation, and lets the bytes go. */
    private void releaseElsewhere(Direction other, long frame, long ts, List<Expert> findings) {
        List<SbiDelivery> released = other.parser.takeDelivered();
        List<Expert> theirs = new ArrayList<>(other.parser.takeFindings());
        sbi.messages(other.conv.sbiLinks, other.side, frame, ts, released, theirs);
        budgetMessages += released.size();
        if (!released.isEmpty()) {
            findings.add(new Expert(UtcpExperts.HOLE_GIVEN_UP, "Stream " + other.conv.index + ": " + released.size()
                    + " SBI message(s) released by that hole analysed but not shown"));
        }
        for (Expert e : theirs) findings.add(new Expert(e.kind(), "Stream " + other.conv.index + ": " + e.message()));
    }

    private static String mib(long bytes) {
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }

    /** Conversations forgotten so far to stay within the cap on live conversations. */
    public long conversationsForgotten() {
        return evicted;
    }

    /** Holes given up at the per-direction cap of held bytes. */
    public long holesGivenUpAtCap() {
        return capGiveUps;
    }

    /** Holes given up at the capture's held-bytes budget. */
    public long holesGivenUpAtBudget() {
        return budgetGiveUps;
    }

    /** SBI messages that giving up a hole at the budget released in another conversation (analysed, not shown). */
    public long messagesReleasedByBudget() {
        return budgetMessages;
    }

    /** Out-of-order bytes held now over every direction (with the per-segment overhead). */
    public long heldBytes() {
        return held.held();
    }

    /** Settles gaps older than the patience window: un-NACKed and unfilled seqs were missed by the tap. */
    private void expireGaps(Direction dir, long ts) {
        while (!dir.gaps.isEmpty()) {
            Gap g = dir.gaps.firstEntry().getValue();
            if (ts - g.time <= Reassembler.PATIENCE_NANOS && !g.nacked) return;
            if (g.nacked && ts - g.time <= Reassembler.NACKED_PATIENCE_NANOS) return;
            dir.gaps.pollFirstEntry();
            settle(g);
        }
    }

    private void settle(Gap g) {
        loss.networkLostSeqs += g.networkLost();
        long tapLost = g.tapLost();
        if (tapLost > 0) {
            loss.tapLostSeqs += tapLost;
            if (record != null) record.recordTapLoss(g.frame);
        }
    }

    /**
     * End of capture: gives up every hole (the held bytes are parsed, and the messages they complete
     * are analysed: {@link #released()}), settles every gap, and returns capture-level findings.
     */
    public List<Expert> finish() {
        List<Expert> out = new ArrayList<>();
        for (Conversation conv : conversations.values()) end(conv, out);
        if (loss.tapLostSeqs > 0) {
            out.add(new Expert(UtcpExperts.TAP_LOSS, String.format("Tap loss: %.2f%% (%d DATA seqs the peers exchanged but the tap never saw)",
                    loss.tapLossPercent(), loss.tapLostSeqs)));
        }
        released.sort(java.util.Comparator.comparingLong(ReleasedMessage::frame).thenComparingInt(ReleasedMessage::stream));
        for (ReleasedMessage r : released) {
            SbiDelivery m = r.message().delivery();
            out.add(new Expert(SbiExperts.COMPLETED_AT_END, "SBI message " + m.msgIndex() + " (" + SbiOps.NAMES.getOrDefault(m.op(), "op " + m.op())
                    + ") of stream " + r.stream() + ", completed in frame " + r.frame() + ", was held behind a hole that was never"
                    + " filled: analysed when the capture ended"));
        }
        if (capGiveUps + budgetGiveUps > 0) {
            out.add(new Expert(UtcpExperts.HOLES_GIVEN_UP, "Held out-of-order bytes: " + capGiveUps + " hole(s) given up at the per-direction cap of "
                    + mib(Reassembler.MAX_PENDING_BYTES) + ", " + budgetGiveUps + " at the capture's budget of " + mib(held.budget())
                    + (budgetMessages > 0 ? " (" + budgetMessages + " SBI message(s) they released in other streams analysed but not shown)" : "")));
        }
        if (evicted > 0) {
            out.add(new Expert(UtcpExperts.CONVERSATIONS_FORGOTTEN, evicted + " conversations were forgotten to stay within " + MAX_CONVERSATIONS));
        }
        return out;
    }

    /** A conversation ends (the capture did, or a new connection of its pair replaced it): its holes and gaps settle. */
    private void end(Conversation conv, List<Expert> out) {
        for (int d = 0; d < 2; d++) {
            Direction dir = conv.dirs[d];
            dir.reassembler.flush(-1);
            release(conv, d, dir.parser.takeDelivered());
            out.addAll(dir.parser.takeFindings());
            while (!dir.gaps.isEmpty()) settle(dir.gaps.pollFirstEntry().getValue());
        }
        // After both directions' released answers have proven what they prove.
        for (Direction dir : conv.dirs) {
            int owed = dir.nacked.unanswered();
            if (owed > 0) {
                out.add(new Expert(UtcpExperts.NACK_UNANSWERED, "Stream " + conv.index + ": " + owed + " NACKed range(s) never re-sent"));
            }
        }
    }

    /**
     * The pair's connection is over for the SYN's sender and a new one begins ({@link UtcpReconnect}, the peer's own
     * rule): the old stream ends as at the capture's end, and the SYN opens a new stream.
     */
    private Conversation reconnect(Conversation old, List<Expert> findings) {
        conversations.remove(old.pair);
        end(old, findings);
        for (Direction dir : old.dirs) held.forget(dir);
        Conversation conv = new Conversation(nextStream++, old.pair);
        conversations.put(old.pair, conv);
        logHoles(conv);
        findings.add(new Expert(UtcpExperts.RECONNECTED, "New connection of the same CellIDs: stream " + conv.index + " follows stream " + old.index));
        return conv;
    }

    /** Messages completed by the end-of-capture flush: analysed as if their completing frame had delivered them. */
    private void release(Conversation conv, int d, List<SbiDelivery> deliveries) {
        for (SbiDelivery m : deliveries) {
            messagesAtEnd++;
            List<Expert> findings = new ArrayList<>(0);
            SbiMessageAnalysis a = sbi.messages(conv.sbiLinks, d, m.completedIn(), m.completedAtNanos(), List.of(m), findings).getFirst();
            provenBy(conv.dirs[1 - d], SbiAnalysis.refSeq(m));
            if (record != null) {
                for (long carrier : m.carriedBy()) record.reassembledIn(carrier, m.completedIn());
            }
            released.add(new ReleasedMessage(conv.index, conv.cellIds(d), a, findings));
        }
    }
}
