package dev.cellscope.gui;

import dev.cellscope.filter.DisplayFilter;
import dev.cellscope.filter.FilterException;
import dev.cellscope.gui.model.CaptureLoad;
import dev.cellscope.gui.model.ColourRule;
import dev.cellscope.gui.model.FilterJob;
import dev.cellscope.gui.model.FilterRun;
import dev.cellscope.gui.model.IndexFilter;
import dev.cellscope.gui.model.FrameDetail;
import dev.cellscope.gui.model.FrameIndex;
import dev.cellscope.gui.model.FrameStore;
import dev.cellscope.gui.model.LoadedCapture;
import dev.cellscope.gui.view.DetailPane;
import dev.cellscope.gui.view.ExpertView;
import dev.cellscope.gui.view.FlowsView;
import dev.cellscope.gui.view.PacketTable;
import dev.cellscope.gui.view.PreferencesView;
import dev.cellscope.session.CaptureSession;
import dev.cellscope.session.Progress;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.util.Duration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The main window, laid out as Wireshark's: menus and a tool bar, the display-filter bar, the
 * packet list over the detail tree and the hex pane, a status bar with load progress and Cancel.
 * Everything that reads the capture runs on a worker thread; the UI thread only polls and shows.
 */
public final class MainWindow {
    static final String OK_STYLE = "-fx-control-inner-background: #afffaf;", BAD_STYLE = "-fx-control-inner-background: #ffafaf;";

