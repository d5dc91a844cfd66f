package dev.cellscope.gui.view;

import dev.cellscope.charts.FlowSelection;
import dev.cellscope.charts.GrantChart;
import dev.cellscope.charts.IoChart;
import dev.cellscope.charts.NackChart;
import dev.cellscope.charts.SeqChart;
import dev.cellscope.flow.SeriesTetherFlow;
import dev.cellscope.flow.TimeSeries;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.entity.ChartEntity;
import org.jfree.chart.entity.XYItemEntity;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.fx.interaction.ChartMouseEventFX;
import org.jfree.chart.fx.interaction.ChartMouseListenerFX;
import org.jfree.chart.plot.XYPlot;

import java.awt.geom.Rectangle2D;
import java.util.function.DoubleConsumer;

/**
 * The charts module's plots in jfreechart-fx viewers (zoom with the mouse wheel or a drag, pan with
 * ctrl-drag): NACK rate, Tether grants issued vs spent with the credit balance, the UTCP Stevens
 * graph, the I/O graph. Clicking a point selects the frame at that time in the packet list.
 */
public final class PlotsView extends javafx.scene.layout.BorderPane {
    private final TabPane tabs = new TabPane();
    private final TimeSeries series;

    /** {@code selectAt} gets seconds since the capture's first frame; {@code chooseFile} asks where to export (null: cancelled). */
    public PlotsView(TimeSeries ts, DoubleConsumer selectAt, java.util.function.Supplier<java.nio.file.Path> chooseFile,
                     java.util.function.Consumer<String> say) {
        setId("plots-view");
        this.series = ts;
        tabs.setId("plots-tabs");
        add("NACKs", "plot-nack", () -> NackChart.build(ts), selectAt);
        add("Grants and credit", "plot-grant", () -> {
            SeriesTetherFlow f = ts.busiestTether();
            if (f == null) throw new FlowSelection.NoSuchFlow("no Tether credit account in this capture");
            return GrantChart.build(ts, f);
        }, selectAt);
        add("UTCP seq vs time", "plot-seq", () -> SeqChart.build(FlowSelection.utcp(ts, null)), selectAt);
        add("I/O", "plot-io", () -> IoChart.build(ts), selectAt);
        for (Tab t : tabs.getTabs()) t.setClosable(false);
        javafx.scene.control.Button export = new javafx.scene.control.Button("Export plot PNG/SVG…");
        export.setId("plot-export");
        export.setOnAction(e -> {
            java.nio.file.Path to = chooseFile.get();
            if (to == null) return;
            try {
                export(to);
                say.accept("plot written to " + to);
            } catch (java.io.IOException | IllegalArgumentException | IllegalStateException x) {
                say.accept(to + ": cannot write: " + x.getMessage());
            }
        });
        setTop(new javafx.scene.control.ToolBar(export, new Label("zoom: drag or wheel · pan: ctrl-drag · click a point: select its frame")));
        setCenter(tabs);
    }

    public TabPane tabs() {
        return tabs;
    }

    /** What is plotted: the whole capture's series, or the displayed frames' when a filter is applied. */
    public TimeSeries series() {
        return series;
    }

    /**
     * Writes the plot of the selected tab as PNG or SVG (by the file's extension), at the size
     * {@code cellscope plot} uses, through the charts module's writer.
     */
    public void export(java.nio.file.Path to) throws java.io.IOException {
        dev.cellscope.charts.ChartFiles.Format format = dev.cellscope.charts.ChartFiles.formatOf(to);
        if (format == null) throw new IllegalArgumentException("the file name must end in .png or .svg");
        if (!(tabs.getSelectionModel().getSelectedItem().getContent() instanceof ChartViewer viewer)) {
            throw new IllegalStateException("this tab has no plot");
        }
        java.nio.file.Path tmp = java.nio.file.Files.createTempFile(to.toAbsolutePath().getParent(), ".cellscope-plot-", ".tmp");
        try {
            try (var out = java.nio.file.Files.newOutputStream(tmp)) {
                dev.cellscope.charts.ChartFiles.write(viewer.getChart(), format, dev.cellscope.charts.ChartFiles.DEFAULT_WIDTH,
                        dev.cellscope.charts.ChartFiles.DEFAULT_HEIGHT, out);
            }
            java.nio.file.Files.move(tmp, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            java.nio.file.Files.deleteIfExists(tmp);
        }
    }

    private void add(String title, String id, java.util.function.Supplier<JFreeChart> chart, DoubleConsumer selectAt) {
        Tab tab = new Tab(title);
        tab.setId(id + "-tab");
        try {
            ChartViewer viewer = new ChartViewer(chart.get());
            viewer.setId(id);
            viewer.addChartMouseListener(new ChartMouseListenerFX() {
                @Override
                public void chartMouseClicked(ChartMouseEventFX e) {
                    double x = timeAt(viewer, e);
                    if (!Double.isNaN(x)) selectAt.accept(x);
                }

                @Override
                public void chartMouseMoved(ChartMouseEventFX e) {}
            });
            tab.setContent(viewer);
        } catch (FlowSelection.NoSuchFlow e) {
            Label none = new Label("Nothing to plot: " + e.getMessage());
            none.setId(id);
            tab.setContent(none);
        }
        tabs.getTabs().add(tab);
    }

    /**
     * The capture time (seconds since the first frame) of a click: a point's own x when the click hit
     * one, else the x axis value under the mouse.
     */
    static double timeAt(ChartViewer viewer, ChartMouseEventFX e) {
        ChartEntity entity = e.getEntity();
        if (entity instanceof XYItemEntity item) return item.getDataset().getXValue(item.getSeriesIndex(), item.getItem());
        if (!(e.getChart().getPlot() instanceof XYPlot plot) || viewer.getCanvas().getRenderingInfo() == null) return Double.NaN;
        Rectangle2D area = viewer.getCanvas().getRenderingInfo().getPlotInfo().getDataArea();
        double x = e.getTrigger().getX();
        if (x < area.getMinX() || x > area.getMaxX()) return Double.NaN;
        return plot.getDomainAxis().java2DToValue(x, area, plot.getDomainAxisEdge());
    }
}
