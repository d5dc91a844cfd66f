package dev.cellscope.gui.model;

import dev.cellscope.analysis.AnalysisConfig;
import dev.cellscope.dissect.FieldSink;
import dev.cellscope.flow.FlowKind;
import dev.cellscope.flow.FlowRow;
import dev.cellscope.flow.FlowTable;
import dev.cellscope.flow.TimeSeriesOptions;
import dev.cellscope.flow.TimeSeriesSink;
import dev.cellscope.session.CaptureSession;
import dev.cellscope.session.FrameConsumer;
import dev.cellscope.session.Progress;
import dev.cellscope.session.SessionOptions;
import dev.cellscope.session.SessionResult;
import dev.cellscope.session.SourceException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * Opening a capture: one session, on a thread of its own, with conversation analysis and block
 * verification as {@code cellscope stats} runs it, feeding the frame index, the flow table and the
 * plots' time series at once. The list can show the frames indexed so far while it runs; the UI
 * polls {@link #progress()} and may {@link #cancel()}; nothing here blocks a caller.
 */
public final class CaptureLoad {
    /** The analysis `cellscope stats` runs (verification on, in parallel), so the flows view matches its CSV. */
    public static final AnalysisConfig ANALYSIS = new AnalysisConfig(null, true, true);

    private final Path file;
    private final FrameIndex index = new FrameIndex();
    private final CaptureSession session;
    private final IndexConsumer indexer;
    /** Live: the spool the frames are written to before they are indexed (null for a file). */
    private final LiveSpool spool;
    private final List<FlowRow> flows = Collections.synchronizedList(new ArrayList<>());
    private final FlowTable table = new FlowTable(FlowTable.Config.DEFAULT, EnumSet.allOf(FlowKind.class), flows::add);
    private final TimeSeriesSink series = new TimeSeriesSink(TimeSeriesOptions.DEFAULT);
    private final AnalysedValues analysed = new AnalysedValues();

    public CaptureLoad(Path file, List<ColourRule> colours) {
        this.file = file;
        IndexingSource source = new IndexingSource(file);
        this.session = new CaptureSession(source, SessionOptions.of(ANALYSIS));
        this.indexer = new IndexConsumer(index, source::dataOffset, colours);
        this.spool = null;
    }

    /**
     * A live capture into the same views: every frame is written to {@code spool} (a pcapng file, as
     * Wireshark spools to a temporary file) before it is indexed, so the detail tree, the hex pane and,
     * once stopped, the filters, plots and Save As read it as they read a file.
     */
    public CaptureLoad(dev.cellscope.session.SourceOpener live, Path spool, List<ColourRule> colours) throws java.io.IOException {
        this.file = spool;
        this.spool = new LiveSpool(spool);
        this.session = new CaptureSession(live, SessionOptions.of(ANALYSIS));
        this.indexer = new IndexConsumer(index, p -> this.spool.lastOffset(), colours);
    }

    /** Live: the spool file's bytes written so far made readable (the store maps up to there); 0 for a file. */
    public long flushSpool() {
        return spool == null ? 0 : spool.flush();
    }

    /** The index, growing while the load runs. */
    public FrameIndex index() {
        return index;
    }

    public Path file() {
        return file;
    }

    public Progress progress() {
        return session.progress();
    }

    public void cancel() {
        session.cancel();
    }

    /**
     * Starts the session on a daemon thread; exactly one of the callbacks is called, on that thread,
     * when it ends: the capture (also when cancelled or damaged: {@link SessionResult} says), or the
     * one-line reason it could not be opened.
     */
    public Thread start(Consumer<LoadedCapture> done, Consumer<String> failed) {
        Thread t = Thread.ofPlatform().daemon().name("cellscope-open").unstarted(() -> {
            long t0 = System.nanoTime();
            try {
                List<FrameConsumer> consumers = new ArrayList<>();
                if (spool != null) consumers.add(spool); // first: the indexer asks where it wrote the frame
                consumers.addAll(List.of(indexer, flowConsumer(), () -> series, analysedConsumer()));
                SessionResult result;
                try {
                    result = session.run(consumers);
                } finally {
                    if (spool != null) spool.close();
                }
                List<FlowRow> rows;
                synchronized (flows) {
                    rows = List.copyOf(flows);
                }
                done.accept(new LoadedCapture(file, index, indexer.findings(), indexer.findingsDropped(), rows,
                        series.result(), result, (System.nanoTime() - t0) / 1_000_000, analysed));
            } catch (SourceException e) {
                failed.accept(e.getMessage());
            } catch (RuntimeException | OutOfMemoryError e) {
                failed.accept(file + ": " + e);
            }
        });
        t.start();
        return t;
    }

    /** Records what the analysis adds to each frame; complete when the session read to the end. */
    private FrameConsumer analysedConsumer() {
        return new FrameConsumer() {
            @Override
            public FieldSink sink() {
                return analysed.sink();
            }

            @Override
            public void frame(dev.cellscope.io.Packet packet, dev.cellscope.dissect.FrameTiming timing) {
                analysed.endFrame();
            }

            @Override
            public void end(SessionResult result) {
                if (!result.cancelled()) analysed.complete();
            }
        };
    }

    private FrameConsumer flowConsumer() {
        return new FrameConsumer() {
            @Override
            public FieldSink sink() {
                return table;
            }

            @Override
            public FieldSink releasedSink() {
                return table; // as `cellscope stats`: messages held behind a hole to the end count in their SBI row
            }

            @Override
            public void end(SessionResult result) {
                table.finish();
            }
        };
    }
}
