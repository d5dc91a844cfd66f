package dev.cellscope.gui.model;

import dev.cellscope.analysis.AnalysedFields;
import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.filter.DisplayFilter;
import dev.cellscope.filter.FilterSink;
import dev.cellscope.io.Packet;
import dev.cellscope.session.CaptureSession;
import dev.cellscope.session.FileSource;
import dev.cellscope.session.FrameConsumer;
import dev.cellscope.session.SessionOptions;
import dev.cellscope.session.SessionResult;
import dev.cellscope.session.SourceException;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Applying a display filter that reads analysed fields ({@link AnalysedFields}: links, SBI,
 * findings): a session over the capture with the analysis the list was made with, in frame order,
 * collecting the numbers of the frames that match ({@code cellscope read -Y} does the same). A
 * filter over a frame's own fields runs on the index instead ({@link IndexFilter}).
 */
public final class FilterRun implements FilterJob {
    private final DisplayFilter filter;
    private final CaptureSession session;
    /** Guarded by {@code this}: {@link #soFar()} reads it from the UI thread. */
    private int[] matches = new int[1024];
    private int count;

    public FilterRun(Path file, DisplayFilter filter) {
        this.filter = filter;
        // as `cellscope read -Y`: conversation analysis only when the filter reads a field it makes
        boolean analysed = AnalysedFields.anyAnalysed(filter.fields());
        this.session = new CaptureSession(new FileSource(file), SessionOptions.of(analysed ? CaptureLoad.ANALYSIS : null));
    }

    @Override
    public void cancel() {
        session.cancel();
    }

    @Override
    public double fraction() {
        var f = session.progress().fraction();
        return f.isPresent() ? f.getAsDouble() : Double.NaN;
    }

    @Override
    public synchronized Matches soFar() {
        return new Matches(matches, count);
    }

    private synchronized void add(int frame) {
        if (count == matches.length) matches = Arrays.copyOf(matches, count * 2);
        matches[count++] = frame;
    }

    @Override
    public int[] run() throws SourceException {
        FilterSink sink = filter.newSink();
        SessionResult r = session.run(new FrameConsumer() {
            int n;

            @Override
            public FieldSink sink() {
                sink.reset();
                return sink;
            }

            @Override
            public void frame(Packet p, FrameTiming timing) {
                if (filter.matches(sink)) add(n);
                n++;
            }
        });
        if (r.cancelled()) return null;
        synchronized (this) {
            return Arrays.copyOf(matches, count);
        }
    }
}
