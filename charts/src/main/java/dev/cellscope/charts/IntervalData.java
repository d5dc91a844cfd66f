package dev.cellscope.charts;

import dev.cellscope.flow.SeriesXY;
import org.jfree.data.xy.DefaultIntervalXYDataset;
import org.jfree.data.xy.DefaultXYDataset;

/** Turns time series arrays into jfreechart datasets (x in seconds since the first frame). */
final class IntervalData {
    private IntervalData() {}

    /** Per-interval values as bars spanning their interval; {@code scale} multiplies each value (e.g. to a rate). */
    static DefaultIntervalXYDataset bars(double intervalSeconds, double scale, String[] keys, long[]... series) {
        DefaultIntervalXYDataset d = new DefaultIntervalXYDataset();
        for (int s = 0; s < series.length; s++) {
            long[] v = series[s];
            double[][] data = new double[6][v.length];
            for (int i = 0; i < v.length; i++) {
                data[0][i] = (i + 0.5) * intervalSeconds;
                data[1][i] = i * intervalSeconds;
                data[2][i] = (i + 1) * intervalSeconds;
                data[3][i] = data[4][i] = data[5][i] = v[i] * scale;
            }
            d.addSeries(keys[s], data);
        }
        return d;
    }

    /**
     * Per-interval values as a step line: each interval's value from its start to its end (one
     * extra point closes the last interval).
     */
    static DefaultXYDataset steps(double intervalSeconds, double scale, String[] keys, long[]... series) {
        DefaultXYDataset d = new DefaultXYDataset();
        for (int s = 0; s < series.length; s++) {
            long[] v = series[s];
            double[][] data = new double[2][v.length + 1];
            for (int i = 0; i <= v.length; i++) {
                data[0][i] = i * intervalSeconds;
                data[1][i] = v.length == 0 ? 0 : v[Math.min(i, v.length - 1)] * scale;
            }
            d.addSeries(keys[s], data);
        }
        return d;
    }

    /** Point series as they are. */
    static DefaultXYDataset points(String[] keys, SeriesXY... series) {
        DefaultXYDataset d = new DefaultXYDataset();
        for (int s = 0; s < series.length; s++) d.addSeries(keys[s], xy(series[s]));
        return d;
    }

    static double[][] xy(SeriesXY p) {
        double[][] data = new double[2][p.size()];
        for (int i = 0; i < p.size(); i++) {
            data[0][i] = p.timesNanos()[i] / 1e9;
            data[1][i] = p.values()[i];
        }
        return data;
    }
}
