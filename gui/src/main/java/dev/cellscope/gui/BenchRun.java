package dev.cellscope.gui;

import javafx.animation.AnimationTimer;
import javafx.application.Platform;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The scale measurement behind bench/gui-open.sh (environment variable {@code CELLSCOPE_GUI_BENCH}: the filter to time, or empty):
 * opens a capture in the real window and prints when the list first showed rows (scrollable: the
 * table is virtualized over the growing index), when the whole capture was read, the heap after a
 * GC and per indexed frame, and how long a display filter took; then quits. Not used otherwise.
 */
final class BenchRun {
    private final MainWindow window;
    private final String filter;
    private final long t0 = System.nanoTime();
    private long firstRows = -1, loaded = -1, filterStart = -1;
    private int filterRuns;
    /** The filter is applied this long after the capture was read, as a person types it (the window warms up meanwhile). */
    private static final long TYPING = 3_000_000_000L;
    private long typedAt = -1;

    BenchRun(MainWindow window, String filter) {
        this.window = window;
        this.filter = filter;
    }

    void run(Path file) {
        window.open(file);
        new AnimationTimer() {
            @Override
            public void handle(long now) {
                if (firstRows < 0 && !window.table().getItems().isEmpty()) {
                    firstRows = System.nanoTime();
                    // scroll to the end of what is there: the list is usable, not just drawn
                    window.table().scrollTo(window.table().getItems().size() - 1);
                    print("first rows shown (scrollable list)", firstRows, window.table().getItems().size() + " frames indexed so far");
                }
                if (loaded < 0 && window.loaded() != null) {
                    loaded = System.nanoTime();
                    print("capture read (analysis, flows, plots' series done)", loaded, window.loaded().index().size() + " frames");
                    heap();
                    if (filter.isBlank()) {
                        stop();
                        Platform.exit();
                        return;
                    }
                    typedAt = System.nanoTime() + TYPING;
                }
                if (typedAt > 0 && filterStart < 0 && System.nanoTime() >= typedAt) {
                    filterStart = System.nanoTime();
                    window.applyFilter(filter);
                }
                if (filterStart > 0 && window.status().getText().contains("filtered in")) {
                    long done = System.nanoTime();
                    filterRuns++;
                    System.out.printf(Locale.ROOT, "filter '%s' (%s): %.2f s, %s%n", filter, filterRuns == 1 ? "first" : "again",
                            (done - filterStart) / 1e9, window.status().getText());
                    if (filterRuns == 1) {
                        // the same filter again: its code compiled (JIT) and the capture's pages mapped in this process
                        window.applyFilter("");
                        filterStart = System.nanoTime();
                        window.applyFilter(filter);
                        return;
                    }
                    heap();
                    stop();
                    Platform.exit();
                }
                if (window.lastError().length() > 0) {
                    System.out.println("error: " + window.lastError());
                    stop();
                    Platform.exit();
                }
            }
        }.start();
    }

    private void print(String what, long at, String detail) {
        System.out.printf(Locale.ROOT, "%-52s %7.2f s  (%s)%n", what + ":", (at - t0) / 1e9, detail);
    }

    private void heap() {
        System.gc();
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        var index = window.loaded().index();
        System.out.printf(Locale.ROOT, "heap used after GC: %,d MB; index %,d MB = %.0f bytes per indexed frame%n",
                used >> 20, index.footprintBytes() >> 20, (double) index.footprintBytes() / Math.max(1, index.size()));
        long analysed = window.loaded().analysed().bytes();
        System.out.printf(Locale.ROOT, "recorded analysis (for analysed filters): %,d MB = %.0f bytes per frame%n",
                analysed >> 20, (double) analysed / Math.max(1, index.size()));
    }
}
