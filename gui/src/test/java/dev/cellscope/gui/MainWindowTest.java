package dev.cellscope.gui;

import dev.cellscope.cli.Main;
import dev.cellscope.dissect.ProtoNode;
import dev.cellscope.gui.view.ExpertView;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TreeItem;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The desktop GUI in real JavaFX windows on an X display (Xvfb: {@link GuiDisplay}), driven as a
 * person would through TestFX: open a committed sample, filter, select, look at the tree and the
 * hex, open every view, export. Oracles are the samples' ground truth (what the simulated wire
 * carried) and {@code cellscope stats}; screenshots go to gui/target/screenshots/.
 */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {
    private static final Path SAMPLES = Path.of(System.getProperty("gui.samples", "../samples/captures"));
    private static final Path SHOTS = Path.of("target/screenshots");
    private MainWindow window;

    @BeforeAll
    static void display() throws Exception {
        GuiDisplay.ensure();
    }

    @Start
    void start(Stage stage) {
        window = new MainWindow(stage);
        stage.show();
    }

    private void open(FxRobot robot, String sample) throws Exception {
        Path file = SAMPLES.resolve(sample); // an absolute path resolves to itself
        assertTrue(Files.isRegularFile(file), file + " missing");
        robot.interact(() -> window.open(file));
        waitFor(60, () -> window.loaded() != null || !window.lastError().isEmpty());
        assertEquals("", window.lastError());
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static void waitFor(int seconds, Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, condition);
    }

    private static long truthLong(String sample, String jsonKey) throws IOException {
        String json = Files.readString(SAMPLES.resolve(sample.replace(".pcapng", ".truth.json")));
        Matcher m = Pattern.compile("\"" + jsonKey + "\"\\s*:\\s*(\\d+)").matcher(json);
        assertTrue(m.find(), jsonKey + " not in the truth file");
        return Long.parseLong(m.group(1));
    }

    @Test
    void opensASampleWithEveryFrameListed(FxRobot robot) throws Exception {
        open(robot, "lossy-mesh.pcapng");
        // the simulated wire's record of what the tap captured
        assertEquals(truthLong("lossy-mesh.pcapng", "frames_recorded"), robot.lookup("#packet-list").queryTableView().getItems().size());
        assertTrue(window.status().getText().contains("Packets: 314"), window.status().getText());
        // the first frame is selected once loaded, its tree shown
        assertNotNull(window.detail().detail());
        assertEquals(1, window.detail().detail().frame());
        // Info comes from the analysed session: frame 6 is Bob's SBI HANDSHAKE reply (truth: handshake accepted)
        assertTrue(window.loaded().index().info(5).contains("HANDSHAKE"), window.loaded().index().info(5));
        saveShot(window.stage().getScene(), "main-window");
    }

    @Test
    void filterBarChecksAsYouTypeAndFiltersInTheBackground(FxRobot robot) throws Exception {
        open(robot, "lossy-mesh.pcapng");
        robot.clickOn("#display-filter").write("utcp.flags.nack ==");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(MainWindow.BAD_STYLE, window.filterField().getStyle());
        assertFalse(window.filterMessage().getText().isBlank(), "the parser's message is shown");
        assertTrue(window.filterMessage().getText().contains("column"), window.filterMessage().getText());
        robot.write(" 1");
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(MainWindow.OK_STYLE, window.filterField().getStyle());
        assertEquals("", window.filterMessage().getText());
        robot.type(KeyCode.ENTER);
        TableView<?> table = robot.lookup("#packet-list").queryTableView();
        waitFor(30, () -> window.status().getText().contains("Displayed"));
        // truth: NACKs sent by the endpoints minus those the wire dropped before the tap
        assertEquals(11, table.getItems().size(), "utcp.flags.nack == 1: " + window.status().getText());
        for (Object f : table.getItems()) {
            assertTrue(window.loaded().index().info((Integer) f).contains("NACK"), window.loaded().index().info((Integer) f));
        }
        // blank filter: every frame again
        robot.interact(() -> window.applyFilter(""));
        assertEquals(314, table.getItems().size());
        // history: Up brings the last filter applied back
        robot.clickOn("#display-filter").type(KeyCode.UP);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("utcp.flags.nack == 1", window.filterField().getText());
    }

    @Test
    void selectedFrameTreeAndHexAreLinkedBothWays(FxRobot robot) throws Exception {
        open(robot, "lossy-mesh.pcapng");
        robot.interact(() -> window.selectFrameNumber(9));
        waitFor(30, () -> window.detail().detail() != null && window.detail().detail().frame() == 9 && window.detail().detail().analysed());
        List<String> layers = new ArrayList<>();
        for (TreeItem<ProtoNode> t : window.detail().tree().getRoot().getChildren()) layers.add(t.getValue().field().name());
        assertTrue(layers.contains("utcp"), layers.toString());
        // field -> bytes: selecting utcp.seq highlights exactly its bytes: they read back as the seq the tree shows
        robot.interact(() -> assertTrue(window.detail().selectField("utcp.seq")));
        ProtoNode seq = window.detail().tree().getSelectionModel().getSelectedItem().getValue();
        int[] lit = window.detail().highlightedBytes();
        assertNotNull(lit, "nothing highlighted");
        assertEquals(seq.offset(), lit[0]);
        assertEquals(seq.length(), lit[1]);
        byte[] frame = window.detail().detail().packet();
        long value = 0;
        for (int i = 0; i < lit[1]; i++) value = value << 8 | (frame[lit[0] + i] & 0xFF);
        assertEquals(seq.number(), value, "highlighted bytes are the seq's");
        assertTrue(window.detail().hex().getSelectedText().startsWith(String.format("%02x", frame[lit[0]] & 0xFF)));
        // truth: frame 9 is Alice's first 1400-byte DATA segment after the handshake (seq first_data_seq + 2)
        assertEquals(truthLong("lossy-mesh.pcapng", "first_data_seq") + 2, seq.number());
        // byte -> field: clicking the first byte of the Ethernet source MAC selects eth.src
        robot.interact(() -> {
            window.detail().tree().getSelectionModel().clearSelection();
            window.detail().hex().positionCaret(6 + 6 * 3); // byte 6: "0000  " then three characters a byte
        });
        WaitForAsyncUtils.waitForFxEvents();
        ProtoNode picked = window.detail().tree().getSelectionModel().getSelectedItem().getValue();
        assertTrue(picked.offset() <= 6 && 6 < picked.offset() + picked.length(), picked.label());
        assertEquals("eth.src", picked.field().name());
        // Apply as filter from the tree: the list keeps the frames of that field's value
        robot.interact(() -> window.applyFilter(dev.cellscope.gui.view.DetailPane.filterFor(seq)));
        waitFor(30, () -> window.status().getText().contains("Displayed"));
        assertTrue(window.table().getItems().size() >= 1, "utcp.seq == " + seq.number());
        assertTrue(window.table().getItems().contains(8), "frame 9 itself matches its own seq");
    }

    @Test
    void wiresharkShortcutsGoToAndFind(FxRobot robot) throws Exception {
        open(robot, "lossy-mesh.pcapng");
        robot.clickOn("#packet-list");
        robot.press(KeyCode.CONTROL).type(KeyCode.G).release(KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        robot.write("42").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(41, window.table().selectedFrame());
        robot.press(KeyCode.CONTROL).type(KeyCode.F).release(KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        robot.write("NACK").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        int found = window.table().selectedFrame();
        assertTrue(found > 41, "found frame " + (found + 1));
        assertTrue(window.loaded().index().info(found).contains("NACK"));
    }

    @Test
    void expertViewGroupsFindingsAsTheTruthCountsThem(FxRobot robot) throws Exception {
        open(robot, "lossy-mesh.pcapng");
        Stage s = robot.interact(() -> window.openExpert()) == null ? null : lastStage(robot);
        assertNotNull(s);
        ExpertView view = (ExpertView) s.getScene().getRoot();
        int warnSequence = 0, noteSequence = 0;
        for (TreeItem<ExpertView.Line> kind : view.table().getRoot().getChildren()) {
            ExpertView.Line l = kind.getValue();
            if (l.group().equals("sequence") && l.severity().equals("warn")) warnSequence += l.count();
            if (l.group().equals("sequence") && l.severity().equals("note")) noteSequence += l.count();
        }
        // truth: expected_findings {"warn": {"sequence": 11}, "note": {"sequence": 12}}
        assertEquals(11, warnSequence);
        assertEquals(12, noteSequence);
        assertEquals("warn", view.table().getRoot().getChildren().getFirst().getValue().severity(), "worst first");
        saveShot(s.getScene(), "expert-view");
        // double-click a finding: its frame is selected in the packet list
        TreeItem<ExpertView.Line> first = view.table().getRoot().getChildren().getFirst();
        robot.interact(() -> first.setExpanded(true));
        long frame = first.getChildren().getFirst().getValue().frame();
        robot.interact(() -> window.selectFrameNumber(frame));
        assertEquals(frame - 1, window.table().selectedFrame());
    }

    @Test
    void flowsViewExportsTheCsvOfCellscopeStats(FxRobot robot, @TempDir Path tmp) throws Exception {
        open(robot, "lossy-mesh.pcapng");
        assertNotNull(robot.interact(() -> window.openFlows()) == null ? lastStage(robot) : lastStage(robot));
        Stage s = lastStage(robot);
        TabPane tabs = robot.lookup("#flows-view").queryAs(dev.cellscope.gui.view.FlowsView.class).tabs();
        assertEquals(3, tabs.getTabs().size());
        // truth: two UTCP connections (alice-bob, carol-bob), so four directions
        assertTrue(tabs.getTabs().getFirst().getText().contains("(4)"), tabs.getTabs().getFirst().getText());
        saveShot(s.getScene(), "flows-view");
        Path gui = tmp.resolve("gui.csv"), cli = tmp.resolve("cli.csv");
        assertTrue(robot.interact(() -> window.exportFlows(gui)) == null || Files.exists(gui));
        waitFor(10, () -> Files.exists(gui));
        assertEquals(0, Main.run("stats", "-r", SAMPLES.resolve("lossy-mesh.pcapng").toString(), "--flows", cli.toString()));
        assertEquals(Files.readString(cli), Files.readString(gui), "the GUI's CSV is cellscope stats's");
    }

    @Test
    void colouringMarksEveryGrantOverrun(FxRobot robot) throws Exception {
        open(robot, "tether-overrun.pcapng");
        var index = window.loaded().index();
        int overruns = 0;
        for (int i = 0; i < index.size(); i++) if (index.colour(i) == 1) overruns++; // rule 1: Grant overrun
        // truth: expected_findings {"error": {"credit": 48}}, one per frame sent beyond its credit
        assertEquals(48, overruns);
        robot.interact(() -> window.selectFrameNumber(index.size()));
        saveShot(window.stage().getScene(), "main-window-tether-overrun");
        // the grant plot of the one credit account, with the overrun frames marked
        robot.interact(() -> window.openPlots());
        Stage s = lastStage(robot);
        TabPane tabs = ((dev.cellscope.gui.view.PlotsView) s.getScene().getRoot()).tabs();
        robot.interact(() -> tabs.getSelectionModel().select(1));
        assertTrue(tabs.getTabs().get(1).getContent() instanceof ChartViewer, "a Tether capture has a grant plot");
        WaitForAsyncUtils.waitForFxEvents();
        Thread.sleep(300);
        WaitForAsyncUtils.waitForFxEvents();
        saveShot(s.getScene(), "plot-grant-tether-overrun");
    }

    @Test
    void plotsShowTheChartsAClickSelectsAFrameAndExportWritesFiles(FxRobot robot, @TempDir Path tmp) throws Exception {
        open(robot, "lossy-mesh.pcapng");
        robot.interact(() -> window.openPlots());
        Stage s = lastStage(robot);
        dev.cellscope.gui.view.PlotsView plots = (dev.cellscope.gui.view.PlotsView) s.getScene().getRoot();
        TabPane tabs = plots.tabs();
        assertEquals(4, tabs.getTabs().size());
        for (int i = 0; i < tabs.getTabs().size(); i++) {
            int t = i;
            robot.interact(() -> tabs.getSelectionModel().select(t));
            WaitForAsyncUtils.waitForFxEvents();
            Thread.sleep(300); // the canvas draws on the next pulse
            WaitForAsyncUtils.waitForFxEvents();
            saveShot(s.getScene(), tabs.getTabs().get(t).getId().replace("-tab", ""));
        }
        // lossy-mesh has no Tether: the grant tab says so rather than drawing an empty chart
        assertTrue(tabs.getTabs().get(1).getContent() instanceof javafx.scene.control.Label);
        robot.interact(() -> tabs.getSelectionModel().select(3));
        WaitForAsyncUtils.waitForFxEvents();
        Thread.sleep(300);
        ChartViewer io = (ChartViewer) tabs.getTabs().get(3).getContent();
        Rectangle2D area = io.getCanvas().getRenderingInfo().getPlotInfo().getDataArea();
        double x = area.getMinX() + area.getWidth() * 0.6;
        XYPlot plot = io.getChart().getXYPlot();
        double seconds = plot.getDomainAxis().java2DToValue(x, area, plot.getDomainAxisEdge());
        robot.interact(() -> window.selectFrameNumber(1));
        Point2D screen = io.getCanvas().localToScreen(x, area.getCenterY());
        robot.clickOn(screen);
        WaitForAsyncUtils.waitForFxEvents();
        int f = window.table().selectedFrame();
        var index = window.loaded().index();
        // the frame selected is the last one at or before the clicked time
        assertTrue(f > 0, "a click at " + seconds + " s selected frame " + (f + 1));
        assertTrue(index.relativeSeconds(f) <= seconds + 1e-9, index.relativeSeconds(f) + " <= " + seconds);
        assertTrue(f + 1 >= index.size() || index.relativeSeconds(f + 1) > seconds - 1e-9);
        // Export plot: the I/O plot as PNG (its magic and size) and as SVG (a document naming the chart)
        Path png = tmp.resolve("io.png"), svg = tmp.resolve("io.svg");
        robot.interact(() -> {
            try {
                plots.export(png);
                plots.export(svg);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        var image = ImageIO.read(png.toFile());
        assertEquals(dev.cellscope.charts.ChartFiles.DEFAULT_WIDTH, image.getWidth());
        assertEquals(dev.cellscope.charts.ChartFiles.DEFAULT_HEIGHT, image.getHeight());
        String doc = Files.readString(svg);
        assertTrue(doc.contains("<svg") && doc.contains("I/O rates"), doc.substring(0, Math.min(200, doc.length())));
        // a wrong extension is refused, not written
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> plots.export(tmp.resolve("io.jpg")));
        assertFalse(Files.exists(tmp.resolve("io.jpg")));
    }

    @Test
    void saveAsWritesTheDisplayedFramesAsPcapng(FxRobot robot, @TempDir Path tmp) throws Exception {
        open(robot, "lossy-mesh.pcapng");
        robot.interact(() -> window.applyFilter("utcp.flags.nack == 1"));
        waitFor(30, () -> window.status().getText().contains("Displayed"));
        Path out = tmp.resolve("nacks.pcapng");
        long[] written = {-2};
        robot.interact(() -> window.saveAs(out, n -> written[0] = n));
        waitFor(30, () -> written[0] != -2);
        assertEquals(11, written[0]);
        // tshark (an independent pcapng reader) counts eleven frames in the file
        if (Files.isExecutable(Path.of("/usr/bin/tshark"))) {
            Process p = new ProcessBuilder("tshark", "-r", out.toString(), "-T", "fields", "-e", "frame.len")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String lines = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor());
            assertEquals(11, lines.lines().count(), lines);
        }
        // opened again: eleven NACKs and nothing else
        open(robot, out.toAbsolutePath().toString());
        var index = window.loaded().index();
        assertEquals(11, index.size());
        for (int i = 0; i < index.size(); i++) assertTrue(index.info(i).contains("NACK"), index.info(i));
    }

    @Test
    void followUtcpStreamListsTheConversationsMessagesInOrder(FxRobot robot) throws Exception {
        open(robot, "lossy-mesh.pcapng");
        robot.interact(() -> window.selectFrameNumber(18));
        waitFor(30, () -> window.detail().detail() != null && window.detail().detail().frame() == 18 && window.detail().detail().analysed());
        Stage[] shown = new Stage[1];
        robot.interact(() -> window.openFollow(s -> shown[0] = s));
        waitFor(30, () -> shown[0] != null);
        String text = ((javafx.scene.control.TextArea) shown[0].getScene().getRoot()).getText();
        assertTrue(text.contains("Filter: utcp.stream eq 0"), text.substring(0, 200));
        // truth: Alice -> Bob, handshake accepted, 11 blocks sent; every block the tap saw whole verified
        assertTrue(text.contains("Node 0: " + "a74aaa1fe85b0f9170c12ec1e28325b7"));
        assertEquals(11, text.lines().filter(l -> l.contains("BLOCK_PUT")).count());
        assertTrue(text.lines().filter(l -> l.contains("BLOCK_PUT")).allMatch(l -> l.contains("put.verified=1")));
        assertTrue(text.indexOf("HANDSHAKE") < text.indexOf("BLOCK_PUT"), "messages in order");
        saveShot(shown[0].getScene(), "follow-utcp-stream");
    }

    @Test
    void columnsSortInTheBackgroundAndKeepTheSelection(FxRobot robot) throws Exception {
        open(robot, "lossy-mesh.pcapng");
        var index = window.loaded().index();
        robot.interact(() -> window.selectFrameNumber(9));
        dev.cellscope.gui.view.PacketTable table = window.table();
        @SuppressWarnings("unchecked")
        var length = (javafx.scene.control.TableColumn<Integer, String>) table.getColumns().get(5);
        robot.clickOn(length.getText()); // the header: ascending
        robot.clickOn(length.getText()); // again: descending
        waitFor(10, () -> table.rows().ordered() && index.wireLength(table.getItems().getFirst()) == 1454
                && length.getSortType() == javafx.scene.control.TableColumn.SortType.DESCENDING);
        assertEquals(314, table.getItems().size());
        long previous = Long.MAX_VALUE;
        for (int f : table.getItems()) {
            assertTrue(index.wireLength(f) <= previous, "descending lengths");
            previous = index.wireLength(f);
        }
        assertEquals(8, table.selectedFrame(), "frame 9 still selected");
        // a filter keeps the sort; the frames it shows are sorted too
        robot.interact(() -> window.applyFilter("utcp.flags.nack == 1 || utcp.flags.syn == 1"));
        waitFor(30, () -> window.status().getText().contains("Displayed") && table.rows().ordered());
        previous = Long.MAX_VALUE;
        for (int f : table.getItems()) {
            assertTrue(index.wireLength(f) <= previous, "descending lengths after the filter");
            previous = index.wireLength(f);
        }
        robot.interact(() -> table.getSortOrder().clear());
        waitFor(10, () -> !table.rows().ordered());
        for (int r = 1; r < table.getItems().size(); r++) assertTrue(table.getItems().get(r) > table.getItems().get(r - 1));
    }

    @Test
    void aFilterOverAFramesOwnFieldsRunsOnTheIndexAnAnalysedOneWithTheRecordedAnalysis(FxRobot robot) throws Exception {
        open(robot, "lossy-mesh.pcapng");
        robot.interact(() -> window.applyFilter("utcp.flags.nack == 1"));
        waitFor(30, () -> window.status().getText().contains("Displayed"));
        assertTrue(window.status().getText().contains("on the index"), window.status().getText());
        assertEquals(11, window.table().getItems().size());
        // an analysed field, once the capture is read: on the index with what the load's analysis recorded;
        // oracle: the worst finding the load put in the index
        robot.interact(() -> window.applyFilter("expert.severity >= warn"));
        waitFor(30, () -> window.status().getText().contains("Displayed"));
        assertTrue(window.status().getText().contains("with the recorded analysis"), window.status().getText());
        var index = window.loaded().index();
        List<Integer> expected = new ArrayList<>();
        int warn = dev.cellscope.expert.Severity.WARN.ordinal() + 1;
        for (int i = 0; i < index.size(); i++) if (index.severity(i) >= warn) expected.add(i);
        assertFalse(expected.isEmpty());
        assertEquals(expected, new ArrayList<>(window.table().getItems()));
        // a field the load does not keep (a block's data): the session with the analysis
        robot.interact(() -> window.applyFilter("sbi.put.data"));
        waitFor(30, () -> window.status().getText().contains("Displayed"));
        assertTrue(window.status().getText().contains("with conversation analysis"), window.status().getText());
        assertEquals(10, window.table().getItems().size(), "BLOCK_PUTs of lossy-mesh (cellscope read -Y sbi.put.data)");
    }

    /**
     * Race: a filter's result arriving after another capture was opened. It used to be shown over the new
     * capture's list (the result was checked against the filter only, which open() did not forget), and the
     * new list then stopped growing. Ordered deterministically: on the UI thread, the filter is applied and
     * run to its end on the worker (its result queued behind this action), then the other capture opened.
     */
    @Test
    void aFilterResultNeverLandsOnAnotherCapture(FxRobot robot) throws Exception {
        open(robot, "lossy-mesh.pcapng");
        Path other = SAMPLES.resolve("tether-overrun.pcapng");
        robot.interact(() -> {
            window.applyFilter("utcp.flags.nack == 1 || tether.flags.lamp == 1");
            try {
                window.drainWorker(); // the filter is done; its result waits behind this action
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            window.open(other);
        });
        waitFor(60, () -> window.loaded() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(other, window.loaded().file());
        assertFalse(window.table().rows().filtered(), "the old capture's filter result is not shown over the new one");
        assertEquals(window.loaded().index().size(), window.table().getItems().size());
    }

    /**
     * Race: the analysed detail of a frame of the previous capture shown for the same frame number of the next
     * one (the result was checked against the selected frame number only). Ordered deterministically: the old
     * result is queued behind a UI action that opens the other capture and selects that frame number, with the
     * worker held so that the new capture's own analysed detail cannot come first.
     */
    @Test
    void aFrameDetailNeverLandsOnAnotherCapture(FxRobot robot) throws Exception {
        open(robot, "lossy-mesh.pcapng");
        Path other = SAMPLES.resolve("tether-overrun.pcapng");
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        byte[] alone;
        try {
            robot.interact(() -> {
                try {
                    window.selectFrameNumber(9);
                    window.drainWorker(); // frame 9's analysed detail of lossy-mesh is queued behind this action
                    window.open(other);
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (window.table().getItems().size() < 9 && System.nanoTime() < until) {
                        Thread.sleep(5);
                        window.table().rows().grow();
                    }
                    window.onWorker(() -> {
                        try {
                            hold.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                    assertTrue(window.selectFrameNumber(9));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            WaitForAsyncUtils.waitForFxEvents();
            assertEquals(9, window.detail().detail().frame());
            assertFalse(window.detail().detail().analysed(), "the first capture's analysed tree is not shown for the second");
            alone = window.detail().detail().packet();
        } finally {
            hold.countDown();
        }
        waitFor(30, () -> window.detail().detail() != null && window.detail().detail().analysed());
        assertEquals(9, window.detail().detail().frame());
        assertArrayEquals(alone, window.detail().detail().packet(), "the analysed tree is of the same frame of the same capture");
    }

    @Test
    void plotsFollowTheDisplayFilter(FxRobot robot) throws Exception {
        open(robot, "lossy-mesh.pcapng");
        robot.interact(() -> window.openPlots());
        Stage s = lastStage(robot);
        long all = java.util.Arrays.stream(((dev.cellscope.gui.view.PlotsView) s.getScene().getRoot()).series().frames()).sum();
        assertEquals(314, all, "unfiltered: every frame plotted");
        assertEquals(11, ((dev.cellscope.gui.view.PlotsView) s.getScene().getRoot()).series().nackPackets().length == 0 ? -1
                : java.util.Arrays.stream(((dev.cellscope.gui.view.PlotsView) s.getScene().getRoot()).series().nackPackets()).sum());
        // a filter applied with the plots open: they are made again of the displayed frames only
        robot.interact(() -> window.applyFilter("utcp.flags.nack == 1"));
        waitFor(30, () -> s.getScene().getRoot() instanceof dev.cellscope.gui.view.PlotsView p
                && java.util.Arrays.stream(p.series().frames()).sum() == 11);
        var filtered = ((dev.cellscope.gui.view.PlotsView) s.getScene().getRoot()).series();
        assertEquals(11, java.util.Arrays.stream(filtered.nackPackets()).sum(), "the eleven NACKs, nothing else");
        assertEquals(0, java.util.Arrays.stream(filtered.goodputBytes()).sum(), "no DATA frame plotted");
        assertTrue(s.getTitle().contains("filter: utcp.flags.nack == 1"), s.getTitle());
        robot.interact(() -> s.getScene().getRoot().lookup("#plots-tabs"));
        saveShot(s.getScene(), "plot-nack-filtered");
        // the filter cleared: the whole capture again
        robot.interact(() -> window.applyFilter(""));
        waitFor(30, () -> s.getScene().getRoot() instanceof dev.cellscope.gui.view.PlotsView p
                && java.util.Arrays.stream(p.series().frames()).sum() == 314);
    }

    @Test
    void ctrlRightAndLeftStepThroughTheConversation(FxRobot robot) throws Exception {
        open(robot, "lossy-mesh.pcapng");
        var index = window.loaded().index();
        robot.interact(() -> window.selectFrameNumber(9)); // Alice -> Bob DATA
        robot.clickOn("#packet-list");
        robot.interact(() -> window.selectFrameNumber(9));
        String a = index.source(8), b = index.destination(8);
        // oracle: the next frame after 9 whose endpoints are {a, b}, found by string comparison
        int expected = -1;
        for (int i = 9; i < index.size() && expected < 0; i++) {
            if ((index.source(i).equals(a) && index.destination(i).equals(b)) || (index.source(i).equals(b) && index.destination(i).equals(a))) expected = i;
        }
        assertTrue(expected > 8);
        robot.press(KeyCode.CONTROL).type(KeyCode.RIGHT).release(KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(expected, window.table().selectedFrame());
        robot.press(KeyCode.CONTROL).type(KeyCode.LEFT).release(KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(8, window.table().selectedFrame());
        robot.press(KeyCode.CONTROL).type(KeyCode.PERIOD).release(KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(expected, window.table().selectedFrame(), "Ctrl+. as in Wireshark");
        // forty steps on: each lands on the oracle's next frame of the pair, replies (the other way round) included
        // and frames between other endpoints (Carol and Bob) skipped
        List<Integer> oracle = new ArrayList<>();
        for (int i = expected + 1; i < index.size() && oracle.size() < 40; i++) {
            if ((index.source(i).equals(a) && index.destination(i).equals(b)) || (index.source(i).equals(b) && index.destination(i).equals(a))) oracle.add(i);
        }
        assertTrue(oracle.stream().anyMatch(i -> index.source(i).equals(b)), "the pair's replies are among them");
        for (int next : oracle) {
            robot.press(KeyCode.CONTROL).type(KeyCode.RIGHT).release(KeyCode.CONTROL);
            WaitForAsyncUtils.waitForFxEvents();
            assertEquals(next, window.table().selectedFrame());
        }
    }

    @Test
    void applyAsColumnAddsAFieldColumnFromTheTreesContextMenu(FxRobot robot) throws Exception {
        open(robot, "lossy-mesh.pcapng");
        robot.interact(() -> window.selectFrameNumber(9));
        waitFor(30, () -> window.detail().detail() != null && window.detail().detail().frame() == 9 && window.detail().detail().analysed());
        robot.interact(() -> assertTrue(window.detail().selectField("utcp.seq")));
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> window.detail().tree().scrollTo(window.detail().tree().getSelectionModel().getSelectedIndex()));
        WaitForAsyncUtils.waitForFxEvents();
        robot.rightClickOn(robot.lookup(".tree-cell:selected").queryAs(Node.class));
        robot.clickOn("Apply as column: utcp.seq");
        WaitForAsyncUtils.waitForFxEvents();
        @SuppressWarnings("unchecked")
        var column = (javafx.scene.control.TableColumn<Integer, String>) window.table().getColumns().stream()
                .filter(c -> "utcp.seq".equals(c.getText())).findFirst().orElseThrow();
        // truth: frame 9 is Alice's first DATA segment after the handshake, seq first_data_seq + 2
        assertEquals(Long.toString(truthLong("lossy-mesh.pcapng", "first_data_seq") + 2), column.getCellData(8));
        // every row: the value the frame's own tree has, "" where it has no UTCP (frame 1 is the SYN's ...)
        var index = window.loaded().index();
        for (int row = 0; row < 40; row++) {
            int frame = row;
            String shown = column.getCellData(row);
            var tree = dev.cellscope.gui.model.FrameDetail.alone(new dev.cellscope.gui.model.FrameStore(window.loaded().file(), index), index, frame).tree();
            var seqs = tree.find(dev.cellscope.field.UtcpFields.SEQ);
            assertEquals(seqs.isEmpty() ? "" : Long.toString(seqs.getFirst().number()), shown, "frame " + (frame + 1));
        }
        saveShot(window.stage().getScene(), "main-window-seq-column");
        // kept for the next run: a new window has the column too; removing it forgets it
        robot.interact(() -> {
            Stage other = new Stage();
            MainWindow second = new MainWindow(other);
            assertTrue(second.table().getColumns().stream().anyMatch(c -> "utcp.seq".equals(c.getText())));
            other.close();
        });
        robot.interact(() -> column.getContextMenu().getItems().getFirst().fire());
        assertFalse(window.table().getColumns().contains(column));
        robot.interact(() -> {
            Stage other = new Stage();
            MainWindow second = new MainWindow(other);
            assertFalse(second.table().getColumns().stream().anyMatch(c -> "utcp.seq".equals(c.getText())));
            other.close();
        });
    }

    @Test
    void preferencesEditTheColouringRulesAndTheTimeColumn(FxRobot robot) throws Exception {
        open(robot, "lossy-mesh.pcapng");
        var index = window.loaded().index();
        int nackRule = 5;
        assertEquals("NACK", ColourRuleStoreAccess.defaults().get(nackRule).name());
        int nacks = 0;
        for (int i = 0; i < index.size(); i++) if (index.colour(i) == nackRule) nacks++;
        assertEquals(11, nacks, "the default NACK rule colours the eleven NACKs");
        try {
            robot.clickOn("#packet-list");
            robot.press(KeyCode.CONTROL, KeyCode.SHIFT).type(KeyCode.P).release(KeyCode.SHIFT, KeyCode.CONTROL);
            WaitForAsyncUtils.waitForFxEvents();
            Stage prefs = lastStage(robot);
            var view = (dev.cellscope.gui.view.PreferencesView) prefs.getScene().getRoot();
            robot.interact(() -> view.rules().getSelectionModel().select(nackRule));
            robot.clickOn("#rule-filter").press(KeyCode.CONTROL).type(KeyCode.A).release(KeyCode.CONTROL).write("utcp.flags.syn ==");
            WaitForAsyncUtils.waitForFxEvents();
            assertTrue(robot.lookup("#preferences-ok").queryButton().isDisabled(), "a bad filter holds OK back");
            assertFalse(robot.lookup("#rule-message").queryAs(javafx.scene.control.Label.class).getText().isBlank());
            robot.write(" 1");
            WaitForAsyncUtils.waitForFxEvents();
            assertFalse(robot.lookup("#preferences-ok").queryButton().isDisabled());
            robot.interact(() -> robot.lookup("#time-format").queryAs(javafx.scene.control.ChoiceBox.class)
                    .setValue(dev.cellscope.gui.view.PreferencesView.TimeFormat.ABSOLUTE));
            saveShot(prefs.getScene(), "preferences");
            robot.clickOn("#preferences-ok");
            waitFor(30, () -> window.status().getText().contains("coloured with the new rules"));
            // oracle: the SYN frames by the index filter (their own bytes); each is now coloured by rule 5 unless an earlier rule took it
            int[] syns = new dev.cellscope.gui.model.IndexFilter(index, new dev.cellscope.gui.model.FrameStore(window.loaded().file(), index),
                    dev.cellscope.filter.DisplayFilter.compile("utcp.flags.syn == 1"), 1).run();
            assertTrue(syns.length > 0);
            java.util.Set<Integer> synSet = new java.util.HashSet<>();
            for (int f : syns) synSet.add(f);
            for (int i = 0; i < index.size(); i++) {
                if (synSet.contains(i)) assertTrue(index.colour(i) == nackRule || (index.colour(i) >= 0 && index.colour(i) < nackRule), "frame " + (i + 1));
                else assertTrue(index.colour(i) != nackRule, "frame " + (i + 1) + " is no SYN: " + index.info(i));
            }
            // the Time column as a date, UTC; and both settings kept for the next window
            String t = window.table().getColumns().get(1).getCellData(0).toString();
            assertTrue(t.matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{9}"), t);
            robot.interact(() -> {
                assertEquals("ABSOLUTE", java.util.prefs.Preferences.userRoot().node("dev/cellscope/gui/settings").get("time", ""));
                assertEquals("utcp.flags.syn == 1", ColourRuleStoreAccess.load().get(nackRule).filter());
            });
        } finally {
            ColourRuleStoreAccess.reset();
        }
    }

    /**
     * Live capture into the window, for real: AF_PACKET on the loopback interface (root), while the test
     * sends UDP datagrams carrying a marker. The list grows while capturing; the status bar shows the
     * drop counters; Stop ends it as the end of a file, and the spooled frames hold the datagrams' bytes.
     */
    @Test
    void liveCaptureGrowsTheListAndStopsIntoACompleteCapture(FxRobot robot) throws Exception {
        boolean[] started = {false};
        robot.interact(() -> started[0] = window.startLive("lo"));
        org.junit.jupiter.api.Assumptions.assumeTrue(started[0] || !window.lastError().contains("ermission"),
                "live capture on lo needs root (CAP_NET_RAW): " + window.lastError());
        assertTrue(started[0], window.lastError());
        int sent = 25;
        byte[] marker = "cellscope-gui-live-test".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (java.net.DatagramSocket ds = new java.net.DatagramSocket()) {
            // keep sending until the first ones show: the capture may need a moment to open
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int round = 0;
            do {
                for (int i = 0; i < sent; i++) ds.send(new java.net.DatagramPacket(marker, marker.length, java.net.InetAddress.getLoopbackAddress(), 9));
                round++;
                Thread.sleep(300);
                WaitForAsyncUtils.waitForFxEvents();
            } while (window.table().getItems().size() < sent && System.nanoTime() < until);
            assertTrue(window.table().getItems().size() >= sent, "the list grows while capturing (" + round + " rounds sent)");
            // the plots while capturing: made of the frames so far, again every two seconds
            robot.interact(() -> window.openPlots());
            Stage plots = lastStage(robot);
            waitFor(30, () -> plots.getScene().getRoot() instanceof dev.cellscope.gui.view.PlotsView);
            long first = java.util.Arrays.stream(((dev.cellscope.gui.view.PlotsView) plots.getScene().getRoot()).series().frames()).sum();
            assertTrue(first >= sent, first + " frames plotted");
            for (int i = 0; i < 2 * sent; i++) ds.send(new java.net.DatagramPacket(marker, marker.length, java.net.InetAddress.getLoopbackAddress(), 9));
            waitFor(30, () -> plots.getScene().getRoot() instanceof dev.cellscope.gui.view.PlotsView p
                    && java.util.Arrays.stream(p.series().frames()).sum() >= first + 2 * sent);
            assertTrue(plots.getTitle().contains("capturing"), plots.getTitle());
            robot.interact(plots::close);
            // a filter while capturing: the frames so far, then those arriving, as they come
            int length = 14 + 20 + 8 + marker.length;
            robot.interact(() -> window.applyFilter("frame.len == " + length));
            until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            do {
                for (int i = 0; i < sent; i++) ds.send(new java.net.DatagramPacket(marker, marker.length, java.net.InetAddress.getLoopbackAddress(), 9));
                Thread.sleep(300);
                WaitForAsyncUtils.waitForFxEvents();
            } while (window.table().getItems().size() < 4 * sent && System.nanoTime() < until);
            List<Integer> shownNow = WaitForAsyncUtils.asyncFx(() -> new ArrayList<>(window.table().getItems())).get(10, TimeUnit.SECONDS);
            assertTrue(shownNow.size() >= 4 * sent, "filtered list grows while capturing: " + shownNow.size());
            assertTrue(window.capturing());
            for (int f : shownNow) assertEquals(length, robotIndexLength(f), "frame " + (f + 1));
        }
        assertTrue(window.capturing());
        assertEquals(null, window.loaded(), "still capturing");
        waitFor(10, () -> window.status().getText().startsWith("Capturing on lo") && window.status().getText().contains("Dropped"));
        saveShot(window.stage().getScene(), "main-window-live");
        robot.interact(() -> window.stopLive());
        // both in one UI event, which this thread may see half done: wait for both
        waitFor(60, () -> window.loaded() != null && !window.capturing());
        // (the drops were checked on the status line while capturing, above: after Stop the filter
        // applied while capturing runs again and its own status may replace that line at any moment)
        var index = window.loaded().index();
        int withMarker = 0;
        try (var store = new dev.cellscope.gui.model.FrameStore(window.loaded().file(), index)) {
            for (int i = 0; i < index.size(); i++) {
                var p = store.packet(i);
                assertNotNull(p, "frame " + (i + 1) + "'s bytes are in the spool");
                byte[] b = p.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                for (int k = 0; k + marker.length <= b.length; k++) {
                    if (java.util.Arrays.equals(b, k, k + marker.length, marker, 0, marker.length)) {
                        withMarker++;
                        break;
                    }
                }
            }
        }
        assertTrue(withMarker >= sent, withMarker + " frames carry the datagrams' bytes");
        // once stopped, the filter applied while capturing runs over the whole capture as any filter does
        waitFor(30, () -> window.status().getText().contains("Displayed"));
        assertTrue(window.table().getItems().size() >= 4 * sent, window.status().getText());
        for (int f : window.table().getItems()) assertEquals(14 + 20 + 8 + marker.length, index.wireLength(f));
    }

    /** The wire length of frame {@code f} of the capture being read (live: the load's index). */
    private long robotIndexLength(int f) throws Exception {
        return WaitForAsyncUtils.asyncFx(() -> window.loadingIndex().wireLength(f)).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aMissingFileIsAOneLineError(FxRobot robot) {
        robot.interact(() -> window.open(Path.of("/nonexistent/capture.pcapng")));
        assertEquals("/nonexistent/capture.pcapng: no such file", window.lastError());
        assertTrue(window.status().getText().contains("no such file"));
    }

    private static Stage lastStage(FxRobot robot) {
        List<javafx.stage.Window> ws = robot.listWindows();
        return (Stage) ws.getLast();
    }

    /** The scene as PNG under target/screenshots/ (what a person sees, without the window frame). */
    static void saveShot(Scene scene, String name) throws Exception {
        Files.createDirectories(SHOTS);
        var image = WaitForAsyncUtils.asyncFx(() -> scene.snapshot(null)).get(10, TimeUnit.SECONDS);
        ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", SHOTS.resolve(name + ".png").toFile());
    }
}
