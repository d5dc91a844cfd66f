package dev.cellscope.charts;

import dev.cellscope.flow.SeriesUtcpDirection;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.util.ShapeUtils;

import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;

/**
 * {@code --kind seq}: a Stevens graph of one UTCP direction. Every DATA packet is a dot at
 * (capture time, seq); a healthy transfer is a straight rising line whose slope is the packet
 * rate. NACKs (sent the other way) put a triangle at each missing range's first seq at the
 * NACK's time; retransmissions are diamonds, drawn last so they stay visible over the dots.
 */
public final class SeqChart {
    private SeqChart() {}

    public static JFreeChart build(SeriesUtcpDirection dir) {
        XYPlot plot = new XYPlot();
        plot.setDomainAxis(ChartStyle.timeAxis());
        NumberAxis y = ChartStyle.integerAxis("seq (packets)");
        y.setNumberFormatOverride(new WireSeqFormat());
        y.setAutoRangeIncludesZero(false);
        plot.setRangeAxis(y);
        plot.setDataset(IntervalData.points(new String[] {"DATA seq", "NACKed seq (first of range)", "retransmission"},
                dir.data(), dir.nacks(), dir.retransmissions()));
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        r.setSeriesPaint(0, ChartStyle.BLUE);
        r.setSeriesShape(0, new Ellipse2D.Double(-1.5, -1.5, 3, 3));
        r.setSeriesPaint(1, ChartStyle.ORANGE);
        r.setSeriesShape(1, ShapeUtils.createUpTriangle(5f));
        r.setSeriesPaint(2, ChartStyle.RED);
        r.setSeriesShape(2, ShapeUtils.createDiamond(5f));
        r.setLegendShape(0, new Rectangle2D.Double(-4, -4, 8, 8));
        plot.setRenderer(r);
        plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD); // markers over the dots

        JFreeChart chart = new JFreeChart("UTCP seq vs time (Stevens): stream " + dir.label(), JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        boolean thinned = dir.data().decimated() || dir.nacks().decimated() || dir.retransmissions().decimated();
        return ChartStyle.finish(chart, String.format("%s → %s: %,d DATA packets (%,d payload bytes), %,d NACKed seqs, %,d retransmissions%s",
                dir.src(), dir.dst(), dir.data().seen(), dir.dataBytes(), dir.nacks().seen(), dir.retransmissions().seen(),
                thinned ? "; points thinned to min/max envelopes" : ""));
    }

    /**
     * Tick labels are wire seqs: the points are positions (unwrapped, so the line runs on across
     * 2^32, see {@link dev.cellscope.protocol.utcp.UtcpSeq}); their labels wrap as the seqs do.
     */
    static final class WireSeqFormat extends java.text.NumberFormat {
        private final java.text.DecimalFormat digits = new java.text.DecimalFormat("#,##0");

        @Override
        public StringBuffer format(double v, StringBuffer to, java.text.FieldPosition pos) {
            return format(Math.round(v), to, pos);
        }

        @Override
        public StringBuffer format(long v, StringBuffer to, java.text.FieldPosition pos) {
            return digits.format(dev.cellscope.protocol.utcp.UtcpSeq.wire(v), to, pos);
        }

        @Override
        public Number parse(String s, java.text.ParsePosition pos) {
            return digits.parse(s, pos);
        }
    }
}
