package dev.cellscope.gui.model;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.filter.DisplayFilter;
import dev.cellscope.filter.FilterSink;
import dev.cellscope.io.Packet;
import dev.cellscope.session.CaptureSession;
import dev.cellscope.session.FileSource;
import dev.cellscope.session.FrameConsumer;
import dev.cellscope.session.Progress;
import dev.cellscope.session.SessionOptions;
import dev.cellscope.session.SessionResult;
import dev.cellscope.session.SourceException;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Applying a display filter: a session over the capture with the analysis the list was made with,
 * collecting the numbers of the frames that match ({@code cellscope read -Y} does the same). Runs
 * on the caller's thread; {@link #progress()} and {@link #cancel()} from any other.
 */
public final class FilterRun {
    private final DisplayFilter filter;
    private final CaptureSession session;
    private int[] matches = new int[1024];
    private volatile int count;

    public FilterRun(Path file, DisplayFilter filter) {
        this.filter = filter;
        // as `cellscope read -Y`: conversation analysis only when the filter reads a field it makes
        boolean analysed = filter.fields().stream().anyMatch(FilterRun::analysed);
        this.session = new CaptureSession(new FileSource(file), SessionOptions.of(analysed ? CaptureLoad.ANALYSIS : null));
    }

    /**
     * Whether a field is made by the conversation analysis (links, reassembled SBI, findings), the
     * rule {@code cellscope read} uses to decide whether a filter needs it.
     */
    static boolean analysed(dev.cellscope.field.FieldDef f) {
        String n = f.name();
        return n.startsWith("utcp.analysis") || n.equals("utcp.stream") || n.startsWith("sbi") || n.startsWith("tether.analysis")
                || n.startsWith("expert") || n.equals("frame.protocols");
    }

    public Progress progress() {
        return session.progress();
    }

    public void cancel() {
        session.cancel();
    }

    /** Frames found so far (a progress figure). */
    public int found() {
        return count;
    }

    /** Reads the capture; the 0-based indexes of the matching frames, in order, or null when cancelled. */
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
                if (filter.matches(sink)) {
                    if (count == matches.length) matches = Arrays.copyOf(matches, count * 2);
                    matches[count] = n;
                    count++;
                }
                n++;
            }
        });
        return r.cancelled() ? null : Arrays.copyOf(matches, count);
    }
}
