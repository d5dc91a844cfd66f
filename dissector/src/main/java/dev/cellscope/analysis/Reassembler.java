package dev.cellscope.analysis;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.TreeMap;

/**
 * Puts one direction's DATA payloads in seq order. Segments above a hole wait (copied, since a
 * live capture reuses its buffers) until the hole is filled by a late or re-sent packet. A hole
 * is given up — delivered as a {@link StreamSink#hole} — when waiting would exceed the memory
 * bound (per direction here; the capture's budget, oldest hole first, in {@link HeldBytesBudget}), when it has
 * stayed unfilled and un-NACKed for {@link #PATIENCE_NANOS} of capture time (the receiver evidently got the
 * packets: tap loss), as soon as the capture proves the receiver has its packets ({@link #nacked},
 * {@link #settleBelow}, {@link #settleFirstPacket}), or at the end of the capture.
 *
 * <p>Every give-up is told to a {@link HoleLog}: a first pass records them, and a second pass that
 * knows them gives each hole up as soon as it is the first one (and no other way), so that what
 * follows a hole that is never filled completes on its own frame.
 */
final class Reassembler {
    /** Bytes of out-of-order segments held per direction (each counted with {@link #SEGMENT_OVERHEAD}). */
    static final long MAX_PENDING_BYTES = 4L << 20;
    /**
     * What holding a segment costs beyond its payload (array header, record, tree entry, key),
     * counted with it: a capture of 1-byte segments must not hold a hundred times its budget.
     */
    static final int SEGMENT_OVERHEAD = 96;
    /** How long an un-NACKed hole is waited for. */
    static final long PATIENCE_NANOS = 2_000_000_000L;
    /** How long a NACKed hole is waited for before it is declared lost. */
    static final long NACKED_PATIENCE_NANOS = 30_000_000_000L;

    /** A held segment; {@code bytes} null for a packet whose payload was not captured (see {@link #uncaptured}). */
    private record Pending(byte[] bytes, long frame, long nanos) {}

    /** The holes given up, as [from, to) positions: recorded by a first pass, known to a second. */
    interface HoleLog {
        /** Seqs [from, to) were given up. */
        void gaveUp(long from, long to);

        /** The end of the hole the first pass gave up from {@code from}, or -1 (a recording log: always -1). */
        long lostUntil(long from);

        /** Whether this log knows the holes in advance (second pass) rather than records them. */
        boolean knows();
    }

    private final StreamSink out;
    private HoleLog log;
    private final TreeMap<Long, Pending> pending = new TreeMap<>();
    private long next = -1;
    private long pendingBytes;
    private long holeSinceNanos;
    private boolean holeNacked;
    private long overflows;
    private long now;
    /** Counts the holes waited for: a new number each time a wait starts. */
    private long holeSerial;

    Reassembler(StreamSink out) {
        this.out = out;
    }

    /** Where give-ups are recorded, or where they are known in advance (see {@link HoleLog}). */
    void log(HoleLog log) {
        this.log = log;
    }

    private boolean knowsHoles() {
        return log != null && log.knows();
    }

    /** The seq the stream expects next, or -1 before the first packet. */
    long next() {
        return next;
    }

    /** A SYN fixes the start: its seq is the initial one and the first DATA takes the next. */
    void syn(long seq) {
        if (next < 0) next = seq + 1;
    }

    /** Number of times the memory bound forced a hole to be given up. */
    long overflows() {
        return overflows;
    }

    /** Bytes held behind holes, with the per-segment overhead. */
    long pendingBytes() {
        return pendingBytes;
    }

    /** Changes whenever a new wait for a hole starts (for the capture's oldest-hole-first budget). */
    long holeSerial() {
        return holeSerial;
    }

    /** Gives up the first hole now (the capture's held-bytes budget is exceeded); false when there is none. */
    boolean giveUpHole(long frame) {
        if (pending.isEmpty()) return false;
        skipHole(frame);
        return true;
    }

    /** True when a hole is waiting to be filled. */
    boolean hasHole() {
        return !pending.isEmpty();
    }

    /**
     * A NACK from the receiver, as ranges [firsts[i], ends[i]). If it asks for seqs of the hole,
     * keep waiting for the retransmission. Holes wholly below every seq it asks for (from the
     * expected one on) are had by the receiver (it would list them too): the tap missed them, so
     * give them up now.
     */
    void nacked(long[] firsts, long[] ends, long frame) {
        if (pending.isEmpty() || knowsHoles()) return;
        long lowest = Long.MAX_VALUE;
        for (int i = 0; i < firsts.length; i++) {
            if (ends[i] > next) lowest = Math.min(lowest, firsts[i]);
        }
        while (lowest != Long.MAX_VALUE && !pending.isEmpty() && !holeNacked && pending.firstKey() <= lowest) skipHole(frame);
        if (pending.isEmpty()) return;
        long holeEnd = pending.firstKey();
        for (int i = 0; i < firsts.length; i++) {
            if (firsts[i] < holeEnd && ends[i] > next) holeNacked = true;
        }
    }

