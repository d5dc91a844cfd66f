package dev.cellscope.flow;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.LayerNeeds;
import dev.cellscope.expert.Expert;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FieldRegistry;
import dev.cellscope.field.FieldType;
import dev.cellscope.field.FrameFields;
import dev.cellscope.field.TetherFields;
import dev.cellscope.field.UtcpFields;
import dev.cellscope.protocol.utcp.UtcpFlags;
import dev.cellscope.protocol.utcp.UtcpSeq;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects time series from a dissection fed in capture order, with conversation analysis (the
 * {@code utcp.analysis.*} and {@code tether.analysis.*} fields are what make NACK, retransmission
 * and credit series possible). Reads a frame's fields as they come and books them at
 * {@link #endFrame()}.
 *
 * <p><b>Intervals.</b> Times are relative to the capture's first frame; a frame stamped earlier
 * than that is booked at time 0. With an automatic interval (options' interval 0) the width starts
 * at 1 µs and steps 1, 2, 10, 20, 100, 200 … µs, merging neighbours, whenever more than
 * {@link TimeSeriesOptions#AUTO_INTERVALS} would be needed, so a plot gets 40 to 200 bars of a round
 * width. A fixed interval doubles instead when the capture would need more than
 * {@link TimeSeriesOptions#maxIntervals()} (reported by {@link TimeSeries#intervalNanos()}).
 *
 * <p><b>Memory</b> is bounded whatever the capture's length: intervals are capped as above, point
 * series are capped ({@link SeriesPoints}), and at most {@link TimeSeriesOptions#maxKeys()} Tether
 * accounts and as many UTCP directions get series.
 */
public final class TimeSeriesSink implements FieldSink {

    private static final FieldDef[] FIELDS = {
            FrameFields.TIME_RELATIVE, FrameFields.LEN,
            UtcpFields.SRC, UtcpFields.DST, UtcpFields.SEQ, UtcpFields.FLAGS, UtcpFields.LEN, UtcpFields.STREAM,
            UtcpFields.RETRANSMISSION, UtcpFields.DUPLICATE, UtcpFields.ORIGINAL_FRAME, UtcpFields.NACK_FIRST, UtcpFields.NACK_COUNT,
            TetherFields.SENDER, TetherFields.TARGET, TetherFields.FLOW, TetherFields.FLAGS, TetherFields.GRANT,
            TetherFields.SPENT, TetherFields.CREDIT_AFTER, TetherFields.OVERRUN,
    };
    private static final ValueLayout.OfLong BE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final TimeSeriesOptions options;
    private final boolean[] wanted = new boolean[FieldRegistry.size()];
    private final boolean[] layers = new boolean[FieldRegistry.size()];

    // Interval state.
    private long interval;
    private int coarsenings;
    private final int maxIntervals;
    private long lastIndex = -1, durationNanos;

    private final SeriesBins frames = new SeriesBins(), bytes = new SeriesBins(), nackPackets = new SeriesBins(),
            nackSeqs = new SeriesBins(), retransmissions = new SeriesBins(), goodput = new SeriesBins();
    private final Map<TetherKey, TetherAccount> accounts = new LinkedHashMap<>();
    private final Map<DirectionKey, Direction> directions = new LinkedHashMap<>();
    private final Map<Long, Integer> directionsPerStream = new HashMap<>();
    private long untracked;

    // The frame being dissected.
    private final FrameFieldsSeen f = new FrameFieldsSeen();

    public TimeSeriesSink(TimeSeriesOptions options) {
        this.options = options;
        this.interval = options.automatic() ? 1_000 : options.intervalNanos();
        this.maxIntervals = options.automatic() ? TimeSeriesOptions.AUTO_INTERVALS : options.maxIntervals();
        for (FieldDef d : FIELDS) wanted[d.id()] = true;
        for (FieldDef p : FieldRegistry.all()) {
            if (p.type() != FieldType.PROTOCOL) continue;
            for (FieldDef d : FIELDS) if (LayerNeeds.needs(p, d)) layers[p.id()] = true;
        }
    }

    @Override public boolean wants(FieldDef field) { return wanted[field.id()]; }
    @Override public boolean wantsLayer(FieldDef protocol) { return layers[protocol.id()]; }
    @Override public boolean wantsExperts() { return false; }
    @Override public void protocol(FieldDef field, int offset, int length) {}
    @Override public void text(FieldDef field, int offset, int length, String value) {}
    @Override public void expert(Expert expert, int offset, int length) {}

    @Override
    public void number(FieldDef d, int offset, int length, long v) {
        if (d == FrameFields.TIME_RELATIVE) f.time = Math.max(0, v);
        else if (d == FrameFields.LEN) f.frameLen = v;
        else if (d == UtcpFields.SEQ) { f.utcp = true; f.seq = v; }
        else if (d == UtcpFields.FLAGS) f.utcpFlags = v;
        else if (d == UtcpFields.LEN) f.utcpLen = v;
        else if (d == UtcpFields.STREAM) f.stream = v;
        else if (d == UtcpFields.RETRANSMISSION) f.retransmission = v != 0;
        else if (d == UtcpFields.DUPLICATE) f.duplicate = v != 0;
        else if (d == UtcpFields.ORIGINAL_FRAME) f.seenBefore = true;
        else if (d == UtcpFields.NACK_FIRST) f.addNackFirst(v);
        else if (d == UtcpFields.NACK_COUNT) f.addNackCount(v);
        else if (d == TetherFields.SENDER) { f.tether = true; f.sender = v; }
        else if (d == TetherFields.TARGET) f.target = v;
        else if (d == TetherFields.FLOW) f.flow = (int) v;
        else if (d == TetherFields.GRANT) f.grant = v < 0 ? Long.MAX_VALUE : v; // u64: saturate as the ledger does
        else if (d == TetherFields.SPENT) { f.credited = true; f.spent = v; }
        else if (d == TetherFields.CREDIT_AFTER) f.creditAfter = v;
        else if (d == TetherFields.OVERRUN) f.overrun = v != 0;
    }

    @Override
    public void bytes(FieldDef d, int offset, int length, MemorySegment seg, long from, int count) {
        if (count != 16) return;
        if (d == UtcpFields.SRC) { f.srcHi = seg.get(BE_LONG, from); f.srcLo = seg.get(BE_LONG, from + 8); }
        else if (d == UtcpFields.DST) { f.dstHi = seg.get(BE_LONG, from); f.dstLo = seg.get(BE_LONG, from + 8); }
    }

    /** Frames and bytes count the frame; the UTCP and Tether series count each datagram of a GSO train. */
    @Override
    public void gsoSegment(int index, int wireLength) {
        if (index == 0) return;
        long at = indexOf(f.time);
        if (f.utcp) utcpFrame(at);
        if (f.tether) tetherFrame(at);
        f.clearPacket();
    }

    @Override
    public void endFrame() {
        long index = indexOf(f.time);
        durationNanos = Math.max(durationNanos, f.time);
        lastIndex = Math.max(lastIndex, index);
        frames.add(index, 1);
        bytes.add(index, f.frameLen);
        if (f.utcp) utcpFrame(index);
        if (f.tether) tetherFrame(index);
        f.clear();
    }

    /** The interval of a relative time, widening the interval first if it would exceed the cap. */
    private long indexOf(long time) {
        while (time / interval >= maxIntervals) coarsen();
        return time / interval;
    }

    private void coarsen() {
        // Automatic: 1, 2, 10, 20, 100 … µs (round widths); fixed: doubling.
        int factor = options.automatic() && coarsenings % 2 == 1 ? 5 : 2;
        coarsenings++;
        interval = Math.multiplyExact(interval, factor);
        for (SeriesBins b : List.of(frames, bytes, nackPackets, nackSeqs, retransmissions, goodput)) b.coarsen(factor);
        for (TetherAccount a : accounts.values()) {
            a.granted.coarsen(factor);
            a.spent.coarsen(factor);
        }
        lastIndex /= factor;
    }

    private void utcpFrame(long index) {
        if ((f.utcpFlags & UtcpFlags.NACK) != 0) {
            nackPackets.add(index, 1);
            long asked = 0;
            for (int i = 0; i < f.nackRanges; i++) asked += f.nackCounts[i];
            nackSeqs.add(index, asked);
            // A NACK travels from the receiver: it asks for seqs of the opposite direction.
            Direction d = direction(f.stream, f.dstHi, f.dstLo, f.srcHi, f.srcLo);
            if (d != null) for (int i = 0; i < f.nackRanges; i++) d.nacks.add(f.time, d.position(f.nackFirsts[i]));
        }
        if ((f.utcpFlags & UtcpFlags.DATA) != 0) {
            if (f.retransmission) retransmissions.add(index, 1);
            if (!f.seenBefore) goodput.add(index, f.utcpLen);
            Direction d = direction(f.stream, f.srcHi, f.srcLo, f.dstHi, f.dstLo);
            if (d != null) {
                long seq = d.position(f.seq);
                d.data.add(f.time, seq);
                d.dataBytes += f.utcpLen;
                if (f.retransmission) d.retransmissions.add(f.time, seq);
            }
        }
    }

    private Direction direction(long stream, long srcHi, long srcLo, long dstHi, long dstLo) {
        DirectionKey key = new DirectionKey(stream, srcHi, srcLo);
        Direction d = directions.get(key);
        if (d != null) return d;
        if (directions.size() >= options.maxKeys()) {
            untracked++;
            return null;
        }
        int index = directionsPerStream.merge(stream, 1, Integer::sum) - 1;
        d = new Direction(stream, index, hex(srcHi, srcLo), hex(dstHi, dstLo), options.maxPoints());
        directions.put(key, d);
        return d;
    }

    private void tetherFrame(long index) {
        // Spend before crediting this frame's own grant, as the ledger does.
        TetherAccount own = account(f.sender, f.target, f.flow);
        if (own != null) {
            own.frames++;
            if (f.credited) {
                own.spent.add(index, f.spent);
                own.balance = f.creditAfter;
                own.credit.add(f.time, f.creditAfter);
                if (f.overrun) own.overruns.add(f.time, f.creditAfter);
            }
        }
        if (f.grant != 0) {
            TetherAccount funded = account(f.target, f.sender, f.flow);
            if (funded != null) {
                if (funded != own) funded.frames++;
                funded.granted.add(index, f.grant);
                funded.balance = saturatingAdd(funded.balance, f.grant);
                funded.credit.add(f.time, funded.balance);
            }
        }
    }

    private TetherAccount account(long sender, long target, int flow) {
        TetherKey key = new TetherKey(sender, target, flow);
        TetherAccount a = accounts.get(key);
        if (a != null) return a;
        if (accounts.size() >= options.maxKeys()) {
            untracked++;
            return null;
        }
        a = new TetherAccount(key, options.maxPoints());
        accounts.put(key, a);
        return a;
    }

    /** What was collected so far (the sink can go on collecting). */
    public TimeSeries result() {
        int n = Math.toIntExact(lastIndex + 1);
        List<SeriesTetherFlow> tether = new ArrayList<>(accounts.size());
        for (TetherAccount a : accounts.values()) {
            tether.add(new SeriesTetherFlow(a.key.sender(), a.key.target(), a.key.flow(), a.granted.toArray(n), a.spent.toArray(n),
                    a.credit.snapshot(), a.overruns.snapshot(), a.frames, a.granted.total(), a.spent.total()));
        }
        List<SeriesUtcpDirection> utcp = new ArrayList<>(directions.size());
        for (Direction d : directions.values()) {
            utcp.add(new SeriesUtcpDirection(d.stream, d.index, d.src, d.dst, d.data.snapshot(), d.retransmissions.snapshot(),
                    d.nacks.snapshot(), d.dataBytes));
        }
        return new TimeSeries(interval, options.intervalNanos(), durationNanos, frames.toArray(n), bytes.toArray(n),
                nackPackets.toArray(n), nackSeqs.toArray(n), retransmissions.toArray(n), goodput.toArray(n),
                List.copyOf(tether), List.copyOf(utcp), untracked);
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (r < 0 ? Long.MAX_VALUE : Long.MIN_VALUE) : r;
    }

    private static String hex(long hi, long lo) {
        return String.format("%016x%016x", hi, lo);
    }

    private record TetherKey(long sender, long target, int flow) {}

    private record DirectionKey(long stream, long srcHi, long srcLo) {}

    private static final class TetherAccount {
        final TetherKey key;
        final SeriesBins granted = new SeriesBins(), spent = new SeriesBins();
        final SeriesPoints credit, overruns;
        long balance, frames;

        TetherAccount(TetherKey key, int maxPoints) {
            this.key = key;
            credit = new SeriesPoints(maxPoints);
            overruns = new SeriesPoints(maxPoints);
        }
    }

    private static final class Direction {
        final long stream;
        final int index;
        final String src, dst;
        final SeriesPoints data, retransmissions, nacks;
        long dataBytes;
        /** Reference for unwrapping seqs ({@link UtcpSeq}); the first seq seen keeps its wire value. */
        private long near;
        private boolean anchored;

        /** A wire seq as a position, so the plot runs on across 2^32 (equal to the wire seq until then). */
        long position(long wire) {
            if (!anchored) {
                anchored = true;
                near = wire;
            }
            long p = UtcpSeq.unwrap(wire, near);
            near = Math.max(near, p);
            return p;
        }

        Direction(long stream, int index, String src, String dst, int maxPoints) {
            this.stream = stream;
            this.index = index;
            this.src = src;
            this.dst = dst;
            data = new SeriesPoints(maxPoints);
            retransmissions = new SeriesPoints(maxPoints);
            nacks = new SeriesPoints(maxPoints);
        }
    }

    /** The fields of the frame being dissected, reset at each {@link #endFrame()}. */
    private static final class FrameFieldsSeen {
        long time, frameLen;
        boolean utcp, retransmission, duplicate, seenBefore;
        long seq, utcpFlags, utcpLen, stream, srcHi, srcLo, dstHi, dstLo;
        long[] nackFirsts = new long[8], nackCounts = new long[8];
        int nackRanges, nackCountsSeen;
        boolean tether, credited, overrun;
        long sender, target, grant, spent, creditAfter;
        int flow;

        void addNackFirst(long v) {
            if (nackRanges == nackFirsts.length) {
                nackFirsts = java.util.Arrays.copyOf(nackFirsts, nackRanges * 2);
                nackCounts = java.util.Arrays.copyOf(nackCounts, nackRanges * 2);
            }
            nackCounts[nackRanges] = 0; // a range cut short by the capture asks for nothing
            nackFirsts[nackRanges++] = v;
        }

        void addNackCount(long v) {
            if (nackCountsSeen < nackRanges) nackCounts[nackCountsSeen++] = v;
        }

        void clear() {
            time = frameLen = 0;
            clearPacket();
        }

        /** The packet's fields only: the next datagram of a GSO train keeps the frame's time and length. */
        void clearPacket() {
            utcp = retransmission = duplicate = seenBefore = false;
            seq = utcpFlags = utcpLen = stream = srcHi = srcLo = dstHi = dstLo = 0;
            nackRanges = nackCountsSeen = 0;
            tether = credited = overrun = false;
            sender = target = grant = spent = creditAfter = 0;
            flow = 0;
        }
    }
}
