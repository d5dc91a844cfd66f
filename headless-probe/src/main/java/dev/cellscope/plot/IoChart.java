package dev.cellscope.plot;

import dev.cellscope.flow.TimeSeries;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYStepRenderer;

import java.awt.BasicStroke;
import java.text.DecimalFormat;
import java.util.Arrays;

/**
 * {@code --kind io}: the capture's rates per interval. Frames/s on the left axis; on the right,
 * bits/s of whole frames on the wire and goodput (UTCP DATA payload seen for the first time),
 * both in bits/s so they compare directly; the gap between them is headers, control traffic
 * and retransmissions.
 */
public final class IoChart {
    private IoChart() {}

    public static JFreeChart build(TimeSeries ts) {
        double w = ts.intervalSeconds(), perSecond = w == 0 ? 0 : 1 / w;
        XYPlot plot = new XYPlot();
        plot.setDomainAxis(ChartStyle.timeAxis());

        NumberAxis frames = new NumberAxis("frames/s");
        frames.setNumberFormatOverride(new DecimalFormat("#,##0"));
        plot.setRangeAxis(0, frames);
        plot.setDataset(0, IntervalData.steps(w, perSecond, new String[] {"frames/s"}, ts.frames()));
        XYStepRenderer f = new XYStepRenderer();
        f.setSeriesPaint(0, ChartStyle.GREY);
        f.setSeriesStroke(0, new BasicStroke(1.6f));
        plot.setRenderer(0, f);

        NumberAxis bits = new NumberAxis("bits/s");
        bits.setNumberFormatOverride(new DecimalFormat("#,##0"));
        plot.setRangeAxis(1, bits);
        plot.setDataset(1, IntervalData.steps(w, 8 * perSecond, new String[] {"bits/s (frames)", "goodput bits/s (UTCP DATA)"},
                ts.bytes(), ts.goodputBytes()));
        plot.mapDatasetToRangeAxis(1, 1);
        XYStepRenderer b = new XYStepRenderer();
        b.setSeriesPaint(0, ChartStyle.BLUE);
        b.setSeriesPaint(1, ChartStyle.GREEN);
        b.setSeriesStroke(0, new BasicStroke(2.2f));
        b.setSeriesStroke(1, new BasicStroke(2.2f));
        plot.setRenderer(1, b);

        long totalFrames = Arrays.stream(ts.frames()).sum(), totalBytes = Arrays.stream(ts.bytes()).sum();
        JFreeChart chart = new JFreeChart("I/O rates", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        return ChartStyle.finish(chart, String.format("%,d frames, %,d bytes in %s; interval %s",
                totalFrames, totalBytes, ChartStyle.duration(Math.max(ts.durationNanos(), 1)), ChartStyle.duration(ts.intervalNanos())));
    }
}
