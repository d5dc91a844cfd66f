package dev.cellscope.probe;

import dev.cellscope.live.CaptureStats;

import dev.cellscope.analysis.AnalysisConfig;
import dev.cellscope.dissect.DissectorConfig;
import dev.cellscope.flow.FlowTable;
import dev.cellscope.io.CaptureError;
import dev.cellscope.io.InterfaceInfo;
import dev.cellscope.io.Packet;
import dev.cellscope.io.PacketSource;
import dev.cellscope.session.FileSource;
import dev.cellscope.session.SourceException;
import dev.cellscope.session.SourceOpener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seam the live sources plug into, exercised with a source that behaves like one: frames
 * stamped with the wall clock as they are delivered, then a wire gone quiet (next() blocks until
 * cancelled), not re-openable, with drop counters of its own. The probe must end idle flows and
 * close intervals by the wall clock while nothing arrives, export the source's drops, and stop
 * cleanly when asked.
 */
class LiveSourceSeamTest {
    static final Path SAMPLE = Path.of("..", "samples", "captures", "lossy-mesh.pcapng").toAbsolutePath().normalize();

    /** A live-like source over a capture file: wall-clock stamps, then silence until cancel. */
    static final class QuietAfterSample implements SourceOpener, CaptureStatsSupplier {
        final CountDownLatch delivered = new CountDownLatch(1);

        @Override
        public PacketSource open() throws SourceException {
            PacketSource file = new FileSource(SAMPLE).open();
            CountDownLatch cancelled = new CountDownLatch(1);
            return new PacketSource() {
                @Override public String name() { return "quiet-wire"; }
                @Override public List<InterfaceInfo> interfaces() { return file.interfaces(); }
                @Override public Optional<CaptureError> error() { return Optional.empty(); }
                @Override public long bytesRead() { return file.bytesRead(); }
                @Override public OptionalLong totalBytes() { return OptionalLong.empty(); }
                @Override public void cancel() { cancelled.countDown(); }
                @Override public void close() { file.close(); }

                @Override
                public Packet next() {
                    Packet p = file.next();
                    if (p != null) {
                        return new Packet(p.number(), System.currentTimeMillis() * 1_000_000L, p.interfaceId(), p.linkType(),
                                p.originalLength(), p.data(), p.comment());
                    }
                    delivered.countDown();
                    try {
                        cancelled.await(); // a live source blocks until packets come or it is cancelled
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                }
            };
        }

        @Override
        public String name() {
            return "quiet-wire";
        }

        @Override
        public CaptureStats captureStats() {
            return new CaptureStats(393, 60_000, 400, 7, 2, 1);
        }
    }

    /** The CLI's rule in small: a hidden temporary file, renamed when complete. */
    static OutputFiles tempAndRename() {
        return target -> {
            Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
            return new OutputFiles.Output() {
                @Override public OutputStream open() {
                    try {
                        return Files.newOutputStream(tmp);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                @Override public void commit() {
                    try {
                        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                @Override public void close() {
                    try {
                        Files.deleteIfExists(tmp);
                    } catch (IOException ignored) {
                        // best effort
                    }
                }
            };
        };
    }

    static Map<String, Double> scrape(int port) throws IOException, InterruptedException {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Double> m = new HashMap<>();
        for (String line : body.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            int space = line.lastIndexOf(' ');
            m.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return m;
    }

    static String endRows(Path dir) throws IOException {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(p -> p.getFileName().toString().startsWith("flows-")).sorted().toList()) {
                for (String line : Files.readString(f).split("\r\n")) if (line.endsWith(",end")) b.append(line).append('\n');
            }
        }
        return b.toString();
    }

    /**
     * The UTCP frames counted in the end rows: every frame of the sample is UTCP and counts in
     * exactly one direction's {@code packets}; a row of the same key after an eviction adds to
     * the first (docs/CSV.md, Eviction).
     */
    static Map<String, Long> totals(Path dir) throws IOException {
        Map<String, Long> sums = new HashMap<>();
        int packets = -1;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(p -> p.getFileName().toString().startsWith("flows-")).sorted().toList()) {
                for (String line : Files.readString(f).split("\r\n")) {
                    String[] c = line.split(",");
                    if (c[0].equals("kind")) packets = List.of(c).indexOf("packets");
                    else if (c[0].equals("utcp") && line.endsWith(",end")) sums.merge("utcp", Long.parseLong(c[packets]), Long::sum);
                }
            }
        }
        return sums;
    }

    @Test
    @Timeout(60)
    void aQuietLiveWireEndsFlowsByTheWallClockAndExportsTheSourcesDrops(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Probe.Options options = new Probe.Options(dir, 1_000_000_000L, FlowTable.Config.DEFAULT.withIdleNanos(1_000_000_000L), null,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0, null, 0, new AnalysisConfig(null, true, true),
                DissectorConfig.defaults(), Long.MAX_VALUE);
        QuietAfterSample source = new QuietAfterSample();
        Probe probe = new Probe(source, options, tempAndRename(), new PrintStream(err, true, StandardCharsets.UTF_8));
        CompletableFuture<Probe.Outcome> run = CompletableFuture.supplyAsync(() -> {
            try {
                return probe.run();
            } catch (SourceException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(source.delivered.await(30, TimeUnit.SECONDS), "the sample was delivered");
        // Nothing arrives any more: within the idle time plus a clock tick and an interval, every flow has ended on disk
        // (a flow idle for a second while the sample was being delivered may have ended twice: its rows add up).
        Map<String, Long> expected = Map.of("utcp", 314L);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!totals(dir).equals(expected) && System.nanoTime() < deadline) Thread.sleep(50);
        assertEquals(expected, totals(dir), "every frame of the sample is in a flow that ended while the source was still open:\n"
                + endRows(dir) + err.toString(StandardCharsets.UTF_8));
        assertTrue(!run.isDone(), "the source is still open");
        long ended = endRows(dir).lines().count();

        Matcher m = Pattern.compile("metrics at http://[^ ]+:(\\d+)/metrics").matcher(err.toString(StandardCharsets.UTF_8));
        assertTrue(m.find(), err.toString(StandardCharsets.UTF_8));
        Map<String, Double> metrics = scrape(Integer.parseInt(m.group(1)));
        assertEquals(7.0, metrics.get("cellscope_drops_total{cause=\"kernel\"}"));
        assertEquals(2.0, metrics.get("cellscope_drops_total{cause=\"interface\"}"));
        assertEquals(1.0, metrics.get("cellscope_drops_total{cause=\"ring\"}"));
        assertEquals(400.0, metrics.get("cellscope_capture_received_total"));
        assertEquals(0.0, metrics.get("cellscope_active_flows"), "idle flows left the table");
        assertEquals((double) ended, metrics.get("cellscope_flow_records_total{record=\"end\"}"));

        assertTrue(probe.stop(), "the source had begun");
        Probe.Outcome outcome = run.get(30, TimeUnit.SECONDS);
        assertTrue(outcome.stopped() && outcome.result().cancelled());
        assertEquals(314, outcome.result().frames());
        assertEquals(ended, endRows(dir).lines().count(), "no flow recorded again as ended at the stop");
    }
}
