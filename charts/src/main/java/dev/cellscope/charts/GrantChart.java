package dev.cellscope.charts;

import dev.cellscope.flow.SeriesTetherFlow;
import dev.cellscope.flow.TimeSeries;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.ClusteredXYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.util.ShapeUtils;
import org.jfree.data.xy.DefaultXYDataset;

import java.awt.BasicStroke;
import java.awt.Color;

/**
 * {@code --kind grant}: one Tether credit account. Bars (left axis) are the grant bytes the
 * target issued and the bytes the sender spent in each interval; the line (right axis) is the
 * sender's balance after each frame, stepping up at grants and down at sends. A balance below
 * the zero line is a grant overrun; each one is marked with a cross.
 */
public final class GrantChart {
    private GrantChart() {}

    public static JFreeChart build(TimeSeries ts, SeriesTetherFlow flow) {
        double w = ts.intervalSeconds();
        XYPlot plot = new XYPlot();
        plot.setDomainAxis(ChartStyle.timeAxis());

        plot.setRangeAxis(0, ChartStyle.integerAxis("bytes per interval of " + ChartStyle.duration(ts.intervalNanos())));
        plot.setDataset(0, IntervalData.bars(w, 1, new String[] {"granted (bytes)", "spent (bytes)"}, flow.granted(), flow.spent()));
        plot.setRenderer(0, ChartStyle.bars(new ClusteredXYBarRenderer(0.15, false), ChartStyle.GREEN, ChartStyle.BLUE));

        NumberAxis balance = ChartStyle.integerAxis("credit balance (bytes)");
        balance.setAutoRangeIncludesZero(true);
        plot.setRangeAxis(1, balance);
        DefaultXYDataset credit = new DefaultXYDataset();
        credit.addSeries("credit balance (bytes)", IntervalData.xy(flow.credit()));
        plot.setDataset(1, credit);
        plot.mapDatasetToRangeAxis(1, 1);
        XYStepRenderer line = new XYStepRenderer();
        line.setSeriesPaint(0, ChartStyle.ORANGE);
        line.setSeriesStroke(0, new BasicStroke(2.2f));
        plot.setRenderer(1, line);

        DefaultXYDataset overruns = new DefaultXYDataset();
        overruns.addSeries("grant overrun", IntervalData.xy(flow.overruns()));
        plot.setDataset(2, overruns);
        plot.mapDatasetToRangeAxis(2, 1);
        XYLineAndShapeRenderer marks = new XYLineAndShapeRenderer(false, true);
        marks.setSeriesPaint(0, ChartStyle.RED);
        marks.setSeriesShape(0, ShapeUtils.createDiagonalCross(5f, 1.2f));
        plot.setRenderer(2, marks);
        ValueMarker zero = new ValueMarker(0, Color.GRAY, new BasicStroke(1f));
        plot.addRangeMarker(1, zero, org.jfree.chart.ui.Layer.BACKGROUND);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD); // the balance over the bars

        String title = "Tether credit: " + flow.id();
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        return ChartStyle.finish(chart, String.format("flow %d, sender %s spends what target %s grants: "
                        + "%,d bytes granted, %,d spent, %,d overruns%s",
                flow.flow(), mac(flow.sender()), mac(flow.target()), flow.grantTotal(), flow.spentTotal(), flow.overruns().seen(),
                flow.credit().decimated() ? " (balance decimated)" : ""));
    }

    private static String mac(long id) {
        return dev.cellscope.field.FieldFormat.mac(id);
    }
}
