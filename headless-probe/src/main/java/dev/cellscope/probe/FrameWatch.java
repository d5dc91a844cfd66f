package dev.cellscope.probe;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.expert.Expert;
import dev.cellscope.expert.ExpertGroup;
import dev.cellscope.expert.Severity;
import dev.cellscope.expert.UtcpExperts;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FieldFormat;
import dev.cellscope.field.FieldRegistry;
import dev.cellscope.field.FrameFields;
import dev.cellscope.field.SbiFields;
import dev.cellscope.field.TetherFields;
import dev.cellscope.field.UtcpFields;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The sink through which the probe watches each frame: its protocol and length, the analysis
 * verdicts the metrics count (NACKs, retransmissions, overruns, verified blocks), and its expert
 * findings, which go to the metrics and, at warn and above, to the findings file with the frame's
 * flow key (the key columns of its flow CSV row). Capture thread only.
 */
final class FrameWatch implements FieldSink {
    private static final ValueLayout.OfLong U64_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int SBI_NACK = 0xF1;

    private final ProbeMetrics metrics;
    private final FindingsWriter findings;

    // The frame being dissected.
    private long number = -1, time, len;
    private boolean utcp, tether, sbi, nack, malformed;
    /** A CellID of the frame is not in the address book: the metric counts the frame once, however many are. */
    private boolean unknownCell;
    /** The frame's UTCP CellIDs as two big-endian halves each: made text only for a frame with findings (most have none). */
    private long srcHi, srcLo, dstHi, dstLo;
    private boolean hasSrc, hasDst;
    private long stream = -1, sender = -1, target = -1, flow = -1;
    private final List<Expert> experts = new ArrayList<>();
    /** After the last frame, messages released from behind holes: counted, their findings are end findings. */
    private boolean releasing;

    FrameWatch(ProbeMetrics metrics, FindingsWriter findings) {
        this.metrics = metrics;
        this.findings = findings;
    }

    /** The fields read below, by field id: asked for every field of every frame, so a lookup, not 17 comparisons. */
    private static final boolean[] WANTED = FieldRegistry.mask(FrameFields.NUMBER, FrameFields.TIME, FrameFields.LEN, UtcpFields.FLAGS,
            UtcpFields.SRC, UtcpFields.DST, UtcpFields.STREAM, UtcpFields.RETRANSMISSION,
            TetherFields.SENDER, TetherFields.TARGET, TetherFields.FLOW, TetherFields.OVERRUN,
            TetherFields.NACK_SLOT, TetherFields.NACK_FLOW, TetherFields.RESENT, SbiFields.OP, SbiFields.PUT_VERIFIED);

    @Override
    public boolean wants(FieldDef f) {
        return WANTED[f.id()];
    }

    @Override
    public void protocol(FieldDef field, int offset, int length) {
        if (field == UtcpFields.UTCP) utcp = true;
        else if (field == TetherFields.TETHER) tether = true;
        else if (field == SbiFields.SBI) sbi = true;
    }

    @Override
    public void number(FieldDef f, int offset, int length, long v) {
        if (f == FrameFields.NUMBER) number = v;
        else if (f == FrameFields.TIME) time = v;
        else if (f == FrameFields.LEN) len = v;
        else if (f == UtcpFields.FLAGS) nack = (v & UtcpFields.NACK) != 0;
        else if (f == UtcpFields.STREAM) stream = v;
        else if (f == UtcpFields.RETRANSMISSION) { if (v != 0) metrics.utcpRetransmission(); }
        else if (f == TetherFields.SENDER) sender = v;
        else if (f == TetherFields.TARGET) target = v;
        else if (f == TetherFields.FLOW) flow = v;
        else if (f == TetherFields.OVERRUN) { if (v != 0) metrics.overrun(); }
        else if (f == TetherFields.NACK_SLOT) { if (v != 0) metrics.tetherNack(); }
        else if (f == TetherFields.NACK_FLOW) metrics.tetherNack(); // one bulk Nack entry per flow it names
        else if (f == TetherFields.RESENT) { if (v != 0) metrics.tetherResent(); }
        else if (f == SbiFields.OP) { if (v == SBI_NACK) metrics.sbiNack(); }
        else if (f == SbiFields.PUT_VERIFIED) {
            if (v != 0) metrics.verified();
            else metrics.failed();
        }
    }

    @Override
    public void bytes(FieldDef f, int offset, int length, MemorySegment seg, long from, int count) {
        if ((f != UtcpFields.SRC && f != UtcpFields.DST) || count != 16) return;
        long hi = seg.get(U64_BE, from), lo = seg.get(U64_BE, from + 8);
        if (f == UtcpFields.SRC) {
            srcHi = hi;
            srcLo = lo;
            hasSrc = true;
        } else {
            dstHi = hi;
            dstLo = lo;
            hasDst = true;
        }
    }

    @Override
    public void text(FieldDef field, int offset, int length, String value) {}

    @Override
    public void expert(Expert e, int offset, int length) {
        if (releasing) return;
        metrics.finding(e.severity(), e.group());
        if (e.severity() == Severity.ERROR && e.group() == ExpertGroup.MALFORMED) malformed = true;
        if (e.kind() == UtcpExperts.UNKNOWN_CELL) unknownCell = true; // one finding per unknown CellID, up to two

        if (e.severity().compareTo(Severity.WARN) >= 0) experts.add(e);
    }

    /** End findings (no frame) the metrics count by kind; a frame's are counted once per frame in endFrame. */
    void counted(Expert e) {
        if (e.kind() == UtcpExperts.UNKNOWN_CELL) metrics.unknownCellId();
    }

    @Override
    public void endFrame() {
        ProbeMetrics.Protocol p = sbi ? ProbeMetrics.Protocol.SBI : utcp ? ProbeMetrics.Protocol.UTCP
                : tether ? ProbeMetrics.Protocol.TETHER : ProbeMetrics.Protocol.OTHER;
        metrics.frame(p, len);
        if (utcp && nack) metrics.utcpNack();
        if (malformed) metrics.parserDrop();
        if (unknownCell) metrics.unknownCellId();
        // every frame's time, not only a frame's with findings: the end findings are stamped with the last frame's
        // (user review: a tap-loss finding at the end carried the time of the frame after the gap)
        findings.seen(time);
        if (!experts.isEmpty()) {
            FindingsWriter.Flow key = utcp && hasSrc && hasDst ? FindingsWriter.Flow.utcp(hex(srcHi, srcLo), hex(dstHi, dstLo), stream)
                    : tether && sender >= 0 && target >= 0 ? FindingsWriter.Flow.tether(FieldFormat.mac(sender), FieldFormat.mac(target), flow)
                    : null;
            findings.frame(number, time, key, experts);
            experts.clear();
        }
        reset();
    }

    /** A CellID as 32 lower-case hex digits, as the flow CSV writes it. */
    private static String hex(long hi, long lo) {
        HexFormat h = HexFormat.of();
        return h.toHexDigits(hi) + h.toHexDigits(lo);
    }

    /** From now on, messages released when the source ended come (not frames). */
    void releasing() {
        releasing = true;
    }

    /** A message released at the capture's end is not a frame: its findings are among the end findings. */
    @Override
    public void endReleased() {
        experts.clear();
        reset();
    }

    private void reset() {
        number = -1;
        time = len = 0;
        utcp = tether = sbi = nack = malformed = unknownCell = false;
        hasSrc = hasDst = false;
        stream = sender = target = flow = -1;
    }
}
