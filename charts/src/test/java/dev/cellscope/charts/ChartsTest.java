package dev.cellscope.charts;

import dev.cellscope.flow.SeriesTetherFlow;
import dev.cellscope.flow.SeriesUtcpDirection;
import dev.cellscope.flow.SeriesXY;
import dev.cellscope.flow.TimeSeries;
import org.jfree.chart.JFreeChart;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Every chart kind renders to a PNG of the asked size with its series' colours in it, and to well-formed SVG. */
class ChartsTest {
    static final int N = 50;
    static final long INTERVAL = 10_000_000L;

    static long[] ramp(int mod) {
        long[] v = new long[N];
        for (int i = 0; i < N; i++) v[i] = i % mod == 0 ? 0 : (i * 7L) % 23 + 1;
        return v;
    }

    static SeriesXY points(int n, long step, long slope, long offset) {
        long[] t = new long[n], v = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = i * step;
            v[i] = offset + i * slope - (i % 9 == 0 ? 600 : 0);
        }
        return new SeriesXY(t, v, n, false);
    }

    static final SeriesTetherFlow FLOW = new SeriesTetherFlow(0xAC1D11223344L, 0xAC1D55667788L, 1, ramp(5), ramp(3),
            points(200, N * INTERVAL / 200, 3, 100), points(5, N * INTERVAL / 5, 0, -300), 300, 4000, 5000);
    static final SeriesUtcpDirection DIR = new SeriesUtcpDirection(0, 0, "11".repeat(16), "22".repeat(16),
            points(2000, N * INTERVAL / 2000, 1, 1001), points(40, N * INTERVAL / 40, 50, 1001), points(40, N * INTERVAL / 40, 50, 1003), 1_000_000);
    static final TimeSeries SERIES = new TimeSeries(INTERVAL, INTERVAL, N * INTERVAL, ramp(100), ramp(7), ramp(4), ramp(3),
            ramp(2), ramp(6), List.of(FLOW), List.of(DIR), 0);

    static BufferedImage png(JFreeChart chart, int w, int h) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChartFiles.write(chart, ChartFiles.Format.PNG, w, h, out);
        return ImageIO.read(new ByteArrayInputStream(out.toByteArray()));
    }

    /** True when some pixel of the image's middle (the plot area, not the legend) is close to {@code c}. */
    static boolean drawsColour(BufferedImage img, Color c) {
        for (int y = img.getHeight() / 8; y < img.getHeight() * 3 / 4; y++) {
            for (int x = img.getWidth() / 10; x < img.getWidth() * 9 / 10; x++) {
                Color p = new Color(img.getRGB(x, y));
                if (Math.abs(p.getRed() - c.getRed()) + Math.abs(p.getGreen() - c.getGreen()) + Math.abs(p.getBlue() - c.getBlue()) < 20) return true;
            }
        }
        return false;
    }

    static void check(JFreeChart chart, String title, Color... colours) throws Exception {
        BufferedImage img = png(chart, 1200, 700);
        assertEquals(1200, img.getWidth());
        assertEquals(700, img.getHeight());
        Set<Integer> distinct = new HashSet<>();
        long nonWhite = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                distinct.add(rgb);
                if (rgb != 0xFFFFFF) nonWhite++;
            }
        }
        assertTrue(distinct.size() > 20, title + ": " + distinct.size() + " colours");
        assertTrue(nonWhite > 10_000, title + ": " + nonWhite + " non-white pixels");
        for (Color c : colours) assertTrue(drawsColour(img, c), title + " lacks " + c);

        String svg = ChartFiles.svg(chart, 800, 400);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        var doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", doc.getDocumentElement().getNodeName());
        assertTrue(svg.contains(title), "SVG lacks its title " + title);
    }

    @Test
    void nack() throws Exception {
        check(NackChart.build(SERIES), "UTCP NACKs and retransmissions", ChartStyle.SKY, ChartStyle.ORANGE, ChartStyle.RED);
    }

    @Test
    void grant() throws Exception {
        check(GrantChart.build(SERIES, FLOW), "Tether credit: ac:1d:11:22:33:44,ac:1d:55:66:77:88,1",
                ChartStyle.GREEN, ChartStyle.BLUE, ChartStyle.ORANGE, ChartStyle.RED);
    }

    @Test
    void seq() throws Exception {
        check(SeqChart.build(DIR), "UTCP seq vs time (Stevens)", ChartStyle.BLUE, ChartStyle.ORANGE, ChartStyle.RED);
    }

    /** The seq axis runs on across 2^32 (positions) and labels its ticks with wire seqs (mod 2^32). */
    @Test
    void seqAxisLabelsAreWireSeqs() {
        var axis = (org.jfree.chart.axis.NumberAxis) SeqChart.build(DIR).getXYPlot().getRangeAxis();
        java.text.NumberFormat f = axis.getNumberFormatOverride();
        assertEquals("4,294,967,295", f.format(0xFFFF_FFFFL));
        assertEquals("0", f.format(1L << 32));
        assertEquals("5", f.format((double) ((1L << 32) + 5)));
        assertEquals("1,001", f.format(1001));
    }

    @Test
    void io() throws Exception {
        check(IoChart.build(SERIES), "I/O rates", ChartStyle.PURPLE, ChartStyle.BLUE, ChartStyle.GREEN);
    }

    @Test
    void emptySeriesStillRender() throws Exception {
        TimeSeries empty = new TimeSeries(INTERVAL, 0, 0, new long[1], new long[1], new long[1], new long[1], new long[1], new long[1],
                List.of(), List.of(), 0);
        assertEquals(300, png(NackChart.build(empty), 400, 300).getHeight());
        assertEquals(300, png(IoChart.build(empty), 400, 300).getHeight());
    }

    @Test
    void formatFromExtension() {
        assertEquals(ChartFiles.Format.PNG, ChartFiles.formatOf(java.nio.file.Path.of("a/B.PNG")));
        assertEquals(ChartFiles.Format.SVG, ChartFiles.formatOf(java.nio.file.Path.of("b.svg")));
        assertNull(ChartFiles.formatOf(java.nio.file.Path.of("c.jpg")));
    }
}
