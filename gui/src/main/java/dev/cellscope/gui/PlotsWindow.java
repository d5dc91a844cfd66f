package dev.cellscope.gui;

import dev.cellscope.gui.model.CaptureLoad;
import dev.cellscope.gui.model.FrameIndex;
import dev.cellscope.gui.model.LoadedCapture;
import dev.cellscope.gui.model.SeriesRun;
import dev.cellscope.gui.view.PlotsView;
import javafx.application.Platform;
import javafx.scene.control.Label;
import javafx.stage.FileChooser;
import javafx.stage.Stage;

import java.util.Locale;

/**
 * The main window's plots window: one at a time, following the display filter and a live capture
 * (the plots themselves are the charts module's, in {@link PlotsView}).
 */
final class PlotsWindow {
    private final MainWindow w;
    private Stage stage;
    private SeriesRun seriesRun;

    PlotsWindow(MainWindow w) {
        this.w = w;
    }

    /** Closes the window and stops a plot being made (the capture is closed). */
    void close() {
        if (stage != null) stage.close();
        stage = null;
        SeriesRun sr = seriesRun;
        seriesRun = null;
        if (sr != null) sr.cancel();
    }

    /**
     * The plots window (one; brought to the front when open). Plots follow the display filter: with a
     * filter applied they show the displayed frames only, made again in the background whenever the
     * filter changes (the whole capture's series, made while it was read, otherwise).
     */
    Stage open() {
        if (w.loaded() == null && w.live == null && !w.ready("Plots")) return null;
        if (w.load == null) return null;
        if (stage != null && stage.isShowing()) {
            stage.toFront();
            return stage;
        }
        stage = w.window("Plots — " + w.load.file().getFileName(), new Label("Plotting…"), 1100, 740);
        refresh();
        return stage;
    }

    /**
     * Shows the plots of what the list shows now in the plots window, if it is open: the series made
     * while the capture was read, or (a filter applied, or a live capture running) a session that feeds
     * the charts' series the shown frames. During a live capture the live tick calls it every two
     * seconds: the plots follow the capture (each time over the frames so far).
     */
    void refresh() {
        Stage s = stage;
        CaptureLoad l = w.load;
        if (s == null || !s.isShowing() || l == null) return;
        LoadedCapture c = w.loaded();
        boolean capturing = c == null;
        if (capturing && seriesRun != null) return; // the last refresh is still being made: the next tick
        SeriesRun old = seriesRun;
        seriesRun = null;
        if (old != null) old.cancel();
        String applied = w.table().rows().filtered() ? w.filter.getText().trim() : "";
        s.setTitle("Plots — " + l.file().getFileName() + (capturing ? " (capturing)" : "")
                + (applied.isEmpty() ? "" : " — displayed frames, filter: " + applied));
        if (!capturing && applied.isEmpty()) {
            s.getScene().setRoot(plotsView(c.index(), c.series()));
            return;
        }
        int[] frames = w.table().rows().shownInFrameOrder();
        if (!(s.getScene().getRoot() instanceof PlotsView) || !capturing) {
            Label wait = new Label(String.format(Locale.ROOT, "Plotting the %,d displayed frames…", frames.length));
            wait.setId("plots-wait");
            s.getScene().setRoot(wait);
        }
        if (capturing) l.flushSpool();
        SeriesRun run = new SeriesRun(l.file(), frames, l.index().size());
        seriesRun = run;
        w.worker.execute(() -> {
            try {
                var ts = run.run();
                Platform.runLater(() -> {
                    if (seriesRun != run || w.load != l || ts == null) return;
                    seriesRun = null;
                    if (s.isShowing()) s.getScene().setRoot(plotsView(l.index(), ts));
                });
            } catch (Exception e) {
                Platform.runLater(() -> {
                    if (seriesRun == run) seriesRun = null;
                    w.error("plots: " + e.getMessage());
                });
            }
        });
    }

    private PlotsView plotsView(FrameIndex index, dev.cellscope.flow.TimeSeries ts) {
        return new PlotsView(ts, seconds -> {
            int f = index.frameAt(index.firstNanos() + Math.round(seconds * 1e9));
            if (f < 0) return;
            // with a filter: the displayed frame at or before that time
            int row = w.table().rows().filtered() ? lastShownAtOrBefore(f) : f;
            if (row >= 0) w.selectFrameNumber(row + 1);
        }, () -> {
            FileChooser ch = new FileChooser();
            ch.setTitle("Export plot as PNG or SVG");
            ch.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("PNG image", "*.png"),
                    new FileChooser.ExtensionFilter("SVG drawing", "*.svg"));
            ch.setInitialFileName(w.baseName() + "-plot.png");
            var f = ch.showSaveDialog(w.stage());
            return f == null ? null : f.toPath();
        }, w.status::setText);
    }

    /** The last displayed frame at or before 0-based frame {@code f}, or -1. */
    private int lastShownAtOrBefore(int f) {
        int[] shown = w.table().rows().shownInFrameOrder();
        int at = java.util.Arrays.binarySearch(shown, f);
        if (at < 0) at = -at - 2;
        return at < 0 ? -1 : shown[at];
    }
}
