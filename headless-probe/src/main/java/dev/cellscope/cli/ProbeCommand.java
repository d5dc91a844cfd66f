package dev.cellscope.cli;

import dev.cellscope.analysis.AnalysisConfig;
import dev.cellscope.cli.errors.UserError;
import dev.cellscope.dissect.DissectorConfig;
import dev.cellscope.flow.FlowTable;
import dev.cellscope.probe.OutputFiles;
import dev.cellscope.probe.Probe;
import dev.cellscope.probe.ProbeException;
import dev.cellscope.probe.ProbeSignals;
import dev.cellscope.session.SourceException;
import dev.cellscope.session.SourceOpener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code cellscope probe}: the long-running headless probe (docs/PROBE.md). The command parses and
 * checks options and maps the probe's errors to one line; the work is {@link Probe}'s, over the
 * same capture session as {@code read} and {@code stats}.
 */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = "Long-running probe: flow records, findings as JSON lines, Prometheus metrics and a status line (see docs/PROBE.md).")
public final class ProbeCommand implements Callable<Integer> {

    @Option(names = "-r", paramLabel = "FILE", required = true,
            description = "Capture file to analyse (pcap or pcapng); - or a pipe: read from it as tshark does.")
    Path file;

    @Option(names = "--flows", paramLabel = "DIR", description = "Write flow records to rolling CSV files in DIR (docs/PROBE.md, Flow records).")
    Path flowsDir;

    @Option(names = "--flow-interval", paramLabel = "DURATION", description = "Record every active flow and start a new flow file this often (default 10s; at least 1s).")
    String flowInterval = "10s";

    @Option(names = "--flow-idle", paramLabel = "DURATION", description = "A flow idle this long ends and is recorded (default 60s).")
    String flowIdle = "60s";

    @Option(names = "--max-flows", paramLabel = "N", description = "Live flows at most; beyond, the least recently active ends early (default 50000).")
    int maxFlows = FlowTable.Config.DEFAULT.maxFlows();

    @Option(names = "--held-bytes", paramLabel = "BYTES",
            description = "Out-of-order bytes held for reassembly over all conversations; past it the oldest hole is given up (default 268435456, 256 MiB).")
    long heldBytes = AnalysisConfig.DEFAULT_HELD_BYTES_BUDGET;

    @Option(names = "--findings", paramLabel = "FILE", description = "Append findings (warn and above) to FILE as JSON lines.")
    Path findings;

    @Option(names = "--metrics", paramLabel = "[HOST:]PORT", description = "Serve Prometheus metrics at http://HOST:PORT/metrics (HOST defaults to 127.0.0.1).")
    String metrics;

    @Option(names = {"--cellids", "--address-book"}, paramLabel = "FILE",
            description = "Address book as for cellscope read --cellids: traffic from or to other CellIDs is a finding.")
    Path cellIds;

    @Option(names = "--status-interval", paramLabel = "DURATION", description = "Print a status line on stderr this often (default 5s; 0: never).")
    String statusInterval = "5s";

    @Option(names = "-Z", paramLabel = "USER", description = "Once the capture is open, drop root and run as USER (as tcpdump -Z).")
    String user;

    @Option(names = "--linger", paramLabel = "DURATION",
            description = "After the capture ends, keep serving metrics this long (a scraper then sees the final counts; SIGTERM ends it early). Default 0.")
    String linger = "0";

    @Option(names = "--no-verify", description = "Do not decompress and hash-check BLOCK_PUT data.")
    boolean noVerify;

    @Override
    public Integer call() {
        Probe.Options options = options();
        SourceOpener opener = Sessions.opener(file);
        Probe probe = new Probe(opener, options, this::outputFile, System.err);
        ProbeSignals.install(probe, () -> {
            // Stopped while the source was still opening (a FIFO without a writer): nothing is open yet.
            System.err.println("cellscope: stopped before the capture began");
            System.err.flush();
            Runtime.getRuntime().halt(0);
        });
        Probe.Outcome outcome;
        try {
            outcome = probe.run();
        } catch (SourceException e) {
            throw UserError.failure(e.getMessage());
        } catch (ProbeException e) {
            throw UserError.failure(e.getMessage());
        }
        if (!outcome.stopped()) Sessions.failIfDamaged(file, outcome.result(), "", "frames were read before it");
        return 0;
    }

    private Probe.Options options() {
        long interval = Durations.nanos("--flow-interval", flowInterval);
        if (interval < 1_000_000_000L) throw UserError.usage("--flow-interval: at least 1s, got " + flowInterval);
        long idle = Durations.nanos("--flow-idle", flowIdle);
        if (idle <= 0) throw UserError.usage("--flow-idle: must be positive, got " + flowIdle);
        if (maxFlows < FlowTable.Config.MIN_FLOWS) {
            throw UserError.usage("--max-flows takes a number of at least " + FlowTable.Config.MIN_FLOWS + ", got " + maxFlows);
        }
        if (heldBytes < 0) throw UserError.usage("--held-bytes: must not be negative, got " + heldBytes);
        long status = Durations.nanos("--status-interval", statusInterval);
        long lingerNanos = Durations.nanos("--linger", linger);
        if (flowsDir != null) {
            if (OutputFile.sameFile(flowsDir, file)) throw UserError.usage("--flows " + flowsDir + ": is the capture being read");
            if (!Files.isDirectory(flowsDir)) throw UserError.failure("--flows " + flowsDir + ": no such directory");
        }
        if (findings != null) {
            if (OutputFile.sameFile(findings, file)) {
                throw UserError.usage("--findings " + findings + ": is the capture being read (-r " + file + "); write to another file");
            }
            if (Files.isDirectory(findings)) throw UserError.failure("--findings " + findings + ": is a directory");
            Path dir = findings.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir)) throw UserError.failure("--findings " + findings + ": no such directory " + dir);
        }
        AnalysisConfig analysis = new AnalysisConfig(cellIds == null ? null : CellIdList.read(cellIds), !noVerify, true)
                .withHeldBytesBudget(heldBytes);
        FlowTable.Config table = FlowTable.Config.DEFAULT.withIdleNanos(idle).withMaxFlows(maxFlows);
        return new Probe.Options(flowsDir, interval, table, findings, metricsAddress(), status, user, lingerNanos, analysis,
                DissectorConfig.defaults());
    }

    /** {@code PORT}, {@code HOST:PORT} or {@code [IPv6]:PORT}; the host defaults to 127.0.0.1, never all interfaces. */
    private InetSocketAddress metricsAddress() {
        if (metrics == null) return null;
        String host = "127.0.0.1", port = metrics;
        int colon = metrics.lastIndexOf(':');
        if (colon >= 0) {
            host = metrics.substring(0, colon).replace("[", "").replace("]", "");
            port = metrics.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
            if (p < 0 || p > 65535) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            throw UserError.usage("--metrics: '" + metrics + "' is not [HOST:]PORT (e.g. 127.0.0.1:9108)");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), p);
        } catch (UnknownHostException e) {
            throw UserError.usage("--metrics: unknown host '" + host + "'");
        }
    }

    /** A flow record file, through the same safe-output rules as every file a command writes. */
    private OutputFiles.Output outputFile(Path target) {
        OutputFile f = OutputFile.of(target, "--flows", false, file);
        return new OutputFiles.Output() {
            @Override public OutputStream open() { return f.open(); }
            @Override public void commit() { f.commit(); }
            @Override public void close() { f.close(); }
        };
    }
}
