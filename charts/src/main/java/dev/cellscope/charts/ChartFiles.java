package dev.cellscope.charts;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;

import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/** Renders charts to PNG or SVG, off screen (no display needed). */
public final class ChartFiles {
    private ChartFiles() {}

    public static final int DEFAULT_WIDTH = 1200, DEFAULT_HEIGHT = 700;

    public enum Format { PNG, SVG }

    static {
        // Rendering into an image needs no display; saying so keeps AWT from looking for one.
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /** The format a file name asks for, or null when its extension is neither .png nor .svg. */
    public static Format formatOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".png")) return Format.PNG;
        if (name.endsWith(".svg")) return Format.SVG;
        return null;
    }

    public static void write(JFreeChart chart, Format format, int width, int height, OutputStream out) throws IOException {
        switch (format) {
            case PNG -> ChartUtils.writeChartAsPNG(out, chart, width, height);
            case SVG -> out.write(svg(chart, width, height).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The chart as a standalone SVG document. */
    public static String svg(JFreeChart chart, int width, int height) {
        SVGGraphics2D g = new SVGGraphics2D(width, height);
        chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
        return g.getSVGDocument();
    }
}
