package dev.cellscope.gui.model;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.flow.TimeSeries;
import dev.cellscope.flow.TimeSeriesOptions;
import dev.cellscope.flow.TimeSeriesSink;
import dev.cellscope.io.Packet;
import dev.cellscope.session.CaptureSession;
import dev.cellscope.session.FileSource;
import dev.cellscope.session.FrameConsumer;
import dev.cellscope.session.SessionOptions;
import dev.cellscope.session.SourceException;

import java.nio.file.Path;
import java.util.BitSet;

/**
 * The plots' time series of the frames a display filter shows (plots follow the filter, as
 * Wireshark's I/O graph does): a session with the analysis the list was made with, feeding the
 * charts module's {@link TimeSeriesSink} only the shown frames. Times stay relative to the
 * capture's first frame, so a click on a plot still selects the frame at that time.
 */
public final class SeriesRun {
    private final CaptureSession session;
    private final BitSet shown = new BitSet();

    /** {@code frames}: 0-based indexes of the frames to plot. */
    public SeriesRun(Path file, int[] frames) {
        this(file, frames, Long.MAX_VALUE);
    }

    /** Reading no more than {@code maxFrames} frames (a live capture's spool: those written so far). */
    public SeriesRun(Path file, int[] frames, long maxFrames) {
        for (int f : frames) shown.set(f);
        this.session = new CaptureSession(new FileSource(file), SessionOptions.of(CaptureLoad.ANALYSIS).withMaxFrames(maxFrames));
    }

    public void cancel() {
        session.cancel();
    }

    /** The series, or null when cancelled; on the caller's thread (a pass over the capture). */
    public TimeSeries run() throws SourceException {
        TimeSeriesSink series = new TimeSeriesSink(TimeSeriesOptions.DEFAULT);
        var r = session.run(new FrameConsumer() {
            int next;

            @Override
            public FieldSink sink() {
                return shown.get(next) ? series : FieldSink.discard();
            }

            @Override
            public void frame(Packet p, FrameTiming timing) {
                next++;
            }
        });
        return r.cancelled() ? null : series.result();
    }
}