    /**
     * The receiver has every seq below {@code end} (it ACKed the FIN at {@code end}): the holes
     * below it were missed by the tap and are given up now.
     */
    void settleBelow(long end, long frame) {
        if (knowsHoles()) return;
        while (!pending.isEmpty() && next >= 0 && next < end) giveUpTo(Math.min(pending.firstKey(), end), frame);
    }

    /**
     * The receiver has the stream beyond the bytes delivered so far (it answered a message that
     * ends there): it has the hole's first packet at least, which is given up now. The rest of a
     * longer hole is not proven and waits.
     */
    void settleFirstPacket(long frame) {
        if (knowsHoles() || pending.isEmpty()) return;
        giveUpTo(next + 1, frame);
    }

    /** Returns true when the payload was delivered or held, false when it came too late (already passed). */
    boolean data(long seq, MemorySegment seg, long off, int len, long frame, int frameOffset, long nowNanos) {
        return arrive(seq, seg, off, len, frame, frameOffset, nowNanos);
    }

    /**
     * The packet at {@code seq} was seen, but snaplen cut its payload: its place in the stream is a
     * hole nothing can fill (a re-send of it, if captured whole, comes too late), told to the sink in
     * stream order. Returns what {@link #data} does.
     */
    boolean uncaptured(long seq, long frame, long nowNanos) {
        return arrive(seq, null, 0, 0, frame, 0, nowNanos);
    }

    /** A packet's payload ({@code seg} null: not captured) into the stream, or held until the packets before it came. */
    private boolean arrive(long seq, MemorySegment seg, long off, int len, long frame, int frameOffset, long nowNanos) {
        if (next < 0) next = seq;
        giveUpStale(nowNanos, frame);
        this.now = nowNanos;
        if (seq < next) return false;
        if (seq == next) {
            if (seg == null) out.uncaptured(seq, frame);
            else out.bytes(seq, seg, off, len, frame, frameOffset, nowNanos);
            next++;
            drain();
            settleKnown(frame);
            return true;
        }
        if (!pending.containsKey(seq)) {
            if (pending.isEmpty()) {
                holeSinceNanos = nowNanos;
                holeNacked = false;
                holeSerial++;
            }
            pending.put(seq, new Pending(seg == null ? null : seg.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE), frame, nowNanos));
            pendingBytes += len + SEGMENT_OVERHEAD;
            while (pendingBytes > MAX_PENDING_BYTES && !pending.isEmpty()) {
                overflows++;
                skipHole(frame);
            }
            settleKnown(frame);
        }
        return true;
    }

    /** Second pass: a hole the first pass gave up is given up as soon as it is the first one. */
    private void settleKnown(long frame) {
        if (!knowsHoles()) return;
        long to;
        while (!pending.isEmpty() && (to = log.lostUntil(next)) > next) giveUpTo(Math.min(to, pending.firstKey()), frame);
    }

    /** Gives up every hole and delivers what was held (end of capture, or FIN seen). */
    void flush(long frame) {
        while (!pending.isEmpty()) skipHole(frame);
    }

    private void giveUpStale(long nowNanos, long frame) {
        if (pending.isEmpty() || knowsHoles()) return;
        long patience = holeNacked ? NACKED_PATIENCE_NANOS : PATIENCE_NANOS;
        if (nowNanos - holeSinceNanos > patience) skipHole(frame);
    }

    /** Declares the first hole lost and delivers the held segments after it. */
    private void skipHole(long frame) {
        giveUpTo(pending.firstKey(), frame);
    }

    /** Declares seqs [next, to) lost and delivers the held segments that follow. */
    private void giveUpTo(long to, long frame) {
        if (log != null && !log.knows()) log.gaveUp(next, to);
        out.hole(to - next, frame);
        next = to;
        drain();
        // The next hole, if any, is waited for from now on.
        holeSinceNanos = now;
        holeNacked = false;
        holeSerial++;
    }

    private void drain() {
        Map.Entry<Long, Pending> e;
        while ((e = pending.firstEntry()) != null && e.getKey() <= next) {
            pending.pollFirstEntry();
            byte[] b = e.getValue().bytes();
            pendingBytes -= (b == null ? 0 : b.length) + SEGMENT_OVERHEAD;
            if (e.getKey() == next && b == null) {
                out.uncaptured(next, e.getValue().frame());
                next++;
            } else if (e.getKey() == next) {
                out.bytes(next, MemorySegment.ofArray(b), 0, b.length, e.getValue().frame(), -1, e.getValue().nanos());
                next++;
            }
        }
    }
}
