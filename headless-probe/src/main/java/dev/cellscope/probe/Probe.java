package dev.cellscope.probe;

import dev.cellscope.analysis.AnalysisConfig;
import dev.cellscope.blocks.BlockCodec;
import dev.cellscope.dissect.DissectorConfig;
import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.TeeSink;
import dev.cellscope.expert.Expert;
import dev.cellscope.flow.FlowTable;
import dev.cellscope.live.LiveCapture;
import dev.cellscope.nativetap.process.UserSwitch;
import dev.cellscope.session.CaptureSession;
import dev.cellscope.session.FrameConsumer;
import dev.cellscope.session.SessionOptions;
import dev.cellscope.session.SessionResult;
import dev.cellscope.session.SourceException;
import dev.cellscope.session.SourceOpener;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The headless probe: one long-running capture session (the same {@link CaptureSession}, analysis,
 * flow table and expert registry as {@code cellscope read} and {@code stats}) whose outputs are
 * made for unattended runs: rolling flow record files, a findings log, Prometheus metrics and a
 * status line. docs/PROBE.md describes what a user sees.
 *
 * <p>What a live capture adds plugs in without changing this class: the live source is a
 * {@link SourceOpener} (not re-openable, so the wall clock also drives the flow table), its drop
 * counters a {@link CaptureStatsSupplier} (taken from the opener when it is one, or given with
 * {@link #captureStats}), and a capture-file ring a {@link FrameConsumer} added with
 * {@link #consumer} (its counters through {@link #ringStats}, or taken from it when it is a
 * {@link RingStatsSupplier}).
 *
 * <p>Threads: the session runs on the caller's thread; {@link #stop()} and {@link #reopen()} come
 * from signal handlers; a scheduler prints the status line and, for a live source, moves the flow
 * table's clock; the HTTP server answers scrapes.
 */
public final class Probe {

    /**
     * @param flowsDir       where flow record files go, or null for none
     * @param flowIntervalNanos how often active flows are recorded and a file is closed
     * @param flowTable      idle timeout and the cap on live flows
     * @param findings       the findings file, or null for none
     * @param metrics        where to serve metrics, or null for none
     * @param statusNanos    how often to print the status line (0: never)
     * @param user           the user to become once the source is open (-Z), or null
     * @param lingerNanos    how long to keep serving metrics after the source ended
     * @param analysis       conversation analysis (address book, verification, held-bytes budget)
     * @param dissector      dissection (extra UDP ports)
     * @param maxFrames      stop after this many frames ({@code -c}, {@code -a packets:N}); Long.MAX_VALUE: no limit
     */
    public record Options(Path flowsDir, long flowIntervalNanos, FlowTable.Config flowTable, Path findings,
                          InetSocketAddress metrics, long statusNanos, String user, long lingerNanos,
                          AnalysisConfig analysis, DissectorConfig dissector, long maxFrames) {}

    /** How long a graceful stop of a live source may take to deliver what it already captured before the run is cancelled. */
    static final long STOP_GRACE_MILLIS = 5_000;

    /** How the run ended: the session's result, and whether a signal (or {@link #stop()}) ended it. */
    public record Outcome(SessionResult result, boolean stopped) {}

    private final SourceOpener opener;
    private final Options options;
    private final OutputFiles files;
    private final ProbeMetrics metrics = new ProbeMetrics();
    private final List<FrameConsumer> extra = new ArrayList<>();
    private final CaptureSession session;
    private final Object state = new Object();
    private final CountDownLatch stopLatch = new CountDownLatch(1);
    private final PrintStream err;
    private boolean begun, stopped;
    private volatile FlowRecords flows;
    private volatile FindingsLog findingsLog;
    private StatusLine status;

    public Probe(SourceOpener opener, Options options, OutputFiles files, PrintStream err) {
        this.opener = opener;
        this.options = options;
        this.files = files;
        this.err = err;
        this.session = new CaptureSession(opener, new SessionOptions(options.dissector(), options.analysis(), false, options.maxFrames()));
        if (opener instanceof CaptureStatsSupplier s) metrics.captureStats(s);
        metrics.analysisCounters(session::analysisCounters);
    }

    /** Another consumer of the frames (a capture ring); it begins after the probe has dropped privileges. */
    public Probe consumer(FrameConsumer c) {
        extra.add(c);
        if (c instanceof RingStatsSupplier s) metrics.ringStats(s);
        return this;
    }

    /** Where the live source's drop counters come from. */
    public Probe captureStats(CaptureStatsSupplier s) {
        metrics.captureStats(s);
        return this;
    }

    /** Where the ring writer's counters come from. */
    public Probe ringStats(RingStatsSupplier s) {
        metrics.ringStats(s);
        return this;
    }

    public ProbeMetrics metrics() {
        return metrics;
    }

    /**
     * Runs until the source ends (then lingers if asked) or {@link #stop()}; every output is
     * finished before it returns. A source that cannot be opened is a {@link SourceException}.
     */
    public Outcome run() throws SourceException {
        HTTPServer server = startMetrics();
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                .name("cellscope-probe-clock").daemon(true).unstarted(r));
        status = new StatusLine(metrics, err);
        try {
            if (options.statusNanos() > 0) {
                clock.scheduleAtFixedRate(status::print, options.statusNanos(), options.statusNanos(), TimeUnit.NANOSECONDS);
            }
            if (!opener.reopenable()) {
                // A live source: flows end and intervals close by the wall clock too, also when nothing arrives.
                clock.scheduleAtFixedRate(() -> {
                    FlowRecords f = flows;
                    try {
                        if (f != null) f.advanceTo(System.currentTimeMillis() * 1_000_000L);
                    } catch (RuntimeException e) {
                        // A scheduled task that throws is never run again: say it, and keep the clock going.
                        err.println("cellscope: internal error in the flow clock: " + e);
                    }
                }, 1, 1, TimeUnit.SECONDS);
            }
            List<FrameConsumer> consumers = new ArrayList<>();
            consumers.add(new Outputs());
            consumers.addAll(extra);
            SessionResult result;
            try {
                result = session.run(consumers);
            } finally {
                closeRings(); // after the source closed: the last statistics blocks carry its final counters
            }
            boolean byStop;
            synchronized (state) {
                byStop = stopped;
            }
            // The final line when the capture ended, before any linger: its time and rates are the capture's (user
            // review: "done after 8.2 s … 0 pps" for a file read in under a second, then --linger 5s).
            if (options.statusNanos() > 0) status.printFinal(byStop);
            metrics.sourceEnded();
            if (opener instanceof LiveCapture live) live.queueSummary().ifPresent(q -> err.println("cellscope: per queue: " + q));
            if (!result.cancelled() && options.lingerNanos() > 0) {
                try {
                    stopLatch.await(options.lingerNanos(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return new Outcome(result, byStop);
        } finally {
            clock.shutdownNow();
            if (server != null) server.close();
        }
    }

    private void closeRings() {
        for (FrameConsumer c : extra) if (c instanceof RingRecorder ring) ring.close();
    }

    private HTTPServer startMetrics() {
        InetSocketAddress a = options.metrics();
        if (a == null) return null;
        try {
            HTTPServer server = HTTPServer.builder().inetAddress(a.getAddress()).port(a.getPort()).registry(metrics.registry()).buildAndStart();
            String host = a.getAddress().getHostAddress();
            err.println("cellscope: metrics at http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.getPort() + "/metrics");
            return server;
        } catch (IOException e) {
            throw new ProbeException("--metrics " + a.getHostString() + ":" + a.getPort() + ": cannot listen: " + ProbeException.reason(e));
        }
    }

    /**
     * Ends the run from any thread (SIGTERM, SIGINT): the source is stopped, and the run finishes
     * every file and returns. Returns false when the source had not even opened (a FIFO without a
     * writer): nothing is open then, and the caller may simply exit.
     */
    public boolean stop() {
        synchronized (state) {
            stopped = true;
        }
        stopLatch.countDown();
        if (opener instanceof LiveCapture live) {
            // Frames the kernel already handed over are still analysed and written (tshark and dumpcap do the same);
            // should the source not end by itself, the run is cancelled after a grace period.
            live.stop();
            Thread.ofPlatform().daemon().name("cellscope-probe-stop").start(() -> {
                try {
                    Thread.sleep(STOP_GRACE_MILLIS);
                    session.cancel();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        } else {
            session.cancel();
        }
        synchronized (state) {
            return begun;
        }
    }

    /** Log rotation (SIGHUP): the findings file is opened again at its path, the flow records and the capture ring start new files. */
    public void reopen() {
        FindingsLog f = findingsLog;
        if (f != null) f.reopen();
        FlowRecords r = flows;
        if (r != null) r.rotate();
        for (FrameConsumer c : extra) if (c instanceof RingRecorder ring) ring.reopen();
    }

    /** The probe's own outputs, as the session's first consumer. */
    private final class Outputs implements FrameConsumer {
        private FrameWatch watch;
        private FindingsWriter writer;
        private FieldSink sink;

        @Override
        public void begin() {
            synchronized (state) {
                if (stopped) throw new ProbeException("stopped before the capture began");
                begun = true;
            }
            if (opener instanceof LiveCapture live) {
                String mode = live.mode();
                err.println("cellscope: capturing on '" + live.name() + "' (backend " + live.backend().name() + (mode.isEmpty() ? "" : ": " + mode) + ")");
            }
            // The source is open: root is no longer needed (tcpdump -Z). Every file is made as the user.
            if (options.user() != null) {
                // Natives unpacked from jars on first use must be loaded while the jars are still readable.
                BlockCodec.loadNativeLibraries().ifPresent(why -> err.println("cellscope: zstd blocks cannot be verified: " + why));
                try {
                    UserSwitch.User u = UserSwitch.to(options.user());
                    err.println("cellscope: running as " + u.name() + " (uid " + Integer.toUnsignedString(u.uid()) + ")");
                } catch (UserSwitch.SwitchException e) {
                    throw new ProbeException("-Z " + options.user() + ": " + e.getMessage());
                }
            }
            String as = options.user() == null ? "" : " (as user " + options.user() + ")";
            // The flow table runs without --flows too: active flows and its evictions are metrics.
            if (options.flowsDir() != null) checkWritable(options.flowsDir(), as);
            flows = new FlowRecords(options.flowsDir(), options.flowIntervalNanos(), options.flowTable(), files, metrics);
            if (options.findings() != null) findingsLog = new FindingsLog(options.findings(), metrics, as);
            writer = new FindingsWriter(findingsLog);
            watch = new FrameWatch(metrics, writer);
            sink = new TeeSink(watch, flows);
        }

        @Override
        public FieldSink sink() {
            return sink;
        }

        @Override
        public FieldSink releasedSink() {
            watch.releasing();
            return sink; // messages held behind a hole to the end count in their SBI row and the block counters
        }

        @Override
        public void end(SessionResult result) {
            for (Expert e : result.findings()) {
                metrics.finding(e.severity(), e.group());
                watch.counted(e);
            }
            writer.end(result.findings());
            flows.finish();
            if (findingsLog != null) findingsLog.close();
        }
    }

    /** Fails at once, in one line, when the flow directory does not take a new file (as the user the probe now is). */
    private static void checkWritable(Path dir, String as) {
        try {
            Path probe = Files.createTempFile(dir, ".cellscope-probe-", ".check");
            Files.delete(probe);
        } catch (IOException e) {
            throw new ProbeException("--flows " + dir + ": cannot write" + as + ": " + ProbeException.reason(e));
        }
    }
}
