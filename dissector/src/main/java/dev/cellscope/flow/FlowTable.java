package dev.cellscope.flow;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.expert.Expert;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FieldRegistry;
import dev.cellscope.field.FrameFields;
import dev.cellscope.field.SbiFields;
import dev.cellscope.field.TetherFields;
import dev.cellscope.field.UtcpFields;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The flow table: a {@link FieldSink} that turns the fields of a capture, read once in capture
 * order with conversation analysis, into {@code utcp}, {@code tether} and {@code sbi} rows
 * (see the row records and docs/CSV.md).
 *
 * <p><b>Bounded memory.</b> A row lives while its flow is active. After each frame, rows not
 * touched for longer than {@link Config#idleNanos} of capture time are handed to the listener and
 * forgotten; when more than {@link Config#maxFlows} rows are live, the least recently active go
 * the same way. {@link #finish()} hands over the rest, in order of first appearance. A flow that
 * becomes active again after eviction starts a new row with the same key. Per row, samples for
 * percentiles and open seq ranges are capped too.
 */
public final class FlowTable implements FieldSink {

    /**
     * @param idleNanos     capture time after which an untouched row is evicted
     * @param maxFlows      live rows at most (all kinds together)
     * @param samples       values kept per percentile sample (exact up to this many)
     * @param maxOpenRanges open seq ranges kept per UTCP row for {@code unrecovered_seqs}
     */
    public record Config(long idleNanos, int maxFlows, int samples, int maxOpenRanges) {
        public static final Config DEFAULT = new Config(60_000_000_000L, 50_000, 1024, 256);
        /**
         * A frame touches at most four rows (a Tether frame: its own, the reverse one it grants or
         * NACKs, a bulk Nack's flow, a Manifest's flow); with at least four live, the cap never
         * evicts a row the current frame is still updating.
         */
        public static final int MIN_FLOWS = 4;

        public Config {
            if (idleNanos <= 0 || maxFlows < MIN_FLOWS || samples < 1 || maxOpenRanges < 1) {
                throw new IllegalArgumentException("flow table limits must be positive (max flows at least " + MIN_FLOWS + "): " + idleNanos + ", " + maxFlows
                        + ", " + samples + ", " + maxOpenRanges);
            }
        }

        public Config withIdleNanos(long nanos) {
            return new Config(nanos, maxFlows, samples, maxOpenRanges);
        }

        public Config withMaxFlows(int n) {
            return new Config(idleNanos, n, samples, maxOpenRanges);
        }
    }

    private record UtcpKey(long srcHi, long srcLo, long dstHi, long dstLo) {}
    private record TetherKey(long sender, long target, int flow) {}
    private record SbiKey(long aHi, long aLo, long bHi, long bLo) {}

    private static final ValueLayout.OfLong U64_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    // Field codes: one array lookup per reported field decides what to do with it.
    private static final int NONE = 0, F_NUMBER = 1, F_TIME = 2, F_LEN = 3, U_SRC = 4, U_DST = 5, U_SEQ = 6, U_FLAGS = 7,
            U_LEN = 8, U_STREAM = 9, U_RETX = 10, U_DUP = 11, U_OOO = 12, U_GAP = 13, U_MISSING = 14, U_ORIGINAL = 15,
            U_DELAY = 16, U_NACK_FIRST = 17, U_NACK_COUNT = 18, S_OP = 19, S_DATA_LEN = 20, S_VERIFIED = 21,
            S_UNCOMPRESSED = 22, S_LATENCY = 23, S_HS_MISSING = 24, S_HS_COMPRESSION = 25, S_NACK_CODE = 26,
            T_SENDER = 27, T_TARGET = 28, T_FLOW = 29, T_FLAGS = 30, T_GRANT = 31, T_NACK_SLOT = 32, T_BLOCKS = 33,
            T_SPENT = 34, T_CREDIT_AFTER = 35, T_OVERRUN = 36, T_RESENT = 37, T_DELAY = 38, T_BULK_FLOW = 39,
            T_BULK_SLOT = 40, T_MANIFEST_FLOW = 41, T_MANIFEST_MATCH = 42, T_CRC = 43;

    private final Config config;
    private final Set<FlowKind> kinds;
    private final FlowListener listener;
    private final int[] code = new int[FieldRegistry.size()];
    /** Access order: the head is the least recently active row. */
    private final LinkedHashMap<Object, Flow> live = new LinkedHashMap<>(1024, 0.75f, true);
    private final FrameFacts f = new FrameFacts();
    private long now = Long.MIN_VALUE, pendingNackFirst, evicted, capEvicted, peakLive, frames;

    public FlowTable(Config config, Set<FlowKind> kinds, FlowListener listener) {
        this.config = Objects.requireNonNull(config, "config");
        this.kinds = kinds.isEmpty() ? EnumSet.noneOf(FlowKind.class) : EnumSet.copyOf(kinds);
        this.listener = Objects.requireNonNull(listener, "listener");
        map(FrameFields.NUMBER, F_NUMBER);
        map(FrameFields.TIME, F_TIME);
        map(FrameFields.LEN, F_LEN);
        if (this.kinds.contains(FlowKind.UTCP) || this.kinds.contains(FlowKind.SBI)) {
            map(UtcpFields.SRC, U_SRC);
            map(UtcpFields.DST, U_DST);
        }
        if (this.kinds.contains(FlowKind.UTCP)) {
            map(UtcpFields.SEQ, U_SEQ);
            map(UtcpFields.FLAGS, U_FLAGS);
            map(UtcpFields.LEN, U_LEN);
            map(UtcpFields.STREAM, U_STREAM);
            map(UtcpFields.RETRANSMISSION, U_RETX);
            map(UtcpFields.DUPLICATE, U_DUP);
            map(UtcpFields.OUT_OF_ORDER, U_OOO);
            map(UtcpFields.GAP, U_GAP);
            map(UtcpFields.MISSING, U_MISSING);
            map(UtcpFields.ORIGINAL_FRAME, U_ORIGINAL);
            map(UtcpFields.RETRANSMISSION_DELAY, U_DELAY);
            map(UtcpFields.NACK_FIRST, U_NACK_FIRST);
            map(UtcpFields.NACK_COUNT, U_NACK_COUNT);
        }
        if (this.kinds.contains(FlowKind.SBI)) {
            map(SbiFields.OP, S_OP);
            map(SbiFields.PUT_DATA_LEN, S_DATA_LEN);
            map(SbiFields.PUT_VERIFIED, S_VERIFIED);
            map(SbiFields.PUT_UNCOMPRESSED, S_UNCOMPRESSED);
            map(SbiFields.PUT_LATENCY, S_LATENCY);
            map(SbiFields.HANDSHAKE_MISSING, S_HS_MISSING);
            map(SbiFields.HANDSHAKE_COMPRESSION, S_HS_COMPRESSION);
            map(SbiFields.NACK_ERROR_CODE, S_NACK_CODE);
        }
        if (this.kinds.contains(FlowKind.TETHER)) {
            map(TetherFields.SENDER, T_SENDER);
            map(TetherFields.TARGET, T_TARGET);
            map(TetherFields.FLOW, T_FLOW);
            map(TetherFields.FLAGS, T_FLAGS);
            map(TetherFields.GRANT, T_GRANT);
            map(TetherFields.NACK_SLOT, T_NACK_SLOT);
            map(TetherFields.BLOCKS, T_BLOCKS);
            map(TetherFields.SPENT, T_SPENT);
            map(TetherFields.CREDIT_AFTER, T_CREDIT_AFTER);
            map(TetherFields.OVERRUN, T_OVERRUN);
            map(TetherFields.RESENT, T_RESENT);
            map(TetherFields.DELAY, T_DELAY);
            map(TetherFields.NACK_FLOW, T_BULK_FLOW);
            map(TetherFields.NACK_SLOT_LIST, T_BULK_SLOT);
            map(TetherFields.MANIFEST_FLOW, T_MANIFEST_FLOW);
            map(TetherFields.MANIFEST_MATCH, T_MANIFEST_MATCH);
            map(TetherFields.CHECKSUM_STATUS_FIELD, T_CRC);
        }
    }

    /** A table of every kind with the default limits. */
    public FlowTable(FlowListener listener) {
        this(Config.DEFAULT, EnumSet.allOf(FlowKind.class), listener);
    }

    private void map(FieldDef field, int c) {
        code[field.id()] = c;
    }

    // ---- what the dissector should report ----

    @Override
    public boolean wants(FieldDef field) {
        return code[field.id()] != NONE;
    }

    @Override
    public boolean wantsLayer(FieldDef protocol) {
        return switch (protocol.name()) {
            case "utcp" -> kinds.contains(FlowKind.UTCP) || kinds.contains(FlowKind.SBI);
            case "sbi" -> kinds.contains(FlowKind.SBI);
            case "tether" -> kinds.contains(FlowKind.TETHER);
            default -> true;
        };
    }

    @Override
    public boolean wantsExperts() {
        return false; // no checksum or other finding-only work
    }

    // ---- fields ----

    @Override
    public void protocol(FieldDef field, int offset, int length) {
        if (field == UtcpFields.UTCP) f.utcp = true;
        else if (field == TetherFields.TETHER) f.tether = true;
        else if (field == SbiFields.SBI) f.currentDataLen = 0; // a new message
    }

    @Override
    public void number(FieldDef field, int offset, int length, long v) {
        switch (code[field.id()]) {
            case F_NUMBER -> f.number = v;
            case F_TIME -> f.time = v;
            case F_LEN -> f.len = v;
            case U_SEQ -> f.seq = v;
            case U_FLAGS -> f.flags = v;
            case U_LEN -> f.payloadLen = v;
            case U_STREAM -> f.stream = v;
            case U_RETX -> f.retransmission = v != 0;
            case U_DUP -> f.duplicate = v != 0;
            case U_OOO -> f.outOfOrder = v != 0;
            case U_GAP -> f.gap = v != 0;
            case U_MISSING -> f.missing = v;
            case U_ORIGINAL -> f.seenBefore = true;
            case U_DELAY -> f.retransmissionDelay = v;
            case U_NACK_FIRST -> pendingNackFirst = v;
            case U_NACK_COUNT -> f.nackRange(pendingNackFirst, v);
            case S_OP -> {
                f.messages++;
                int i = SbiFlowRow.OPS.indexOf((int) v);
                f.byOp[i < 0 ? SbiFlowRow.OPS.size() : i]++;
                if (v == 0x11) f.puts++;
            }
            case S_DATA_LEN -> {
                f.currentDataLen = v;
                f.putDataBytes += v;
            }
            case S_VERIFIED -> {
                if (v != 0) {
                    f.verified++;
                    f.verifiedCompressed += f.currentDataLen;
                } else {
                    f.failed++;
                }
            }
            case S_UNCOMPRESSED -> f.verifiedUncompressed += v;
            case S_LATENCY -> f.latency(v);
            case S_HS_MISSING -> f.handshakeMissing = v;
            case S_NACK_CODE -> {
                int i = SbiFlowRow.ERRORS.indexOf((int) v);
                f.byError[i < 0 ? SbiFlowRow.ERRORS.size() : i]++;
            }
            case T_SENDER -> f.sender = v;
            case T_TARGET -> f.target = v;
            case T_FLOW -> f.flow = v;
            case T_FLAGS -> f.tetherFlags = v;
            case T_GRANT -> f.grant = v;
            case T_NACK_SLOT -> f.nackSlot = v;
            case T_BLOCKS -> f.blocks = v;
            case T_SPENT -> f.spent = v;
            case T_CREDIT_AFTER -> f.creditAfter = v;
            case T_OVERRUN -> f.overrun = v != 0;
            case T_RESENT -> f.resent = v != 0;
            case T_DELAY -> f.delay = v;
            case T_BULK_FLOW -> f.bulkNackFlow = v;
            case T_BULK_SLOT -> f.bulkNackSlots++;
            case T_MANIFEST_FLOW -> f.manifestFlow = v;
            case T_MANIFEST_MATCH -> f.manifestMatch = v;
            case T_CRC -> f.crcBad = v == 2;
            default -> { }
        }
    }

    @Override
    public void bytes(FieldDef field, int offset, int length, MemorySegment seg, long from, int count) {
        int c = code[field.id()];
        if ((c != U_SRC && c != U_DST) || count != 16) return;
        long hi = seg.get(U64_BE, from), lo = seg.get(U64_BE, from + 8);
        if (c == U_SRC) {
            f.srcHi = hi;
            f.srcLo = lo;
        } else {
            f.dstHi = hi;
            f.dstLo = lo;
        }
        f.idsSeen++;
    }

    @Override
    public void text(FieldDef field, int offset, int length, String value) {
        if (code[field.id()] == S_HS_COMPRESSION) f.compression = value;
    }

    @Override
    public void expert(Expert expert, int offset, int length) {}

    // ---- per frame ----

    /** A frame that holds a UDP GSO train counts as its datagrams, each of its own length (as a mirror port sees them). */
    @Override
    public void gsoSegment(int index, int wireLength) {
        if (index > 0) {
            packet();
            f.reset();
        }
        f.gsoLen = wireLength; // frame.len may come after the layers: it is the whole train's
    }

    @Override
    public void endFrame() {
        frames++;
        packet();
        f.reset();
    }

    /** Accounts the packet whose fields were gathered: the frame, or one datagram of a GSO train. */
    private void packet() {
        now = Math.max(now, f.time); // monotonic, so access order is also idle order
        // Before this frame touches anything: a flow idle too long ends here, even if this frame continues it.
        evictIdle();
        if (f.utcp && f.idsSeen >= 2) utcpFrame();
        if (f.tether && f.sender != FrameFacts.ABSENT && f.target != FrameFacts.ABSENT) tetherFrame();
    }

    private void utcpFrame() {
        if (kinds.contains(FlowKind.UTCP)) {
            utcp(f.srcHi, f.srcLo, f.dstHi, f.dstLo).frame(f);
            if ((f.flags & UtcpFields.NACK) != 0) utcp(f.dstHi, f.dstLo, f.srcHi, f.srcLo).nackedBy(f);
        }
        if (kinds.contains(FlowKind.SBI) && f.messages > 0) sbiRow().frame(f);
    }

    /** The SBI row of the frame's two CellIDs (lower first). */
    private SbiFlow sbiRow() {
        boolean srcFirst = Long.compareUnsigned(f.srcHi, f.dstHi) < 0
                || (f.srcHi == f.dstHi && Long.compareUnsigned(f.srcLo, f.dstLo) <= 0);
        return srcFirst ? sbi(f.srcHi, f.srcLo, f.dstHi, f.dstLo) : sbi(f.dstHi, f.dstLo, f.srcHi, f.srcLo);
    }

    /** A message released when the capture ended: it counts in its peer pair's row, not as a frame. */
    @Override
    public void endReleased() {
        if (kinds.contains(FlowKind.SBI) && f.idsSeen >= 2 && f.messages > 0) sbiRow().released(f);
        f.reset();
    }

    private void tetherFrame() {
        int flow = (int) f.flow;
        tether(f.sender, f.target, flow).frame(f);
        // A frame with a bad CRC is counted as a frame and nothing more, as the ledger does: its header may be damaged.
        if (f.crcBad) return;
        // Grants and NACKs from this sender are about the reverse direction (target → sender).
        if (f.grant != 0) tether(f.target, f.sender, flow).granted(f.grant);
        if (f.nackSlot != 0 && flow != 0) tether(f.target, f.sender, flow).singletonNack();
        if (f.bulkNackFlow > 0) tether(f.target, f.sender, (int) f.bulkNackFlow).bulkNack(f.bulkNackSlots);
        // A Manifest describes the sender's own direction of the flow it names.
        if (f.manifestFlow != FrameFacts.ABSENT && f.manifestMatch != FrameFacts.ABSENT) {
            tether(f.sender, f.target, (int) f.manifestFlow).manifest(f.manifestMatch != 0);
        }
    }

    private UtcpFlow utcp(long srcHi, long srcLo, long dstHi, long dstLo) {
        return (UtcpFlow) touch(new UtcpKey(srcHi, srcLo, dstHi, dstLo),
                () -> new UtcpFlow(cellId(srcHi, srcLo), cellId(dstHi, dstLo), f.number, config));
    }

    private TetherFlow tether(long sender, long target, int flow) {
        return (TetherFlow) touch(new TetherKey(sender, target, flow),
                () -> new TetherFlow(dev.cellscope.field.FieldFormat.mac(sender), dev.cellscope.field.FieldFormat.mac(target),
                        flow, f.number, config));
    }

    private SbiFlow sbi(long aHi, long aLo, long bHi, long bLo) {
        return (SbiFlow) touch(new SbiKey(aHi, aLo, bHi, bLo), () -> new SbiFlow(cellId(aHi, aLo), cellId(bHi, bLo), f.number, config));
    }

    private Flow touch(Object key, java.util.function.Supplier<Flow> create) {
        Flow flow = live.get(key); // moves it to the tail (most recently active)
        if (flow == null) {
            flow = create.get();
            live.put(key, flow);
            while (live.size() > config.maxFlows()) evict(live.entrySet().iterator());
            peakLive = Math.max(peakLive, live.size());
        }
        flow.lastActive = now;
        return flow;
    }

    private void evictIdle() {
        Iterator<Map.Entry<Object, Flow>> it = live.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Object, Flow> head = it.next();
            if (now - head.getValue().lastActive <= config.idleNanos()) break;
            listener.flow(head.getValue().row());
            it.remove();
            evicted++;
        }
    }

    private void evict(Iterator<Map.Entry<Object, Flow>> it) {
        Flow oldest = it.next().getValue();
        it.remove();
        evicted++;
        capEvicted++;
        listener.flow(oldest.row());
    }

    /**
     * Moves the table's clock to {@code nanos} (epoch ns) without a frame, evicting the rows idle
     * for longer than {@link Config#idleNanos} by then: a live source's wall clock, so that flows
     * on a wire gone quiet still end. The clock never goes back (an earlier time does nothing).
     */
    public void advanceTo(long nanos) {
        if (nanos <= now) return;
        now = nanos;
        evictIdle();
    }

    /**
     * Hands the row of every live flow, as it stands, to {@code to}, in order of first appearance,
     * and keeps them live: a periodic report of long flows. The table is not changed (not even the
     * order in which rows are evicted), so the rows written at their end are those without it.
     */
    public void snapshot(FlowListener to) {
        List<Flow> all = new ArrayList<>(live.values());
        all.sort(Comparator.comparingLong(fl -> fl.createdAt));
        for (Flow fl : all) to.flow(fl.row());
    }

    /** Hands every row still live to the listener, in order of first appearance, and empties the table. */
    public void finish() {
        List<Flow> rest = new ArrayList<>(live.values());
        live.clear();
        rest.sort(Comparator.comparingLong(fl -> fl.createdAt));
        for (Flow fl : rest) listener.flow(fl.row());
    }

    /** Rows currently live. */
    public int liveFlows() {
        return live.size();
    }

    /** Most rows live at once so far. */
    public long peakLiveFlows() {
        return peakLive;
    }

    /** Rows handed over before {@link #finish()}. */
    public long evictedFlows() {
        return evicted;
    }

    /** Rows handed over early because more than {@link Config#maxFlows} were live (part of {@link #evictedFlows()}). */
    public long cappedFlows() {
        return capEvicted;
    }

    /** Frames seen ({@code endFrame} calls). */
    public long frames() {
        return frames;
    }

    static String cellId(long hi, long lo) {
        return hex16(hi) + hex16(lo);
    }

    private static String hex16(long v) {
        String h = Long.toHexString(v);
        return "0".repeat(16 - h.length()) + h;
    }
}
