package dev.cellscope.charts;

import dev.cellscope.flow.TimeSeries;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;

import java.awt.BasicStroke;
import java.util.Arrays;

/**
 * {@code --kind nack}: how much the receivers asked for and how much the senders re-sent, per
 * interval. NACK packets are bars; the seqs they ask for and the retransmissions are step lines
 * over them. Retransmissions lagging the seqs asked for means re-sends were slow or lost.
 */
public final class NackChart {
    private NackChart() {}

    public static JFreeChart build(TimeSeries ts) {
        double w = ts.intervalSeconds();
        XYPlot plot = new XYPlot();
        plot.setDomainAxis(ChartStyle.timeAxis());
        NumberAxis y = ChartStyle.integerAxis("per interval of " + ChartStyle.duration(ts.intervalNanos()) + " (packets, seqs)");
        plot.setRangeAxis(y);

        plot.setDataset(0, IntervalData.steps(w, 1, new String[] {"missing seqs requested", "retransmissions"},
                ts.nackSeqs(), ts.retransmissions()));
        XYStepRenderer lines = new XYStepRenderer();
        lines.setSeriesPaint(0, ChartStyle.ORANGE);
        lines.setSeriesPaint(1, ChartStyle.RED);
        lines.setSeriesStroke(0, new BasicStroke(2.2f));
        lines.setSeriesStroke(1, new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 3f}, 0f));
        plot.setRenderer(0, lines);

        plot.setDataset(1, IntervalData.bars(w, 1, new String[] {"NACK packets"}, ts.nackPackets()));
        plot.setRenderer(1, ChartStyle.bars(new XYBarRenderer(0.1), ChartStyle.SKY));
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.REVERSE); // bars behind the lines

        long nacks = Arrays.stream(ts.nackPackets()).sum(), seqs = Arrays.stream(ts.nackSeqs()).sum(),
                re = Arrays.stream(ts.retransmissions()).sum();
        if (nacks == 0 && seqs == 0 && re == 0) y.setRange(0, 1); // nothing lost: a flat line on the floor, not mid-air
        JFreeChart chart = new JFreeChart("UTCP NACKs and retransmissions", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        return ChartStyle.finish(chart, String.format("%,d NACK packets asking for %,d seqs, %,d retransmissions", nacks, seqs, re));
    }
}
