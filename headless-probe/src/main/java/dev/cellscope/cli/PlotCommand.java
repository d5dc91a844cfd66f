package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.analysis.AnalysisConfig;
import dev.cellscope.flow.SeriesTetherFlow;
import dev.cellscope.flow.SeriesUtcpDirection;
import dev.cellscope.flow.TimeSeries;
import dev.cellscope.flow.TimeSeriesOptions;
import dev.cellscope.flow.TimeSeriesSink;
import dev.cellscope.session.CaptureSession;
import dev.cellscope.session.SessionOptions;
import dev.cellscope.session.SessionResult;
import dev.cellscope.charts.ChartFiles;
import dev.cellscope.charts.FlowSelection;
import dev.cellscope.charts.GrantChart;
import dev.cellscope.charts.IoChart;
import dev.cellscope.charts.NackChart;
import dev.cellscope.charts.PlotKind;
import dev.cellscope.charts.SeqChart;
import org.jfree.chart.JFreeChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cellscope plot}: a time series chart of a capture, as PNG or SVG. */
@Command(name = "plot", mixinStandardHelpOptions = true,
        description = "Plot a capture over time: NACKs, Tether credit, UTCP seq (Stevens) or I/O rates, to PNG or SVG.")
public final class PlotCommand implements Callable<Integer> {

    @Mixin
    DecodeAs decodeAs = new DecodeAs();

    @Option(names = "-r", paramLabel = "FILE", required = true, description = "Capture file to read (pcap or pcapng); - or a pipe: read from it as tshark does.")
    Path file;

    @Option(names = "--kind", paramLabel = "KIND", required = true,
            description = "What to plot: ${COMPLETION-CANDIDATES} (nack: NACKs and retransmissions; grant: one Tether credit "
                    + "account; seq: Stevens graph of one UTCP direction; io: frames/s and bits/s).")
    PlotKind kind;

    @Option(names = "--flow", paramLabel = "ID",
            description = "seq: STREAM, STREAM:0|1 or STREAM:CELLID-PREFIX (default: the direction with most DATA). "
                    + "grant: SENDER,TARGET,FLOW (Tether ids) or the account's number (default: most bytes granted + spent).")
    String flow;

    @Option(names = "--interval", paramLabel = "SECONDS", description = "Interval width in seconds (default: chosen to give 40-200 intervals).")
    Double interval;

    @Option(names = "--width", paramLabel = "W", description = "Image width in pixels (default ${DEFAULT-VALUE}).")
    int width = ChartFiles.DEFAULT_WIDTH;

    @Option(names = "--height", paramLabel = "H", description = "Image height in pixels (default ${DEFAULT-VALUE}).")
    int height = ChartFiles.DEFAULT_HEIGHT;

    @Option(names = "-o", paramLabel = "OUT.png|OUT.svg", required = true, description = "Output file; the extension picks PNG or SVG.")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ChartFiles.Format format = checkArguments();
        OutputFile out = OutputFile.of(output, "-o", file);
        TimeSeriesOptions options = TimeSeriesOptions.DEFAULT;
        if (interval != null) options = options.withInterval(Math.round(interval * 1e9));

        Collected c = collect(options);
        TimeSeries ts = c.series();
        if (interval != null && ts.intervalNanos() != ts.requestedNanos()) {
            note("--interval " + interval + " s would need more than " + options.maxIntervals() + " intervals; using "
                    + ts.intervalNanos() / 1e9 + " s");
        }
        JFreeChart chart = chart(ts);
        write(chart, format, out);
        Sessions.failIfDamaged(file, c.result(), "plotted the ", "frames read before it");
        return 0;
    }

    /** Usage errors before the capture is read: a plot run can take a while. */
    private ChartFiles.Format checkArguments() {
        ChartFiles.Format format = ChartFiles.formatOf(output);
        if (format == null) throw UserError.usage("-o: '" + output + "' must end in .png or .svg");
        if (width < 100 || width > 20_000 || height < 100 || height > 20_000) {
            throw UserError.usage("--width and --height must be 100 to 20000 pixels");
        }
        if (interval != null && !(interval >= 1e-6 && interval <= 1e6)) {
            throw UserError.usage("--interval must be 0.000001 to 1000000 seconds, got " + interval);
        }
        if (flow != null && (kind == PlotKind.nack || kind == PlotKind.io)) {
            throw UserError.usage("--flow applies to --kind seq and --kind grant, not " + kind);
        }
        Path dir = output.toAbsolutePath().getParent();
        if (Files.isDirectory(output)) throw UserError.failure(output + ": is a directory");
        if (dir == null || !Files.isDirectory(dir)) throw UserError.failure(output + ": no such directory " + dir);
        if (!Files.isWritable(dir)) throw UserError.failure(output + ": permission denied (cannot write in " + dir + ")");
        return format;
    }

    private record Collected(TimeSeries series, SessionResult result) {}

    /** Reads the capture with conversation analysis (the NACK, retransmission and credit fields need it). */
    private Collected collect(TimeSeriesOptions options) {
        // Plots need no block verification: skipping it saves the decompression and hashing.
        CaptureSession session = Sessions.of(file, SessionOptions.of(new AnalysisConfig(null, false, false)).withDissector(decodeAs.config()));
        TimeSeriesSink sink = new TimeSeriesSink(options);
        SessionResult result = Sessions.run(session, () -> sink);
        if (result.frames() == 0 && result.damage().isEmpty()) throw UserError.failure(file + ": no frames: nothing to plot");
        return new Collected(sink.result(), result);
    }

    private JFreeChart chart(TimeSeries ts) {
        try {
            return switch (kind) {
                case nack -> NackChart.build(ts);
                case io -> IoChart.build(ts);
                case seq -> {
                    SeriesUtcpDirection d = FlowSelection.utcp(ts, flow);
                    if (flow == null) note("plotting UTCP direction " + d.label() + " (most DATA packets); --flow STREAM:DIR picks another");
                    yield SeqChart.build(d);
                }
                case grant -> {
                    int i = FlowSelection.tetherIndex(ts, flow);
                    SeriesTetherFlow f = ts.tether().get(i);
                    if (flow == null) note("plotting Tether account " + i + ": " + f.id() + " (most bytes granted + spent); --flow picks another");
                    yield GrantChart.build(ts, f);
                }
            };
        } catch (FlowSelection.NoSuchFlow e) {
            // Naming a flow that is not there is a usage error; a capture without any is the data's fault.
            throw flow != null ? UserError.usage(e.getMessage()) : UserError.failure(file + ": " + e.getMessage());
        }
    }

    /** Writes through a temporary file ({@link OutputFile}), so a failed run never leaves half an image behind. */
    private void write(JFreeChart chart, ChartFiles.Format format, OutputFile file) {
        try (file) {
            try (OutputStream out = file.open()) {
                ChartFiles.write(chart, format, width, height, out);
            } catch (IOException e) {
                throw file.cannotWrite(e);
            }
            file.commit();
        }
    }

    private void note(String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("cellscope: " + message);
        err.flush();
    }
}
