package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.analysis.AnalysisConfig;
import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.dissect.TeeSink;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FieldRegistry;
import dev.cellscope.filter.DisplayFilter;
import dev.cellscope.filter.FilterException;
import dev.cellscope.filter.FilterSink;
import dev.cellscope.io.Packet;
import dev.cellscope.output.CaptureStatistic;
import dev.cellscope.output.FieldColumns;
import dev.cellscope.output.IoStats;
import dev.cellscope.session.CaptureSession;
import dev.cellscope.session.FrameConsumer;
import dev.cellscope.session.SessionOptions;
import dev.cellscope.session.SessionResult;
import dev.cellscope.live.CaptureStats;
import dev.cellscope.live.LiveCapture;
import dev.cellscope.live.ring.CaptureCounters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code cellscope read}: decode a capture file, tshark-style. */
// Not mixinStandardHelpOptions: its -V (version) clashes with tshark's -V (detail tree), and picocli
// then adds neither -V nor -h/--help, so `read --help` was an unknown option.
@Command(name = "read",
        description = "Decode a pcap or pcapng capture, or capture live on an interface (-i): summary lines, detail tree, hex, fields or JSON.")
public final class ReadCommand implements Callable<Integer> {

    enum Format { text, fields, json }

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "-r", paramLabel = "FILE", description = "Capture file to read (pcap or pcapng); - or a pipe: read from it as tshark does.")
    Path file;

    @Mixin
    CaptureOptions live = new CaptureOptions();

    @Option(names = "-D", description = "List the interfaces -i can capture on, numbered, with their addresses, and exit.")
    boolean listInterfaces;

    @Option(names = "-c", paramLabel = "N", description = "Stop after N frames.")
    long count = Long.MAX_VALUE;

    @Option(names = "-V", description = "Print the detail tree of each frame.")
    boolean verbose;

    @Option(names = "-x", description = "Print a hex and ASCII dump of each frame.")
    boolean hex;

    @Option(names = "-T", paramLabel = "FORMAT", description = "Output format: ${COMPLETION-CANDIDATES} (default text).")
    Format format = Format.text;

    @Option(names = "-e", paramLabel = "FIELD", description = "Field to print with -T fields (repeatable).")
    List<String> fieldNames = new ArrayList<>();

    @Option(names = "-E", paramLabel = "KEY=VALUE",
            description = "Fields output options, as tshark's: header=y|n, separator=/t|/s|C, occurrence=f|l|a, "
                    + "aggregator=,|/s|C, quote=d|s|n, bom=y|n.")
    List<String> fieldOptions = new ArrayList<>();

    @Option(names = "-w", paramLabel = "OUT.pcapng", description = "Write the frames read to a pcapng file (- : to standard "
            + "output, with no other output there).")
    Path writeTo;

    @Mixin
    DecodeAs decodeAs = new DecodeAs();

    @Option(names = "-Y", paramLabel = "FILTER", description = "Display filter: show (and write with -w) only matching frames.")
    String displayFilter;

    @Option(names = "-2", description = "Two passes: also show links to later frames (reassembled_in, response_in, answered_in, tap loss).")
    boolean twoPass;

    @Option(names = "-P", description = "Print packet summary lines even when writing to a file (-w), as tshark's -P.")
    boolean printSummary;

    @Option(names = "-q", description = "Print no per-frame output (with -z statistics).")
    boolean quiet;

    @Option(names = "-z", paramLabel = "STAT", description = "Statistics after the frames (repeatable): expert, follow,utcp,STREAM, "
            + "conv,utcp, conv,tether, endpoints,cellid, io,stat,INTERVAL[,FILTER]..., sbi,ops, isb (the file's Interface Statistics Blocks).")
    List<String> stats = new ArrayList<>();

    @Option(names = "--cellids", paramLabel = "FILE",
            description = "Address book: one CellID (32 hex digits) per line, optionally followed by a name; "
                    + "traffic from or to other CellIDs is flagged.")
    Path cellIds;

    @Option(names = "--no-verify", description = "Do not decompress and hash-check BLOCK_PUT data.")
    boolean noVerify;

    @Option(names = "--per-packet", description = "Decode each frame on its own, as the Wireshark plugin does: no conversation "
            + "analysis or reassembly; SBI messages only where one packet holds them (analysis fields stay empty).")
    boolean perPacket;

    @Override
    public Integer call() throws IOException {
        if (listInterfaces) {
            try (Writer out = Console.stdout()) {
                out.append(CaptureOptions.list(CaptureOptions.interfaces(live.backend())));
            }
            return 0;
        }
        if (file != null && live.live()) throw UserError.usage("-r and -i cannot be used together: read a file or capture live, not both");
        if (file == null && !live.live()) throw UserError.usage("read needs -r FILE or -i INTERFACE (cellscope read -D lists the interfaces)");
        if (!live.live()) live.refuseWithoutInterface();
        if (live.live() && twoPass) {
            throw UserError.usage("-2 needs a capture file: a live interface cannot be read twice (capture with -w FILE, then read -r FILE -2)");
        }
        if (perPacket && (twoPass || !stats.isEmpty())) {
            throw UserError.usage("--per-packet decodes frames without conversation analysis: it cannot be used with -2 or -z");
        }
        boolean captureToStdout = OutputFile.isStdout(writeTo);
        if (captureToStdout && (!stats.isEmpty() || format != Format.text || verbose || hex)) {
            throw UserError.usage("-w - writes the capture to standard output: -z, -T, -V and -x would print there too");
        }
        // As tshark and tcpdump: with -w - the capture is the standard output, so no frame is printed. As tshark: writing a
        // file prints no summary lines unless -P asks for them; what was asked for explicitly (-V, -x, -T) still prints.
        boolean summaryOnly = format == Format.text && !verbose && !hex;
        FrameOutput output = quiet || captureToStdout || (writeTo != null && summaryOnly && !printSummary) ? new NoOutput() : frameOutput();
        List<CaptureStatistic> statistics = new ArrayList<>();
        boolean listIsbs = false;
        for (String z : stats) {
            if (z.equals(IsbListing.NAME)) listIsbs = true;
            else statistics.add(Statistics.parse(z));
        }
        if (listIsbs && (file == null || !java.nio.file.Files.isRegularFile(file))) {
            throw UserError.usage("-z isb lists a capture file's statistics blocks: it needs -r FILE (a file, not a pipe or -i)");
        }
        DisplayFilter filter = compileFilter();
        FilterSink filterSink = filter == null ? null : filter.newSink();
        boolean analyze = !perPacket && (output.needsAnalysis() || !statistics.isEmpty()
                || (filter != null && filter.fields().stream().anyMatch(FieldsOutput::analysed)));
        AnalysisConfig analysisConfig = new AnalysisConfig(cellIds == null ? null : CellIdList.read(cellIds), !noVerify, true);
        LiveCapture capture = live.live() ? live.capture() : null;
        SessionOptions options = new SessionOptions(decodeAs.config(), analyze ? analysisConfig : null, analyze && twoPass,
                Math.min(count, live.packetLimit()));
        CaptureSession session = capture != null ? Sessions.live(capture, options) : Sessions.of(file, options);

        SessionResult result;
        // A file's copy is put in place when complete; a live capture's is written in place as it goes (OutputFile).
        OutputFile copyFile = writeTo == null ? null : capture != null ? OutputFile.inPlace(writeTo, "-w") : OutputFile.of(writeTo, "-w", file);
        // During a live capture SIGINT/SIGTERM stop it gracefully: outputs finish, counts print, exit 0.
        StopSignals signals = capture == null ? null : StopSignals.install(capture::stop);
        try (CaptureCopy copy = copyFile == null ? null
                : capture != null ? CaptureCopy.live(copyFile, session::interfaces) : new CaptureCopy(copyFile, session::interfaces);
             Writer out = Console.stdout()) {
            if (copy != null && capture != null) copy.statistics(() -> CaptureCounters.of(capture.stats()));
            PeriodicFlush flush = capture == null || quiet ? null : new PeriodicFlush(out);
            try {
                result = Sessions.run(session, consumer(output, statistics, filter, filterSink, analyze, copy, out, capture));
            } catch (Console.ClosedOutput e) {
                // The reader of our output went away (e.g. `| head`): not an error, and the copy holds what was shown
                // (with -w -, the copy was that output).
                if (copy != null && !captureToStdout) copy.commit();
                return 0;
            } finally {
                if (flush != null) flush.close();
            }
            // A damaged capture's copy holds every frame before the damage: it is kept, and the damage reported.
            if (copy != null) copy.commit();
        } catch (UserError e) {
            // A live capture that fails (a full disk under -w) still says how many frames it captured, as tshark does.
            if (capture != null && capture.opened()) {
                capture.stop();
                reportCounts(capture);
            }
            throw e;
        } finally {
            if (signals != null) signals.close();
            if (capture != null) capture.release();
        }
        if (capture != null) {
            reportCounts(capture);
            Sessions.failIfDamaged(capture.name(), result, "", "frames were captured before it");
        } else {
            Sessions.failIfDamaged(file, result, "", "frames were read before it");
            if (listIsbs) {
                try (Writer out = Console.stdout()) {
                    out.append(IsbListing.of(file));
                }
            }
        }
        return 0;
    }

    /** As tshark ends a live capture: how many frames, and what was lost when anything was (stderr). */
    private static void reportCounts(LiveCapture capture) {
        CaptureStats s = capture.stats();
        System.err.println(s.packets() + (s.packets() == 1 ? " packet" : " packets") + " captured");
        if (s.dropped() > 0) {
            System.err.println(s.dropped() + (s.dropped() == 1 ? " packet" : " packets") + " dropped from " + capture.name()
                    + " (kernel buffer " + s.kernelDropped() + ", interface " + Math.max(0, s.interfaceDropped())
                    + ", cellscope " + s.sourceDropped() + ")");
        }
    }

    private FrameConsumer consumer(FrameOutput output, List<CaptureStatistic> statistics, DisplayFilter filter,
                                   FilterSink filterSink, boolean analyze, CaptureCopy copy, Writer out, LiveCapture capture) {
        return new FrameConsumer() {
            @Override
            public void begin() {
                // as tshark says it once the interface is open (stderr, so outputs stay clean)
                if (capture != null) System.err.println("Capturing on '" + capture.name() + "'");
                if (copy != null) copy.open();
                Sessions.unchecked(() -> output.begin(out));
            }

            @Override
            public FieldSink sink() {
                FieldSink sink = output.sink();
                for (int i = 0; i < statistics.size(); i++) sink = new TeeSink(sink, statistics.get(i)); // per frame: no iterator
                if (filterSink != null) {
                    filterSink.reset();
                    sink = new TeeSink(sink, filterSink);
                }
                return sink;
            }

            @Override
            public FieldSink releasedSink() {
                FieldSink sink = null;
                for (CaptureStatistic statistic : statistics) {
                    FieldSink s = statistic.releasedSink();
                    if (s != null) sink = sink == null ? s : new TeeSink(sink, s);
                }
                return sink;
            }

            @Override
            public void frame(Packet p, FrameTiming timing) {
                if (filter == null || filter.matches(filterSink)) {
                    try { // not Sessions.unchecked: a capturing lambda per frame
                        output.write(p, timing, out);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    if (copy != null) copy.write(p);
                }
            }

            @Override
            public void end(SessionResult r) {
                Sessions.unchecked(() -> output.end(out));
                StringBuilder b = new StringBuilder();
                for (CaptureStatistic statistic : statistics) {
                    if (analyze) statistic.captureFindings(r.findings());
                    statistic.print(b);
                    if (statistic instanceof IoStats io && io.coarsened()) Statistics.noteWidened(io);
                }
                Sessions.unchecked(() -> out.append(b));
            }
        };
    }

    private DisplayFilter compileFilter() {
        if (displayFilter == null || displayFilter.isBlank()) return null;
        try {
            return DisplayFilter.compile(displayFilter);
        } catch (FilterException e) {
            throw UserError.usage("-Y: " + e.getMessage() + "\n" + e.caretLine());
        }
    }

    private FrameOutput frameOutput() {
        if (format != Format.fields && !fieldNames.isEmpty()) {
            throw UserError.usage("-e is only allowed with -T fields");
        }
        return switch (format) {
            case fields -> fieldsOutput();
            case json -> new JsonOutput();
            case text -> new TextOutput(verbose, hex);
        };
    }

    private FrameOutput fieldsOutput() {
        if (fieldNames.isEmpty()) throw UserError.usage("-T fields needs at least one -e FIELD");
        List<FieldDef> fields = new ArrayList<>();
        for (String name : fieldNames) {
            FieldDef f = FieldRegistry.byName(name);
            if (f == null) {
                String hint = FieldRegistry.suggest(name);
                throw UserError.usage("unknown field '" + name + "'" + (hint != null ? "; did you mean '" + hint + "'?" : "")
                        + " (cellscope fields lists them all)");
            }
            fields.add(f);
        }
        char separator = '\t', quote = 0;
        String aggregator = ",";
        FieldColumns.Occurrence occurrence = FieldColumns.Occurrence.ALL;
        boolean header = false, bom = false;
        for (String opt : fieldOptions) {
            int eq = opt.indexOf('=');
            if (eq < 0) throw UserError.usage("-E takes KEY=VALUE, got '" + opt + "'");
            String key = opt.substring(0, eq), value = opt.substring(eq + 1);
            switch (key) {
                case "separator" -> separator = character("separator", value);
                case "aggregator" -> aggregator = String.valueOf(character("aggregator", value));
                case "occurrence" -> {
                    if (value.equals("a")) occurrence = FieldColumns.Occurrence.ALL;
                    else if (value.equals("f")) occurrence = FieldColumns.Occurrence.FIRST;
                    else if (value.equals("l")) occurrence = FieldColumns.Occurrence.LAST;
                    // Before it followed tshark, occurrence=C set the character between occurrences: still read so.
                    else if (value.length() == 1 && !Character.isLetterOrDigit(value.charAt(0))) aggregator = value;
                    else throw UserError.usage("-E occurrence takes f (first), l (last) or a (all), got '" + value + "'");
                }
                case "quote" -> quote = switch (value) {
                    case "d" -> '"';
                    case "s" -> '\'';
                    case "n" -> 0;
                    default -> throw UserError.usage("-E quote takes d (double), s (single) or n (none), got '" + value + "'");
                };
                case "header" -> header = yes(value);
                case "bom" -> bom = yes(value);
                default -> throw UserError.usage("-E: unknown option '" + key + "' (header, separator, occurrence, aggregator, quote, bom)");
            }
        }
        return new FieldsOutput(new FieldColumns(fields, aggregator, occurrence), separator, quote, header, bom);
    }

    /** -E separator/aggregator: /t, /s or one character. */
    private static char character(String key, String value) {
        return switch (value) {
            case "/t" -> '\t';
            case "/s" -> ' ';
            default -> {
                if (value.length() != 1) throw UserError.usage("-E " + key + " takes one character, /t or /s");
                yield value.charAt(0);
            }
        };
    }

    private static boolean yes(String value) {
        return value.toLowerCase(Locale.ROOT).startsWith("y");
    }
}
