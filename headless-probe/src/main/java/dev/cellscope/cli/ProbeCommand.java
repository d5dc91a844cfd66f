package dev.cellscope.cli;

import dev.cellscope.analysis.AnalysisConfig;
import dev.cellscope.cli.errors.UserError;
import dev.cellscope.nativetap.process.UserSwitch;
import dev.cellscope.flow.FlowTable;
import dev.cellscope.probe.OutputFiles;
import dev.cellscope.probe.Probe;
import dev.cellscope.probe.ProbeException;
import dev.cellscope.probe.ProbeSignals;
import dev.cellscope.session.SourceException;
import dev.cellscope.session.SourceOpener;
import dev.cellscope.session.StreamSource;
import dev.cellscope.live.LiveCapture;
import dev.cellscope.live.ring.CaptureCounters;
import dev.cellscope.live.ring.RingConfig;
import dev.cellscope.live.ring.RingUnits;
import dev.cellscope.probe.RingRecorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
        description = "Long-running probe on a live interface (-i) or a capture (-r): pcapng ring files, flow records, findings as JSON lines, "
                + "Prometheus metrics and a status line (see docs/PROBE.md).")
public final class ProbeCommand implements Callable<Integer> {

    @Option(names = "-r", paramLabel = "FILE",
            description = "Capture file to analyse (pcap or pcapng); - or a pipe: read from it as tshark does. Either -r or -i.")
    Path file;

    @Mixin
    CaptureOptions live = new CaptureOptions();

    @Mixin
    DecodeAs decodeAs = new DecodeAs();

    @Option(names = "-D", description = "List the interfaces -i can capture on, numbered, with their addresses, and exit.")
    boolean listInterfaces;

    @Option(names = "-c", paramLabel = "N", description = "Stop after N frames.")
    long count = Long.MAX_VALUE;

    @Option(names = "--ring", paramLabel = "DIR",
            description = "With -i: write every captured frame to pcapng ring files in DIR, as dumpcap -b (live-capture/README.md, Ring files).")
    Path ringDir;

    @Option(names = "--ring-prefix", paramLabel = "NAME", description = "Ring file name prefix (default cellscope): NAME_NNNNN_YYYYMMDDhhmmss.pcapng.")
    String ringPrefix = "cellscope";

    @Option(names = "--ring-size", paramLabel = "SIZE", description = "Next ring file once one holds SIZE (e.g. 100MB, 512MiB; dumpcap -b filesize).")
    String ringSize;

    @Option(names = "--ring-duration", paramLabel = "DURATION", description = "Next ring file after DURATION (e.g. 10m; dumpcap -b duration).")
    String ringDuration;

    @Option(names = "--ring-packets", paramLabel = "N", description = "Next ring file after N packets (dumpcap -b packets).")
    long ringPackets;

    @Option(names = "--ring-files", paramLabel = "N", description = "Keep the last N ring files, deleting the oldest (default 0: keep all; dumpcap -b files).")
    int ringFiles;

    @Option(names = "--ring-fsync", description = "fsync ring files at every flush (survives a machine crash, not only a killed probe; costs disk I/O).")
    boolean ringFsync;

    @Option(names = "--flows", paramLabel = "DIR", description = "Write flow records to rolling CSV files in DIR (docs/PROBE.md, Flow records).")
    Path flowsDir;

    @Option(names = "--flow-interval", paramLabel = "DURATION", description = "Record every active flow and start a new flow file this often (default 10s; at least 1s).")
    String flowInterval = "10s";

    @Option(names = "--flow-idle", paramLabel = "DURATION", description = "A flow idle this long ends and is recorded (default 60s).")
    String flowIdle = "60s";

    @Option(names = "--max-flows", paramLabel = "N", description = "Live flows at most; beyond, the least recently active ends early (default 50000).")
    int maxFlows = FlowTable.Config.DEFAULT.maxFlows();

    @Option(names = "--held-bytes", paramLabel = "SIZE",
            description = "Out-of-order bytes held for reassembly over all conversations (e.g. 256MiB, 64MB); past it the oldest hole is given up (default 67108864, 64 MiB).")
    String heldBytes; // spelt as --ring-size is (RingUnits)

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
        if (listInterfaces) {
            System.out.print(CaptureOptions.list(CaptureOptions.interfaces(live.backend())));
            System.out.flush();
            return 0;
        }
        if (file != null && live.live()) throw UserError.usage("-r and -i cannot be used together: analyse a file or capture live, not both");
        if (file == null && !live.live()) throw UserError.usage("probe needs -i INTERFACE or -r FILE (cellscope probe -D lists the interfaces)");
        if (!live.live()) {
            live.refuseWithoutInterface();
            if (ringDir != null) throw UserError.usage("--ring writes what is captured live (with -i); to copy a file use cellscope read -r FILE -w OUT");
        }
        RingConfig ring = ringConfig();
        if (user != null) {
            // A user that does not exist is refused before the capture opens, as tcpdump -Z does.
            try {
                UserSwitch.lookup(user);
            } catch (UserSwitch.SwitchException e) {
                throw UserError.failure("-Z " + user + ": " + e.getMessage());
            }
        }
        Probe.Options options = options();
        LiveCapture capture = live.live() ? live.capture() : null;
        SourceOpener opener = capture != null ? capture : Sessions.opener(file);
        Probe probe = new Probe(opener, options, this::outputFile, System.err);
        if (capture != null) {
            probe.captureStats(capture::stats);
            if (ring != null) {
                probe.consumer(new RingRecorder(ring, capture::interfaceDescriptions, id -> CaptureCounters.of(capture.stats()), user));
            }
        }
        ProbeSignals.install(probe, () -> {
            // Stopped while the source was still opening (a FIFO without a writer, a stream or .gz still being copied):
            // nothing is open yet but that copy, which the halt would leave behind (it runs no deleteOnExit).
            if (opener instanceof StreamSource copy) copy.close();
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
        } finally {
            if (capture != null) capture.release();
        }
        if (capture != null) {
            Sessions.failIfDamaged(capture.name(), outcome.result(), "", "frames were captured before it");
        } else if (!outcome.stopped()) {
            Sessions.failIfDamaged(file, outcome.result(), "", "frames were read before it");
        }
        return 0;
    }

