package dev.cellscope.probe;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.expert.Expert;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FrameFields;
import dev.cellscope.flow.FlowCsv;
import dev.cellscope.flow.FlowKind;
import dev.cellscope.flow.FlowRow;
import dev.cellscope.flow.FlowTable;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;

/**
 * The flow records of {@code --flows DIR}: the flow table that {@code cellscope stats} builds
 * (the same {@link FlowTable}, fed the same fields), written as rolling CSV files in the columns
 * of docs/CSV.md plus a last column {@code record}: {@code end} when the flow ended (evicted idle,
 * evicted by the cap, or live when the probe stopped) and {@code interval} for each flow still
 * active when an interval closes.
 *
 * <p>One file per interval, {@code flows-<UTC start>.csv}, written under a temporary name and
 * renamed when the interval closes: a consumer watching the directory sees only whole files, and
 * each appears once, complete. An interval without records makes no file.
 *
 * <p>Without a directory the table still runs (active flows, evictions) and nothing is written.
 *
 * <p>Time is the probe's clock: the capture time of the frames and, for a live source, the wall
 * clock too ({@link #advanceTo}), so idle flows end and intervals close on a quiet wire. The table
 * is touched by the capture thread at the end of each frame and by the clock and SIGHUP threads,
 * under one lock; the fields of a frame being dissected go to the table's own per-frame state,
 * which only the capture thread uses.
 */
final class FlowRecords implements FieldSink {
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final long intervalNanos;
    private final OutputFiles files;
    private final ProbeMetrics metrics;
    private final FlowTable table;
    private final Object lock = new Object();

    private long frameTime = Long.MIN_VALUE;
    private long now = Long.MIN_VALUE;
    private long intervalEnd = Long.MIN_VALUE;
    /** The open file of the current interval, or null before its first record. */
    private Interval current;
    private long currentStart;
    private boolean failing;
    private int publishedFlows = -1;

    private final class Interval {
        final OutputFiles.Output file;
        final Writer out;
        final FlowCsv csv;
        final String name;

        Interval(long start) throws IOException {
            name = "flows-" + NAME.format(Instant.ofEpochSecond(0, start)) + ".csv";
            file = files.create(dir.resolve(name));
            out = new BufferedWriter(new OutputStreamWriter(file.open(), StandardCharsets.UTF_8), 1 << 16);
            csv = new FlowCsv(out, EnumSet.allOf(FlowKind.class), "record");
        }
    }

    FlowRecords(Path dir, long intervalNanos, FlowTable.Config config, OutputFiles files, ProbeMetrics metrics) {
        this.dir = dir;
        this.intervalNanos = intervalNanos;
        this.files = files;
        this.metrics = metrics;
        this.table = new FlowTable(config, EnumSet.allOf(FlowKind.class), row -> record(row, true));
        metrics.flowsCapped(table::cappedFlows);
    }

    // ---- the probe's clock ----

    /** Moves the clock to {@code nanos} (wall clock of a live source): ends idle flows, closes a finished interval. */
    void advanceTo(long nanos) {
        synchronized (lock) {
            roll(nanos);
            table.advanceTo(nanos);
            activeFlows();
        }
    }

    /** Closes the intervals that ended by {@code t}: active flows are recorded, the file is put in place. */
    private void roll(long t) {
        if (t <= now) return;
        now = t;
        if (intervalEnd == Long.MIN_VALUE) {
            intervalEnd = Math.floorDiv(t, intervalNanos) * intervalNanos + intervalNanos;
            currentStart = intervalEnd - intervalNanos;
            return;
        }
        if (t < intervalEnd) return;
        table.snapshot(row -> record(row, false));
        commit();
        intervalEnd = Math.floorDiv(t, intervalNanos) * intervalNanos + intervalNanos;
        currentStart = intervalEnd - intervalNanos;
    }

    /** SIGHUP: the current file is finished now and the next records go to a new one. */
    void rotate() {
        synchronized (lock) {
            commit();
            if (now != Long.MIN_VALUE) currentStart = now;
        }
    }

    private void record(FlowRow row, boolean end) {
        if (dir == null) return; // no --flows: the table runs for the metrics only
        try {
            if (current == null) current = new Interval(currentStart == Long.MIN_VALUE ? Math.max(now, 0) : currentStart);
            current.csv.flow(row, end ? "end" : "interval");
            metrics.flowRecord(end);
        } catch (IOException | UncheckedIOException | ProbeException e) {
            failed(e);
        } catch (RuntimeException e) {
            // A face's output rule (e.g. the CLI's one-line errors) reports a file it cannot make.
            failed(e);
        }
    }

    private void commit() {
        Interval i = current;
        current = null;
        if (i == null) return;
        try {
            i.csv.close();
            i.out.close();
            i.file.commit();
            if (failing) System.err.println("cellscope: --flows " + dir + ": writing again");
            failing = false;
        } catch (IOException | RuntimeException e) {
            i.file.close();
            failed(e);
        }
    }

    private void failed(Exception e) {
        metrics.outputError();
        Throwable c = e instanceof UncheckedIOException u ? u.getCause() : e;
        String why = c instanceof IOException io ? ProbeException.reason(io) : c.getMessage();
        if (!failing) System.err.println("cellscope: --flows " + dir + ": cannot write flow records: " + why + " (records are lost until it can)");
        failing = true;
        if (current != null) {
            current.file.close();
            current = null;
        }
    }

    /** At the end: every live flow is recorded as ended, and the last file put in place. */
    void finish() {
        synchronized (lock) {
            table.finish();
            commit();
            publishedFlows = 0;
            metrics.activeFlows(0);
        }
    }

    /** The gauge follows the table; set only when the count changed (most frames add no flow), under the lock. */
    private void activeFlows() {
        int n = table.liveFlows();
        if (n != publishedFlows) {
            publishedFlows = n;
            metrics.activeFlows(n);
        }
    }

    // ---- the flow table's sink, plus the frame time ----

    @Override
    public boolean wants(FieldDef field) {
        return field == FrameFields.TIME || table.wants(field);
    }

    @Override
    public boolean wantsLayer(FieldDef protocol) {
        return table.wantsLayer(protocol);
    }

    @Override
    public boolean wantsExperts() {
        return false;
    }

    @Override
    public void protocol(FieldDef field, int offset, int length) {
        table.protocol(field, offset, length);
    }

    @Override
    public void number(FieldDef field, int offset, int length, long value) {
        if (field == FrameFields.TIME) frameTime = value;
        table.number(field, offset, length, value);
    }

    @Override
    public void bytes(FieldDef field, int offset, int length, MemorySegment seg, long from, int count) {
        table.bytes(field, offset, length, seg, from, count);
    }

    @Override
    public void text(FieldDef field, int offset, int length, String value) {
        table.text(field, offset, length, value);
    }

    @Override
    public void expert(Expert expert, int offset, int length) {}

    @Override
    public void gsoSegment(int index, int wireLength) {
        synchronized (lock) {
            table.gsoSegment(index, wireLength);
        }
    }

    @Override
    public void endFrame() {
        synchronized (lock) {
            // The interval closes before the frame that starts the next one is counted.
            if (frameTime != Long.MIN_VALUE) roll(frameTime);
            table.endFrame();
            activeFlows();
        }
        frameTime = Long.MIN_VALUE;
    }

    @Override
    public void endReleased() {
        synchronized (lock) {
            table.endReleased();
        }
    }
}
