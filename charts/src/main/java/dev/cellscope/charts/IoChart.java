package dev.cellscope.charts;

import dev.cellscope.flow.TimeSeries;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYStepRenderer;

import java.awt.BasicStroke;
import java.util.Arrays;

/**
 * {@code --kind io}: the capture's rates per interval, in two panels over one time axis. The top
 * panel has bits/s of whole frames on the wire and goodput (UTCP DATA payload seen for the first
 * time) on one axis, so they compare directly: the gap between them is headers, control traffic
 * and retransmissions. The bottom panel has frames/s. (Two panels, not two axes on one panel:
 * with two independently scaled axes a steady transfer draws both lines on top of each other.)
 */
public final class IoChart {
    private IoChart() {}

    public static JFreeChart build(TimeSeries ts) {
        double w = ts.intervalSeconds(), perSecond = w == 0 ? 0 : 1 / w;
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(ChartStyle.timeAxis());
        plot.setGap(12);

        NumberAxis bits = new NumberAxis("bits/s");
        bits.setNumberFormatOverride(new SiFormat());
        XYStepRenderer b = new XYStepRenderer();
        b.setSeriesPaint(0, ChartStyle.BLUE);
        b.setSeriesPaint(1, ChartStyle.GREEN);
        b.setSeriesStroke(0, new BasicStroke(2.2f));
        b.setSeriesStroke(1, new BasicStroke(2.2f));
        plot.add(new XYPlot(IntervalData.steps(w, 8 * perSecond, new String[] {"bits/s (frames on the wire)", "goodput bits/s (UTCP DATA, first copies)"},
                ts.bytes(), ts.goodputBytes()), null, bits, b), 2);

        NumberAxis frames = new NumberAxis("frames/s");
        frames.setNumberFormatOverride(new SiFormat());
        XYStepRenderer f = new XYStepRenderer();
        f.setSeriesPaint(0, ChartStyle.PURPLE);
        f.setSeriesStroke(0, new BasicStroke(2.2f));
        plot.add(new XYPlot(IntervalData.steps(w, perSecond, new String[] {"frames/s"}, ts.frames()), null, frames, f), 1);

        long totalFrames = Arrays.stream(ts.frames()).sum(), totalBytes = Arrays.stream(ts.bytes()).sum();
        JFreeChart chart = new JFreeChart("I/O rates", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        return ChartStyle.finish(chart, String.format("%,d frames, %,d bytes in %s; interval %s",
                totalFrames, totalBytes, ChartStyle.duration(Math.max(ts.durationNanos(), 1)), ChartStyle.duration(ts.intervalNanos())));
    }
}