    /** The ring the --ring flags describe, or null; usage errors for values that make no sense. */
    private RingConfig ringConfig() {
        if (ringDir == null) {
            if (ringSize != null || ringDuration != null || ringPackets != 0 || ringFiles != 0 || ringFsync) {
                throw UserError.usage("--ring-size, --ring-duration, --ring-packets, --ring-files and --ring-fsync go with --ring DIR");
            }
            return null;
        }
        if (Files.exists(ringDir) && !Files.isDirectory(ringDir)) throw UserError.failure("--ring " + ringDir + ": is not a directory");
        if (ringPackets < 0) throw UserError.usage("--ring-packets: must not be negative, got " + ringPackets);
        if (ringFiles < 0) throw UserError.usage("--ring-files: must not be negative, got " + ringFiles);
        RingConfig c;
        try {
            c = RingConfig.of(ringDir, ringPrefix).withFilePackets(ringPackets).withFiles(ringFiles);
        } catch (IllegalArgumentException e) {
            throw UserError.usage("--ring-prefix: " + e.getMessage());
        }
        // Each value's error names its own option (review: --ring-size 10XB was reported as --ring).
        if (ringSize != null) c = c.withFileBytes(ringValue("--ring-size", () -> RingUnits.bytes(ringSize)));
        if (ringDuration != null) c = c.withFileDuration(ringValue("--ring-duration", () -> RingUnits.duration(ringDuration)));
        if (ringFsync) c = c.withFlush(c.flushPackets(), c.flushInterval(), true);
        return c;
    }

    private static <T> T ringValue(String option, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw UserError.usage(option + ": " + e.getMessage());
        }
    }

    /** --held-bytes in bytes: a number with an optional unit, as --ring-size takes. */
    private long heldBytesBudget() {
        if (heldBytes == null) return AnalysisConfig.DEFAULT_HELD_BYTES_BUDGET;
        try {
            return RingUnits.bytes(heldBytes);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw UserError.usage("--held-bytes: " + e.getMessage());
        }
    }

    private Probe.Options options() {
        long interval = Durations.nanos("--flow-interval", flowInterval);
        if (interval < 1_000_000_000L) throw UserError.usage("--flow-interval: at least 1s, got " + flowInterval);
        long idle = Durations.nanos("--flow-idle", flowIdle);
        if (idle <= 0) throw UserError.usage("--flow-idle: must be positive, got " + flowIdle);
        if (maxFlows < FlowTable.Config.MIN_FLOWS) {
            throw UserError.usage("--max-flows takes a number of at least " + FlowTable.Config.MIN_FLOWS + ", got " + maxFlows);
        }
        long held = heldBytesBudget();
        long status = Durations.nanos("--status-interval", statusInterval);
        long lingerNanos = Durations.nanos("--linger", linger);
        if (count < 1) throw UserError.usage("-c takes a positive number of frames, got " + count);
        if (flowsDir != null) {
            if (file != null && OutputFile.sameFile(flowsDir, file)) throw UserError.usage("--flows " + flowsDir + ": is the capture being read");
            if (Files.exists(flowsDir) && !Files.isDirectory(flowsDir)) throw UserError.failure("--flows " + flowsDir + ": is not a directory");
            if (!Files.isDirectory(flowsDir)) throw UserError.failure("--flows " + flowsDir + ": no such directory");
        }
        if (findings != null) {
            if (file != null && OutputFile.sameFile(findings, file)) {
                throw UserError.usage("--findings " + findings + ": is the capture being read (-r " + file + "); write to another file");
            }
            if (Files.isDirectory(findings)) throw UserError.failure("--findings " + findings + ": is a directory");
            Path dir = findings.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir)) throw UserError.failure("--findings " + findings + ": no such directory " + dir);
        }
        AnalysisConfig analysis = new AnalysisConfig(cellIds == null ? null : CellIdList.read(cellIds), !noVerify, true)
                .withHeldBytesBudget(held);
        FlowTable.Config table = FlowTable.Config.DEFAULT.withIdleNanos(idle).withMaxFlows(maxFlows);
        return new Probe.Options(flowsDir, interval, table, findings, metricsAddress(), status, user, lingerNanos, analysis,
                decodeAs.config(), Math.min(count, live.packetLimit()));
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
