package dev.cellscope.charts;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleInsets;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.RenderingHints;
import java.text.DecimalFormat;

/**
 * The look every cellscope chart shares: white background, light grey grid, anti-aliasing,
 * and a colour-blind-safe palette (Okabe–Ito) so series stay distinguishable in print and for
 * readers with a colour vision deficiency.
 */
final class ChartStyle {
    private ChartStyle() {}

    static final Color BLUE = new Color(0x0072B2), ORANGE = new Color(0xE69F00), GREEN = new Color(0x009E73),
            RED = new Color(0xD55E00), PURPLE = new Color(0xCC79A7), SKY = new Color(0x56B4E9), GREY = new Color(0x999999);
    static final Color GRID = new Color(0xDDDDDD);

    static final String TIME_LABEL = "time since first frame (s)";

    /** Applies the shared look to a chart built on an {@link XYPlot}. */
    static JFreeChart finish(JFreeChart chart, String subtitle) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        chart.getRenderingHints().put(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        if (subtitle != null) {
            TextTitle sub = new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            sub.setPaint(Color.DARK_GRAY);
            chart.addSubtitle(sub);
        }
        if (chart.getLegend() != null) {
            chart.getLegend().setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            chart.getLegend().setFrame(org.jfree.chart.block.BlockBorder.NONE);
        }
        XYPlot plot = chart.getXYPlot();
        stylePlot(plot);
        if (plot instanceof org.jfree.chart.plot.CombinedDomainXYPlot combined) {
            for (XYPlot sub : combined.getSubplots()) stylePlot(sub);
        }
        return chart;
    }

    private static void stylePlot(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setDomainGridlineStroke(new BasicStroke(1f));
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setOutlinePaint(GREY);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        for (int i = 0; i < plot.getRangeAxisCount(); i++) styleAxis((NumberAxis) plot.getRangeAxis(i));
        styleAxis((NumberAxis) plot.getDomainAxis());
    }

    private static void styleAxis(NumberAxis axis) {
        if (axis == null) return;
        axis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    }

    /** A time axis in seconds that starts at the capture's first frame. */
    static NumberAxis timeAxis() {
        NumberAxis x = new NumberAxis(TIME_LABEL);
        x.setAutoRangeIncludesZero(true);
        x.setLowerMargin(0.0);
        x.setUpperMargin(0.01);
        return x;
    }

    /** A count or byte axis with whole-number ticks and thousands separators. */
    static NumberAxis integerAxis(String label) {
        NumberAxis y = new NumberAxis(label);
        y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        y.setNumberFormatOverride(new DecimalFormat("#,##0"));
        return y;
    }

    /** Flat bars (no gradient, no shadow) in the given colours. */
    static XYBarRenderer bars(XYBarRenderer r, Color... colors) {
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        r.setDrawBarOutline(false);
        for (int i = 0; i < colors.length; i++) r.setSeriesPaint(i, colors[i]);
        return r;
    }

    /** "1 ms", "20 µs", "0.5 s": an interval width for subtitles. */
    static String duration(long nanos) {
        if (nanos % 1_000_000_000L == 0) return nanos / 1_000_000_000L + " s";
        if (nanos >= 1_000_000_000L) return new DecimalFormat("0.###").format(nanos / 1e9) + " s";
        if (nanos >= 1_000_000) return new DecimalFormat("0.###").format(nanos / 1e6) + " ms";
        if (nanos >= 1_000) return new DecimalFormat("0.###").format(nanos / 1e3) + " µs";
        return nanos + " ns";
    }
}
