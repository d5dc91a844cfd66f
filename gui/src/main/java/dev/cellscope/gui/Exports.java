package dev.cellscope.gui;

import dev.cellscope.flow.FlowCsv;
import dev.cellscope.flow.FlowKind;
import dev.cellscope.flow.FlowRow;
import dev.cellscope.gui.model.SaveCopy;
import javafx.application.Platform;
import javafx.stage.FileChooser;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;

/** The main window's exports: the flow tables as CSV, the displayed frames as pcapng. */
final class Exports {
    private final MainWindow w;

    Exports(MainWindow w) {
        this.w = w;
    }

    void chooseExportFlows() {
        if (!w.ready("Export flows")) return;
        FileChooser c = new FileChooser();
        c.setTitle("Export flows as CSV");
        c.setInitialFileName(w.baseName() + "-flows.csv");
        var f = c.showSaveDialog(w.stage());
        if (f != null) exportFlows(f.toPath());
    }

    /** Writes the flow tables as {@code cellscope stats --flows} does (docs/CSV.md); false (and a message) on failure. */
    boolean exportFlows(Path to) {
        if (!w.ready("Export flows")) return false;
        try (Writer out = new BufferedWriter(Files.newBufferedWriter(to, StandardCharsets.UTF_8))) {
            try (FlowCsv csv = new FlowCsv(out, EnumSet.allOf(FlowKind.class))) {
                for (FlowRow r : w.loaded().flows()) csv.flow(r);
            }
            w.status.setText("Flows written to " + to);
            return true;
        } catch (IOException | RuntimeException e) {
            w.error(to + ": cannot write: " + e.getMessage());
            return false;
        }
    }

    void chooseSave() {
        if (!w.ready("Save As")) return;
        FileChooser c = new FileChooser();
        c.setTitle("Save displayed frames as pcapng");
        c.setInitialFileName(w.baseName() + "-saved.pcapng");
        var f = c.showSaveDialog(w.stage());
        if (f != null) saveAs(f.toPath(), null);
    }

    /** Saves the displayed frames as pcapng in the background; {@code done} (on the UI thread) gets the count or -1. */
    void saveAs(Path to, java.util.function.LongConsumer done) {
        if (!w.ready("Save As")) return;
        // in frame order, whatever column the list is sorted by
        int[] shown = w.table().rows().filtered() ? w.table().rows().shownInFrameOrder() : null;
        int[] frames = shown;
        Path from = w.loaded().file();
        w.worker.execute(() -> {
            long n;
            try {
                n = SaveCopy.write(from, frames, to);
                long written = n;
                Platform.runLater(() -> w.status.setText(String.format(Locale.ROOT, "%,d frames saved to %s", written, to)));
            } catch (Exception e) {
                n = -1;
                Platform.runLater(() -> w.error(to + ": cannot save: " + e.getMessage()));
            }
            long r = n;
            if (done != null) Platform.runLater(() -> done.accept(r));
        });
    }
}