    private final Stage stage;
    private final ColourRuleStore colourStore = new ColourRuleStore();
    /** The colouring rules (Preferences; saved); a capture is coloured by those in force when it was read or recoloured. */
    private List<ColourRule> colours = colourStore.load();
    private final java.util.prefs.Preferences settings = java.util.prefs.Preferences.userRoot().node("dev/cellscope/gui/settings");
    private Stage preferencesStage;
    private dev.cellscope.gui.model.Recolour recolour;
    private final PacketTable table = new PacketTable();
    private final DetailPane detail = new DetailPane(this::applyFilter, f -> filterField().setText(f), this::addColumn);
    /** "Apply as column" fields, kept across runs (most recent first in the store; shown in the order added). */
    private final RecentFiles columnPrefs = new RecentFiles("columns");
    private final java.util.Map<String, javafx.scene.control.TableColumn<Integer, String>> fieldColumns = new java.util.LinkedHashMap<>();
    final TextField filter = new TextField();
    private final Label filterMessage = new Label();
    final TextField find = new TextField(), goTo = new TextField();
    private final HBox jumpBar;
    private final ProgressBar progress = new ProgressBar(0);
    private final Button cancel = new Button("Cancel");
    final Label status = new Label("Open a capture: File > Open (Ctrl+O), or drop a file here");
    final Menu recentMenu = new Menu("Open Recent");
    final MenuItem liveItem = new MenuItem("Start live capture…");
    private final RecentFiles recent = new RecentFiles("recent");
    private final RecentFiles history = new RecentFiles("filters");
    private int historyAt = -1;
    /** Reads for the detail tree, filters and saves: one at a time, never on the UI thread. */
    final ExecutorService worker = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("cellscope-worker").unstarted(r));
    private final AtomicReference<CaptureSession> detailSession = new AtomicReference<>();

    CaptureLoad load;
    private LoadedCapture loaded;
    /** volatile: a sort by a field column reads frames on its own thread */
    private volatile FrameStore store;
    private Timeline poll;
    /** The filter being applied (null: none); its result is shown only while it is still this one. */
    private FilterJob filterRun;
    private final PlotsWindow plots = new PlotsWindow(this);
    private final Exports exports = new Exports(this);
    private String lastError = "";

    public MainWindow(Stage stage) {
        this.stage = stage;
        stage.setTitle("cellscope");
        filter.setId("display-filter");
        filter.setPromptText("Apply a display filter … <Enter>  (e.g. utcp.flags.nack == 1, tether.flags.lamp == 1, expert.severity >= warn)");
        filterMessage.setId("filter-message");
        cancel.setId("cancel");
        progress.setId("progress");
        status.setId("status");
        find.setId("find-field");
        goTo.setId("goto-field");
        find.setPromptText("Find text in Source, Destination, Protocol or Info <Enter>");
        goTo.setPromptText("Go to frame number <Enter>");
        jumpBar = new HBox(6, new Label("Find:"), find, new Label("Go to:"), goTo);
        jumpBar.setPadding(new Insets(2, 6, 2, 6));
        jumpBar.setVisible(false);
        jumpBar.setManaged(false);
        HBox.setHgrow(find, Priority.ALWAYS);

        filter.textProperty().addListener((o, was, text) -> checkFilter(text));
        filter.setOnAction(e -> applyFilter(filter.getText()));
        // filter history, as the bar's drop-down in Wireshark: Up and Down walk the filters applied before
        filter.setOnKeyPressed(e -> {
            if (e.getCode() != KeyCode.UP && e.getCode() != KeyCode.DOWN) return;
            List<String> h = history.list();
            if (h.isEmpty()) return;
            historyAt = Math.max(-1, Math.min(h.size() - 1, historyAt + (e.getCode() == KeyCode.UP ? 1 : -1)));
            filter.setText(historyAt < 0 ? "" : h.get(historyAt));
            filter.end();
            e.consume();
        });
        find.setOnAction(e -> findNext(find.getText()));
        goTo.setOnAction(e -> goToFrame(goTo.getText()));
        cancel.setOnAction(e -> cancelWork());
        cancel.setDisable(true);
        table.getSelectionModel().selectedItemProperty().addListener((o, was, frame) -> select(frame == null ? -1 : frame));

        Button apply = new Button("Apply");
        apply.setOnAction(e -> applyFilter(filter.getText()));
        HBox filterBar = new HBox(6, filter, apply, filterMessage);
        filterBar.setPadding(new Insets(2, 6, 2, 6));
        HBox.setHgrow(filter, Priority.ALWAYS);

        SplitPane panes = new SplitPane(table, detail);
        panes.setOrientation(Orientation.VERTICAL);
        panes.setDividerPositions(0.5);
        HBox statusBar = new HBox(8, status, progress, cancel);
        statusBar.setPadding(new Insets(2, 6, 2, 6));
        HBox.setHgrow(status, Priority.ALWAYS);
        status.setMaxWidth(Double.MAX_VALUE);

        BorderPane root = new BorderPane(panes);
        MainMenus menus = new MainMenus(this);
        root.setTop(new VBox(menus.menuBar(), menus.toolBar(), filterBar, jumpBar));
        root.setBottom(statusBar);
        Scene scene = new Scene(root, 1280, 820);
        scene.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) e.acceptTransferModes(TransferMode.COPY);
            e.consume();
        });
        scene.setOnDragDropped(e -> {
            boolean ok = e.getDragboard().hasFiles() && !e.getDragboard().getFiles().isEmpty();
            if (ok) open(e.getDragboard().getFiles().getFirst().toPath());
            e.setDropCompleted(ok);
            e.consume();
        });
        // Ctrl+→ / Ctrl+← (and Wireshark's own Ctrl+. / Ctrl+,): the conversation steps. A filter, because the packet
        // list would take Ctrl+arrows for moving its cell focus before the menu's accelerators see them; in a text
        // field they keep moving the caret by words.
        scene.addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (!e.isShortcutDown() || e.isAltDown() || e.isShiftDown() || scene.getFocusOwner() instanceof javafx.scene.control.TextInputControl) return;
            int by = switch (e.getCode()) {
                case RIGHT, PERIOD -> 1;
                case LEFT, COMMA -> -1;
                default -> 0;
            };
            if (by == 0) return;
            stepInConversation(by);
            e.consume();
        });
        stage.setScene(scene);
        stage.setOnHidden(e -> close());
        table.timeFormat(timeFormat());
        List<String> saved = new java.util.ArrayList<>(columnPrefs.list());
        java.util.Collections.reverse(saved);
        for (String name : saved) {
            var f = dev.cellscope.field.FieldRegistry.byName(name);
            if (f != null) addColumn(f, false);
        }
    }

    public Stage stage() { return stage; }
    public PacketTable table() { return table; }
    public DetailPane detail() { return detail; }
    public TextField filterField() { return filter; }
    public Label filterMessage() { return filterMessage; }
    public Label status() { return status; }
    /** The capture once fully read (null while it is read). */
    public LoadedCapture loaded() { return loaded; }
    /** The index of the capture open, also while it is read or captured (null: none). */
    public FrameIndex loadingIndex() { return load == null ? null : load.index(); }
    /** The last error shown to the user, for tests. */
    public String lastError() { return lastError; }

    // ---- opening ----

    void chooseOpen() {
        FileChooser c = new FileChooser();
        c.setTitle("Open capture");
        c.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("Captures", "*.pcapng", "*.pcap", "*.cap"),
                new FileChooser.ExtensionFilter("All files", "*"));
        var f = c.showOpenDialog(stage);
        if (f != null) open(f.toPath());
    }

    /** Opens a capture in the background: the list fills as frames are indexed; the status bar shows progress. */
    public void open(Path file) {
        cancelWork();
        close();
        loaded = null;
        detail.show(null);
        filter.setStyle("");
        if (!Files.isRegularFile(file)) {
            error(file + ": no such file");
            return;
        }
        try {
            load = new CaptureLoad(file, colours);
            store = new FrameStore(file, load.index());
        } catch (IOException | RuntimeException e) {
            error(file + ": cannot read: " + e.getMessage());
            return;
        }
        recent.add(file);
        fillRecent();
        stage.setTitle(file.getFileName() + " — cellscope");
        CaptureLoad mine = load;
        begin(() -> showProgress("Loading", mine.progress(), mine.index().size() + " frames"), file.getFileName().toString(), "read");
    }

    /** Shows the load just made (a file or a live capture) as it fills; {@code tick} says how far it is, every 100 ms. */
    private void begin(Runnable tick, String name, String verb) {
        table.show(load.index(), colours);
        CaptureLoad mine = load;
        List<ColourRule> colouredWith = colours;
        cancel.setDisable(false);
        progress.setProgress(ProgressBar.INDETERMINATE_PROGRESS);
        startPolling(() -> {
            table.rows().grow();
            tick.run();
        });
        mine.start(c -> Platform.runLater(() -> {
            if (load != mine) return;
            stopPolling();
            table.rows().grow();
            loaded = c;
            if (table.rows().ordered()) table.sort(); // sorted while reading: sort every frame now
            cancel.setDisable(true);
            progress.setProgress(c.result().cancelled() ? 0 : 1);
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s · Packets: %,d · Findings: %,d · Flows: %,d · %s in %.1f s",
                    name, c.index().size(), c.findings().size(), c.flows().size(), verb, c.millis() / 1000.0));
            if (c.result().cancelled()) s.append(" · loading cancelled: the frames read so far are shown");
            c.result().damage().ifPresent(d -> s.append(" · damaged: ").append(d.message()));
            if (live != null) s.append(" · ").append(drops(live.stats()));
            live = null;
            status.setText(s.toString());
            if (table.getSelectionModel().isEmpty() && c.index().size() > 0) table.getSelectionModel().select(0);
            if (colouredWith != colours) recolourNow(); // the rules were edited while it was read
            if (!c.result().cancelled() && spool == null) warmUp(c);
            refreshPlots(); // a plots window opened while capturing: the whole capture now
            if (liveFilter != null) {
                liveFilter = null;
                applyFilter(filter.getText()); // the whole capture now, as any filter
            }
        }), message -> Platform.runLater(() -> {
            if (load != mine) return;
            stopPolling();
            live = null;
            cancel.setDisable(true);
            progress.setProgress(0);
            error(message);
        }));
    }

    // ---- live capture ----

    /** The live capture running (null: none). */
    dev.cellscope.live.LiveCapture live;
    /** The file the last live capture was spooled to: deleted when another capture is opened. */
    private Path spool;

    void chooseLive() {
        if (live != null) {
            stopLive();
            return;
        }
        List<String> names;
        try {
            names = dev.cellscope.live.Interfaces.list().stream().map(dev.cellscope.live.CaptureInterface::name).toList();
        } catch (Exception e) {
            error("live capture: cannot list interfaces: " + e.getMessage());
            return;
        }
        if (names.isEmpty()) {
            error("live capture: no interface to capture on");
            return;
        }
        javafx.scene.control.ChoiceDialog<String> d = new javafx.scene.control.ChoiceDialog<>(names.getFirst(), names);
        d.initOwner(stage);
        d.setTitle("Start live capture");
        d.setHeaderText("Capture on which interface?");
        d.showAndWait().ifPresent(this::startLive);
    }

    /**
     * Captures on {@code iface} into the same views: the list grows while frames arrive (and follows
     * the newest while nothing is selected); the status bar shows packets, displayed and drops by cause.
     * Stop ends it as the end of a file: then filters, plots and Save As work on what was captured.
     */
    public boolean startLive(String iface) {
        cancelWork();
        close();
        loaded = null;
        detail.show(null);
        filter.setStyle("");
        try {
            Path to = Files.createTempFile("cellscope-live-" + iface.replaceAll("[^A-Za-z0-9_.-]", "_") + "-", ".pcapng");
            to.toFile().deleteOnExit();
            var capture = dev.cellscope.live.LiveCapture.of(null, dev.cellscope.live.LiveOptions.of(iface), null);
            load = new CaptureLoad(capture, to, colours);
            store = new FrameStore(to, load.index());
            live = capture;
            spool = to;
        } catch (Exception e) {
            error("live capture on " + iface + ": " + e.getMessage());
            return false;
        }
        stage.setTitle("Capturing on " + iface + " — cellscope");
        liveItem.setText("Stop live capture");
        CaptureLoad mine = load;
        var capture = live;
        begin(() -> {
            mine.flushSpool();
            liveFilterStep();
            if (++liveTicks % 20 == 0) refreshPlots();
            int n = mine.index().size();
            // follow the newest frames while the user has not picked one
            if (table.getSelectionModel().isEmpty() && n > 0) table.scrollTo(n - 1);
            status.setText(String.format(Locale.ROOT, "Capturing on %s… Packets: %,d · Displayed: %,d · %s", iface, n, table.getItems().size(),
                    drops(capture.stats())));
        }, "live capture on " + iface, "captured");
        return true;
    }

    /** The display filter applied during the live capture, if any. */
    private dev.cellscope.gui.model.LiveFilter liveFilter;
    private long liveTicks;

    private void startLiveFilter(DisplayFilter f, String text) {
        history.add(text.trim());
        historyAt = -1;
        liveFilter = new dev.cellscope.gui.model.LiveFilter(f, load.index(), store);
        table.rows().showOnly(new int[0], 0);
        liveFilterStep();
    }

    /** From the live tick: filters the frames that arrived since the last pass (on the worker), if none is running. */
    private void liveFilterStep() {
        var lf = liveFilter;
        IndexFilter job = lf == null ? null : lf.next();
        if (job == null) return;
        worker.execute(() -> {
            int[] m;
            try {
                m = job.run();
            } catch (RuntimeException e) {
                m = null; // given again on the next tick
            }
            int[] found = m;
            Platform.runLater(() -> {
                if (liveFilter != lf) return; // another filter, or another capture
                lf.accept(found);
                FilterJob.Matches all = lf.matches();
                table.rows().extend(all.frames(), all.count());
            });
        });
    }

    /** Stops the live capture: the frames captured are analysed to the end, then the views are complete. */
    public void stopLive() {
        var capture = live;
        liveItem.setText("Start live capture…");
        if (capture != null) capture.stop();
    }

    /** The drop counters of a live capture, by cause. */
    private static String drops(dev.cellscope.live.CaptureStats st) {
        return String.format(Locale.ROOT, "Dropped: %,d (kernel %s, interface %s, cellscope %,d)", st.dropped(),
                st.kernelDropped() < 0 ? "?" : String.format(Locale.ROOT, "%,d", st.kernelDropped()),
                st.interfaceDropped() < 0 ? "?" : String.format(Locale.ROOT, "%,d", st.interfaceDropped()), st.sourceDropped());
    }

    /** Whether a live capture is running. */
    public boolean capturing() {
        return live != null;
    }

    private void showProgress(String what, Progress p, String detailText) {
        if (p.fraction().isPresent()) progress.setProgress(p.fraction().getAsDouble());
        status.setText(String.format(Locale.ROOT, "%s %s… %s", what, load == null ? "" : load.file().getFileName(), detailText));
    }

    private void startPolling(Runnable tick) {
        stopPolling();
        poll = new Timeline(new KeyFrame(Duration.millis(100), e -> tick.run()));
        poll.setCycleCount(Timeline.INDEFINITE);
        poll.play();
    }

    private void stopPolling() {
        if (poll != null) poll.stop();
        poll = null;
    }

    private void cancelWork() {
        if (live != null) {
            stopLive(); // Cancel during a live capture stops it: what was captured stays
            return;
        }
        if (load != null && loaded == null) load.cancel();
        FilterJob f = filterRun;
        if (f != null) f.cancel();
    }

    private void close() {
        stopPolling();
        dev.cellscope.gui.model.Recolour rc = recolour;
        recolour = null;
        if (rc != null) rc.cancel();
        plots.close(); // of the capture closed
        cancelDetail();
        cancelFilter();
        liveFilter = null;
        if (live != null) live.stop();
        live = null;
        liveItem.setText("Start live capture…");
        if (load != null && loaded == null) load.cancel();
        FrameStore st = store;
        store = null;
        // unmapped once the worker is done with any read of it
        if (st != null) worker.execute(st::close);
        Path sp = spool;
        spool = null;
        if (sp != null) worker.execute(() -> {
            try {
                Files.deleteIfExists(sp); // the last live capture's spool: Save As keeps what should stay
            } catch (IOException ignored) {
                // deleted at exit
            }
        });
    }

    void error(String message) {
        lastError = message;
        status.setText("⚠ " + message);
    }

    void fillRecent() {
        recentMenu.getItems().clear();
        for (Path p : recent.paths()) {
            MenuItem m = new MenuItem(p.toString());
            m.setOnAction(e -> open(p));
            recentMenu.getItems().add(m);
        }
        recentMenu.setDisable(recentMenu.getItems().isEmpty());
    }

    // ---- selection, detail ----

    private void select(int frame) {
        cancelDetail();
        if (frame < 0 || store == null) {
            detail.show(null);
            return;
        }
        FrameIndex index = load.index();
        detail.show(FrameDetail.alone(store, index, frame));
        // The session is made and registered here, on the UI thread, before the worker may start it: a later
        // selection or filter then always finds it to cancel (made on the worker, it could start unseen and hold the
        // worker for a whole pass). Its tree is shown only for this capture and this selection.
        CaptureLoad mine = load;
        CaptureSession session = FrameDetail.session(mine.file(), frame + 1);
        detailSession.set(session);
        worker.execute(() -> {
            try {
                FrameDetail d = FrameDetail.analysed(session, frame + 1);
                detailSession.compareAndSet(session, null);
                if (d != null) Platform.runLater(() -> {
                    if (load == mine && table.selectedFrame() == frame) detail.show(d);
                });
            } catch (Exception e) {
                Platform.runLater(() -> {
                    if (load == mine) error("frame " + (frame + 1) + ": " + e.getMessage());
                });
            }
        });
    }

    /** Stops the analysed detail of the selection being made, if any (a new selection, a filter, another file). */
    private void cancelDetail() {
        CaptureSession running = detailSession.getAndSet(null);
        if (running != null) running.cancel();
    }

    /** Selects 1-based frame {@code number} in the list; false (and a message) when it is not shown. */
    public boolean selectFrameNumber(long number) {
        if (load == null || number < 1 || number > load.index().size()) {
            error("no frame " + number + (load == null ? "" : " (frames 1 to " + load.index().size() + ")"));
            return false;
        }
        if (!table.selectFrame((int) number - 1)) {
            error("frame " + number + " is hidden by the display filter");
            return false;
        }
        return true;
    }

    void step(int by) {
        int row = table.getSelectionModel().getSelectedIndex() + by;
        selectRow(row);
    }

    /**
     * Selects the next (or previous) displayed frame between the same two endpoints as the selected
     * one (Ctrl+→ / Ctrl+←, also Wireshark's Ctrl+. / Ctrl+,); false when there is none.
     */
    public boolean stepInConversation(int by) {
        int from = table.getSelectionModel().getSelectedIndex();
        if (load == null || from < 0) return false;
        FrameIndex index = load.index();
        int frame = table.getItems().get(from);
        for (int row = from + by; row >= 0 && row < table.getItems().size(); row += by) {
            if (index.sameConversation(frame, table.getItems().get(row))) {
                selectRow(row);
                return true;
            }
        }
        status.setText("No " + (by > 0 ? "later" : "earlier") + " displayed frame in this conversation");
        return false;
    }

    void selectRow(int row) {
        if (row < 0 || row >= table.getItems().size()) return;
        table.getSelectionModel().clearAndSelect(row);
        table.scrollTo(Math.max(0, row - 5));
    }

    void showJump(TextField field) {
        jumpBar.setVisible(true);
        jumpBar.setManaged(true);
        field.requestFocus();
        field.selectAll();
    }

    private void goToFrame(String text) {
        try {
            selectFrameNumber(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            error("go to: '" + text + "' is not a frame number");
        }
    }

    /** Selects the next displayed frame after the selection whose summary columns contain {@code text} (wrapping). */
    public boolean findNext(String text) {
        if (load == null || text.isBlank()) return false;
        FrameIndex index = load.index();
        String needle = text.toLowerCase(Locale.ROOT);
        int rows = table.getItems().size(), start = table.getSelectionModel().getSelectedIndex();
        for (int k = 1; k <= rows; k++) {
            int row = Math.floorMod(start + k, rows);
            int f = table.getItems().get(row);
            if ((index.info(f) + " " + index.source(f) + " " + index.destination(f) + " " + index.protocol(f))
                    .toLowerCase(Locale.ROOT).contains(needle)) {
                selectRow(row);
                return true;
            }
        }
        error("find: no displayed frame contains '" + text + "'");
        return false;
    }

    // ---- display filter ----

    /** Checks as the user types: green with nothing to say, red with the parser's message and caret column. */
    private void checkFilter(String text) {
        if (text.isBlank()) {
            filter.setStyle("");
            filterMessage.setText("");
            return;
        }
        try {
            DisplayFilter.compile(text);
            filter.setStyle(OK_STYLE);
            filterMessage.setText("");
        } catch (FilterException e) {
            filter.setStyle(BAD_STYLE);
            filterMessage.setText(e.getMessage() + " (column " + e.column() + ")");
        }
    }

    /**
     * Applies a filter in the background (blank: show every frame). A filter over a frame's own
     * fields runs over the index on every core ({@link IndexFilter}); one that reads analysed fields
     * runs a session with the analysis ({@link FilterRun}). Either way the matches found so far are
     * shown while it runs, and Cancel stops it.
     */
    public void applyFilter(String text) {
        filter.setText(text);
        if (load == null) return;
        if (text.isBlank()) {
            cancelFilter();
            liveFilter = null;
            table.rows().showAll(load.index());
            table.sort();
            status.setText(String.format(Locale.ROOT, "Packets: %,d · Displayed: %,d", load.index().size(), load.index().size()));
            refreshPlots();
            return;
        }
        DisplayFilter f;
        try {
            f = DisplayFilter.compile(text);
        } catch (FilterException e) {
            error("filter: " + e.getMessage());
            return;
        }
        if (loaded == null) {
            if (live != null && IndexFilter.canRun(f)) {
                startLiveFilter(f, text);
                return;
            }
            error(live != null ? "this filter reads analysed fields: apply it when the capture is stopped"
                    : "the capture is still being read: apply the filter when it is done");
            return;
        }
        // the worker is one thread: the analysed detail of the selection must not hold the filter up
        cancelDetail();
        history.add(text.trim());
        historyAt = -1;
        boolean onIndex = IndexFilter.canRun(f);
        // analysed fields: frame by frame with what the load's analysis recorded, else a session with the analysis
        boolean recorded = !onIndex && IndexFilter.canRun(f, loaded.analysed()) && loaded.analysed().frames() == load.index().size();
        FilterJob run = onIndex ? new IndexFilter(load.index(), store, f, IndexFilter.defaultThreads())
                : recorded ? new IndexFilter(load.index(), store, f, loaded.analysed(), IndexFilter.defaultThreads())
                : new FilterRun(load.file(), f);
        cancelFilter();
        filterRun = run;
        CaptureLoad mine = load;
        cancel.setDisable(false);
        int selected = table.selectedFrame();
        String how = onIndex ? "on the index, " + IndexFilter.defaultThreads() + " threads"
                : recorded ? "on the index with the recorded analysis, " + IndexFilter.defaultThreads() + " threads"
                : "with conversation analysis";
        table.rows().showOnly(new int[0]);
        startPolling(() -> {
            FilterJob.Matches m = run.soFar();
            table.rows().extend(m.frames(), m.count());
            if (selected >= 0 && table.selectedFrame() < 0) table.selectFrame(selected);
            double fr = run.fraction();
            if (!Double.isNaN(fr)) progress.setProgress(fr);
            status.setText(String.format(Locale.ROOT, "Filtering (%s)… %,d frames match so far", how, m.count()));
        });
        long t0 = System.nanoTime();
        worker.execute(() -> {
            try {
                int[] matches = run.run();
                // only for this filter over this capture: another filter or another file may have come meanwhile
                Platform.runLater(() -> {
                    if (filterRun != run || load != mine) return;
                    filterRun = null;
                    stopPolling();
                    cancel.setDisable(true);
                    if (matches == null) {
                        status.setText("Filtering cancelled: the frames matched so far are shown");
                        return;
                    }
                    table.rows().showOnly(matches);
                    table.sort(); // a sorted column stays sorted
                    progress.setProgress(1);
                    status.setText(String.format(Locale.ROOT, "Packets: %,d · Displayed: %,d (%.1f%%) · filtered in %.2f s (%s)",
                            load.index().size(), matches.length, 100.0 * matches.length / Math.max(1, load.index().size()),
                            (System.nanoTime() - t0) / 1e9, how));
                    if (selected >= 0) table.selectFrame(selected);
                    refreshPlots();
                });
            } catch (Exception e) {
                Platform.runLater(() -> {
                    if (filterRun != run || load != mine) return;
                    filterRun = null;
                    stopPolling();
                    cancel.setDisable(true);
                    error("filter: " + e.getMessage());
                });
            }
        });
    }

    private volatile IndexFilter warming;

    /**
     * Once a capture is read, the index filter runs once in the background over its first frames with
     * a filter that reaches every layer, so that the JIT has compiled the dissector's and the filter's
     * code before the user's first filter (measured: a first filter took four times a second one, bench/README.md).
     * Its result is thrown away; a filter applied meanwhile stops it.
     */
    private void warmUp(LoadedCapture c) {
        FrameStore st = store;
        if (st == null) return;
        DisplayFilter f = DisplayFilter.compile("utcp.flags.nack == 1 || tether.flags.lamp == 1 || eth.type == 0x0800 || frame.len > 65535");
        IndexFilter w = new IndexFilter(c.index(), st, f, 1, 0, Math.min(c.index().size(), 200_000));
        warming = w;
        Thread.ofPlatform().daemon().name("cellscope-warm-up").priority(Thread.MIN_PRIORITY).start(() -> {
            try {
                w.run();
            } catch (RuntimeException e) {
                // the store was closed (another capture): nothing to warm
            }
        });
    }

    /** Cancels the filter being applied, if any; its result is then never shown. */
    private void cancelFilter() {
        IndexFilter w = warming;
        warming = null;
        if (w != null) w.cancel();
        FilterJob f = filterRun;
        filterRun = null;
        if (f != null) f.cancel();
    }

    /** Test hook: waits (on any thread, the UI thread included) until the worker has run everything queued so far. */
    void drainWorker() throws Exception {
        worker.submit(() -> {}).get(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Test hook: runs {@code task} on the worker (e.g. one that blocks it, to order events deterministically). */
    void onWorker(Runnable task) {
        worker.execute(task);
    }

    // ---- preferences ----

    private PreferencesView.TimeFormat timeFormat() {
        try {
            return PreferencesView.TimeFormat.valueOf(settings.get("time", "RELATIVE"));
        } catch (IllegalArgumentException e) {
            return PreferencesView.TimeFormat.RELATIVE;
        }
    }

    /** Edit > Preferences (Ctrl+Shift+P): colouring rules and the Time column. */
    public Stage openPreferences() {
        if (preferencesStage != null && preferencesStage.isShowing()) {
            preferencesStage.toFront();
            return preferencesStage;
        }
        Stage[] s = new Stage[1];
        s[0] = window("Preferences — cellscope", new PreferencesView(colours, timeFormat(), p -> {
            applyPreferences(p);
            s[0].close();
        }, () -> s[0].close()), 760, 560);
        preferencesStage = s[0];
        return s[0];
    }

    /** Saves and applies preferences: new colouring rules colour the capture again (a pass in the background). */
    public void applyPreferences(PreferencesView.Settings p) {
        settings.put("time", p.time().name());
        try {
            settings.flush();
        } catch (java.util.prefs.BackingStoreException | SecurityException ignored) {
            // a read-only home: for this session only
        }
        table.timeFormat(p.time());
        if (p.colours().equals(colours)) return;
        colours = p.colours();
        colourStore.save(colours);
        table.colours(colours);
        // a capture still being read is coloured again once it is read (open: its done callback)
        if (loaded != null) recolourNow();
    }

    private void recolourNow() {
        dev.cellscope.gui.model.Recolour old = recolour;
        if (old != null) old.cancel();
        LoadedCapture c = loaded;
        dev.cellscope.gui.model.Recolour run = new dev.cellscope.gui.model.Recolour(c.file(), c.index(), colours);
        recolour = run;
        status.setText("Colouring the frames with the new rules…");
        worker.execute(() -> {
            try {
                boolean done = run.run();
                Platform.runLater(() -> {
                    if (recolour != run || loaded != c) return;
                    recolour = null;
                    table.refresh();
                    if (done) status.setText("Frames coloured with the new rules");
                });
            } catch (Exception e) {
                Platform.runLater(() -> error("colouring: " + e.getMessage()));
            }
        });
    }

    // ---- field columns ----

    /** "Apply as column": a packet-list column of {@code field}, kept for the next runs too. */
    public void addColumn(dev.cellscope.field.FieldDef field) {
        addColumn(field, true);
    }

    private void addColumn(dev.cellscope.field.FieldDef field, boolean remember) {
        String name = field.name();
        if (fieldColumns.containsKey(name)) return;
        // the value of the capture open now, read when the row is shown (FieldColumn: the frame on its own)
        java.util.concurrent.atomic.AtomicReference<dev.cellscope.gui.model.FieldColumn> reader = new java.util.concurrent.atomic.AtomicReference<>();
        var c = table.addFieldColumn(name, frame -> {
            FrameStore st = store;
            if (st == null || load == null) return "";
            var r = reader.get();
            var recorded = loaded == null ? null : loaded.analysed();
            if (r == null || r.store() != st || r.analysed() != recorded) {
                reader.set(r = new dev.cellscope.gui.model.FieldColumn(field, st, load.index(), recorded));
            }
            return r.value(frame);
        }, () -> {
            fieldColumns.remove(name);
            columnPrefs.remove(name);
        });
        fieldColumns.put(name, c);
        if (remember) columnPrefs.add(name);
    }

    // ---- views ----

    boolean ready(String what) {
        if (loaded != null) return true;
        error(what + ": " + (load == null ? "open a capture first" : "the capture is still being read"));
        return false;
    }

    public Stage openExpert() {
        if (!ready("Expert information")) return null;
        return window("Expert Information — " + loaded.file().getFileName(),
                new ExpertView(loaded.findings(), loaded.findingsDropped(), this::selectFrameNumber), 900, 600);
    }

    public Stage openFlows() {
        if (!ready("Flows")) return null;
        return window("Conversations and Flows — " + loaded.file().getFileName(), new FlowsView(loaded.flows(), this::chooseExportFlows,
                r -> selectFrameNumber(r.firstFrame())), 1200, 600);
    }

    /** The plots window (one; brought to the front when open; see {@link PlotsWindow}). */
    public Stage openPlots() {
        return plots.open();
    }

    private void refreshPlots() {
        plots.refresh();
    }

    /**
     * Follow UTCP stream of the selected frame: its conversation's SBI messages in order, in a window
     * of its own once read (in the background); {@code shown} (on the UI thread) gets that window.
     */
    public void openFollow(java.util.function.Consumer<Stage> shown) {
        FrameDetail d = detail.detail();
        if (!ready("Follow UTCP stream")) return;
        if (d == null || !d.analysed()) {
            error("Follow UTCP stream: select a UTCP frame (and let its analysis finish)");
            return;
        }
        var streams = d.tree().find(dev.cellscope.field.UtcpFields.STREAM);
        if (streams.isEmpty()) {
            error("Follow UTCP stream: frame " + d.frame() + " is not in a UTCP conversation");
            return;
        }
        long stream = streams.getFirst().number();
        Path file = loaded.file();
        status.setText("Following UTCP stream " + stream + "…");
        worker.execute(() -> {
            try {
                String text = dev.cellscope.gui.model.FollowRun.text(file, stream);
                Platform.runLater(() -> {
                    javafx.scene.control.TextArea area = new javafx.scene.control.TextArea(text);
                    area.setId("follow-text");
                    area.setEditable(false);
                    area.setStyle("-fx-font-family: 'monospace'; -fx-font-size: 12px;");
                    Stage s = window("Follow UTCP stream " + stream + " — " + file.getFileName(), area, 1100, 600);
                    status.setText("UTCP stream " + stream + " followed");
                    if (shown != null) shown.accept(s);
                });
            } catch (Exception e) {
                Platform.runLater(() -> error("Follow UTCP stream: " + e.getMessage()));
            }
        });
    }

    void openFollow() {
        openFollow(null);
    }

    Stage window(String title, javafx.scene.Parent content, double w, double h) {
        Stage s = new Stage();
        s.initOwner(stage);
        s.setTitle(title);
        s.setScene(new Scene(content, w, h));
        s.show();
        return s;
    }

    // ---- export ----

    void chooseExportFlows() {
        exports.chooseExportFlows();
    }

    /** Writes the flow tables as {@code cellscope stats --flows} does (docs/CSV.md); false (and a message) on failure. */
    public boolean exportFlows(Path to) {
        return exports.exportFlows(to);
    }

    void chooseSave() {
        exports.chooseSave();
    }

    /** Saves the displayed frames as pcapng in the background; {@code done} (on the UI thread) gets the count or -1. */
    public void saveAs(Path to, java.util.function.LongConsumer done) {
        exports.saveAs(to, done);
    }

    String baseName() {
        String n = load.file().getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
