package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.analysis.AnalysisConfig;
import dev.cellscope.dissect.FieldSink;
import dev.cellscope.flow.FlowCsv;
import dev.cellscope.flow.FlowKind;
import dev.cellscope.flow.FlowTable;
import dev.cellscope.session.CaptureSession;
import dev.cellscope.session.FrameConsumer;
import dev.cellscope.session.SessionOptions;
import dev.cellscope.session.SessionResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code cellscope stats}: the flow table of a capture as CSV (docs/CSV.md), built in one pass
 * with conversation analysis and bounded memory (idle flows are written as the capture is read).
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Flow table as CSV: UTCP directions, Tether flows and UTCP-SBI peer pairs (see docs/CSV.md).")
public final class StatsCommand implements Callable<Integer> {

    enum Kind { utcp, tether, sbi, all }

    @Option(names = "-r", paramLabel = "FILE", required = true, description = "Capture file to read (pcap or pcapng); - or a pipe: read from it as tshark does.")
    Path file;

    @Option(names = "--flows", paramLabel = "OUT.csv", required = true, description = "Where to write the CSV; - for standard output.")
    String flows;

    @Option(names = "--kind", paramLabel = "KIND",
            description = "Rows to write: ${COMPLETION-CANDIDATES} (default all: the three tables one after the other).")
    Kind kind = Kind.all;

    @Option(names = "--idle", paramLabel = "SECONDS",
            description = "Write and forget a flow idle for this long in capture time (default 60).")
    BigDecimal idleSeconds = BigDecimal.valueOf(60);

    @Option(names = "--max-flows", paramLabel = "N",
            description = "Live flows at most; beyond, the least recently active is written and forgotten (default 50000).")
    int maxFlows = FlowTable.Config.DEFAULT.maxFlows();

    @Option(names = "-2", description = "Two passes for the conversation analysis, as cellscope read -2.")
    boolean twoPass;

    @Option(names = "--no-verify", description = "Do not decompress and hash-check BLOCK_PUT data (blocks_verified stays 0).")
    boolean noVerify;

    @Mixin
    DecodeAs decodeAs = new DecodeAs();

    @Override
    public Integer call() throws IOException {
        FlowTable.Config config = config();
        Set<FlowKind> kinds = kind == Kind.all ? EnumSet.allOf(FlowKind.class) : EnumSet.of(FlowKind.valueOf(kind.name().toUpperCase()));
        AnalysisConfig analysisConfig = new AnalysisConfig(null, !noVerify, true);
        CaptureSession session = Sessions.of(file, SessionOptions.of(analysisConfig).withTwoPass(twoPass).withDissector(decodeAs.config()));

        OutputFile csvFile = flows.equals("-") ? null : OutputFile.of(Path.of(flows), "--flows", file);
        SessionResult result;
        try (CsvConsumer consumer = new CsvConsumer(config, kinds, csvFile)) {
            result = Sessions.run(session, consumer);
            // A damaged capture's flows (those read before the damage) are kept, and the damage reported.
            Sessions.unchecked(consumer::commit);
        } catch (UncheckedIOException e) {
            throw csvFile != null ? csvFile.cannotWrite(e.getCause()) : Console.writeFailed(e.getCause());
        }
        Sessions.failIfDamaged(file, result, "", "frames were read before it");
        return 0;
    }

    /**
     * The flow table written as CSV; the output is created once the capture could be opened, and a
     * file is put in place only by {@link #commit()} (see {@link OutputFile}).
     */
    private final class CsvConsumer implements FrameConsumer, AutoCloseable {
        private final FlowTable.Config config;
        private final Set<FlowKind> kinds;
        private final OutputFile file;
        private Writer out;
        private FlowCsv csv;
        private FlowTable table;

        CsvConsumer(FlowTable.Config config, Set<FlowKind> kinds, OutputFile file) {
            this.config = config;
            this.kinds = kinds;
            this.file = file;
        }

        @Override
        public void begin() {
            out = file == null ? Console.stdout() : new java.io.BufferedWriter(
                    new java.io.OutputStreamWriter(file.open(), StandardCharsets.UTF_8), 1 << 16);
            Sessions.unchecked(() -> csv = new FlowCsv(out, kinds));
            table = new FlowTable(config, kinds, csv);
        }

        @Override
        public FieldSink sink() {
            return table;
        }

        @Override
        public FieldSink releasedSink() {
            return table; // messages held behind a hole to the end count in their SBI row
        }

        @Override
        public void end(SessionResult result) {
            table.finish(); // the flows read before any damage are still written
        }

        /** Writes out what is buffered and puts the file in place. */
        void commit() throws IOException {
            Writer w = out;
            out = null;
            try {
                if (csv != null) csv.close();
            } finally {
                if (w != null) w.close();
            }
            if (file != null) file.commit();
        }

        /** Without a {@link #commit()}: a file is not left behind, half written. */
        @Override
        public void close() {
            try {
                if (out != null) out.close();
            } catch (IOException | RuntimeException ignored) {
                // abandoned
            } finally {
                if (file != null) file.close();
            }
        }
    }

    private FlowTable.Config config() {
        if (idleSeconds.signum() <= 0) throw UserError.usage("--idle takes a positive number of seconds, got " + idleSeconds);
        if (maxFlows < FlowTable.Config.MIN_FLOWS) {
            throw UserError.usage("--max-flows takes a number of at least " + FlowTable.Config.MIN_FLOWS + ", got " + maxFlows);
        }
        long nanos;
        try {
            nanos = idleSeconds.movePointRight(9).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
        } catch (ArithmeticException e) {
            throw UserError.usage("--idle: " + idleSeconds + " seconds is too long");
        }
        return FlowTable.Config.DEFAULT.withIdleNanos(nanos).withMaxFlows(maxFlows);
    }

}
