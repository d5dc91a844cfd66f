package dev.cellscope.cli;

import dev.cellscope.io.CaptureReader;
import dev.cellscope.io.InterfaceStatistics;
import dev.cellscope.io.Packet;
import dev.cellscope.live.testing.VethPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cellscope probe -i} on a real interface, with each capture backend: a veth pair whose far
 * end, in a network namespace of its own, tcpreplay sends committed samples out of, while the
 * probe captures on the near end in a child JVM, as an operator runs it. The oracles are the
 * sample itself (every frame, byte for byte, in the ring files, read back by cellscope and by
 * tshark) and the probe's own run over the sample file (flow records, findings, metrics), which
 * {@link ProbeCommandTest} checks against the samples' ground truth and against {@code read}/{@code stats}.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ProbeLiveTest {
    static final Path SAMPLES = LiveReadTest.SAMPLES;
    static final String FILTER = "ether proto 0x88b5 or udp port 34997";
    /** Flow columns that depend on when frames were captured: a replay keeps the order, not the times. */
    static final List<String> TIMED_COLUMNS = List.of("time", "epoch", "duration", "_ms", "_bps");
    private static VethPair veth;

    @BeforeAll
    static void pair() throws Exception {
        veth = VethPair.createOrSkip("probe on a veth pair");
    }

    @AfterAll
    static void remove() throws Exception {
        if (veth != null) veth.close();
    }

    static Stream<Arguments> backendsAndSamples() {
        List<Arguments> a = new ArrayList<>();
        for (String backend : backends()) {
            for (String sample : List.of("lossy-mesh", "tether-overrun")) a.add(Arguments.of(backend, sample));
        }
        return a.stream();
    }

    static List<String> backends() {
        return List.of("pcap", "afpacket");
    }

    /** What one probe run left: metrics scraped at its end, findings per kind, flow end rows, stderr. */
    record Run(Map<String, Double> metrics, Map<String, Integer> findings, List<String> flowRows, String stderr) {}

    /**
     * Runs the probe over {@code source} until it has {@code frames} frames (-c), with flows,
     * findings and metrics; {@code whileCapturing} runs once the interface is open. The metrics
     * are scraped after the capture ended (the probe lingers for that), then SIGTERM ends it.
     */
    static Run probe(Path dir, int frames, IoRunnable whileCapturing, String... source) throws Exception {
        Path flows = Files.createDirectories(dir.resolve("flows")), findings = dir.resolve("findings.json");
        List<String> args = new ArrayList<>(List.of(source));
        args.addAll(List.of("-c", Integer.toString(frames), "--flows", flows.toString(), "--findings", findings.toString(),
                "--metrics", "127.0.0.1:0", "--linger", "120s", "--status-interval", "1s"));
        Map<String, Double> metrics;
        String stderr;
        try (ProbeProcess p = ProbeProcess.start(args.toArray(String[]::new))) {
            int port = p.metricsPort();
            if (whileCapturing != null) {
                p.await("capturing line", Duration.ofSeconds(60), () -> stderrOf(p).contains("cellscope: capturing on"));
                whileCapturing.run();
            }
            p.await("all frames counted", Duration.ofSeconds(120), () -> {
                try {
                    return ProbeCommandTest.sum(ProbeCommandTest.scrape(port), "cellscope_packets_total") == frames;
                } catch (IOException | InterruptedException e) {
                    return false;
                }
            });
            // The flow table and the end findings are in once the capture ended (the frame limit); then it lingers.
            p.await("the capture's end", Duration.ofSeconds(30), () -> {
                try {
                    return ProbeCommandTest.scrape(port).get("cellscope_active_flows") == 0.0;
                } catch (IOException | InterruptedException e) {
                    return false;
                }
            });
            Thread.sleep(300);
            metrics = ProbeCommandTest.scrape(port);
            p.signal("TERM");
            assertEquals(0, p.exit(Duration.ofSeconds(20)), "SIGTERM while lingering exits 0: " + p.stderr());
            stderr = p.stderr();
        }
        return new Run(metrics, ProbeCommandTest.findingsByKind(findings), endRows(flows), stderr);
    }

    interface IoRunnable {
        void run() throws Exception;
    }

    static String stderrOf(ProbeProcess p) {
        try {
            return p.stderr();
        } catch (IOException e) {
            return "";
        }
    }

    /** The end records of every flow file, time columns dropped, sorted (the order of flows ending together is not fixed). */
    static List<String> endRows(Path flows) throws IOException {
        List<String> rows = new ArrayList<>();
        for (Path f : ProbeCommandTest.flowFiles(flows)) {
            String[] header = null;
            for (String line : Files.readString(f, StandardCharsets.UTF_8).split("\r?\n")) {
                if (line.isEmpty()) continue;
                String[] cells = line.split(",", -1);
                if (cells[0].equals("kind")) {
                    header = cells;
                    continue;
                }
                if (header == null || !cells[cells.length - 1].equals("end")) continue;
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < cells.length; i++) {
                    String column = header[i];
                    if (TIMED_COLUMNS.stream().noneMatch(column::contains)) b.append(column).append('=').append(cells[i]).append(' ');
                }
                rows.add(b.toString());
            }
        }
        rows.sort(null);
        return rows;
    }

    /** Counters that depend on the traffic alone: every cellscope_ metric but the capture's, the ring's and interval records. */
    static Map<String, Double> trafficMetrics(Map<String, Double> all) {
        Map<String, Double> m = new TreeMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith("cellscope_") && !k.startsWith("cellscope_drops_total") && !k.startsWith("cellscope_capture_")
                    && !k.startsWith("cellscope_ring_") && !k.contains("record=\"interval\"")) m.put(k, v);
        });
        return m;
    }

    static List<byte[]> frames(Path capture) throws IOException {
        return LiveReadTest.frames(capture);
    }

    static List<Path> ringFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".pcapng")).sorted().toList();
        }
    }

    /** Reads a ring file with cellscope's reader: its frames, no damage, and its statistics blocks. */
    static List<InterfaceStatistics> readRingFile(Path f, List<byte[]> into) throws IOException {
        try (CaptureReader r = CaptureReader.open(f)) {
            Packet p;
            while ((p = r.next()) != null) into.add(p.data().toArray(ValueLayout.JAVA_BYTE));
            assertTrue(r.error().isEmpty(), f + ": " + r.error());
            return r.statistics();
        }
    }

    /** tshark reads the file to its end without complaint; returns its frame count. */
    static int tsharkFrames(Path f) throws Exception {
        Cli.Result t = Cli.tool("tshark", "-r", f.toString(), "-T", "fields", "-e", "frame.number");
        Assumptions.assumeTrue(t != null, "tshark not installed (run-tests installs it): cannot check the ring files independently");
        assertEquals(0, t.exit(), f + ": tshark: " + t.err());
        String complaints = t.err().lines().filter(l -> !l.startsWith("Running as user")).reduce("", (a, b) -> a + b + "\n");
        assertEquals("", complaints, f + ": tshark complained");
        return t.lines().size();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndSamples")
    void liveProbeAgreesWithTheSampleAndWithItsRunOnTheFile(String backend, String name, @TempDir Path dir) throws Exception {
        Path sample = SAMPLES.resolve(name + ".pcapng"), ring = dir.resolve("ring");
        int n = LiveReadTest.frameCount(sample);
        Run file = probe(Files.createDirectories(dir.resolve("file")), n, null, "-r", sample.toString());
        Run live = probe(Files.createDirectories(dir.resolve("live")), n, () -> veth.replay(sample, "--pps=2000"),
                "-i", veth.captureInterface, "--backend", backend, "-f", FILTER, "--ring", ring.toString(), "--ring-packets", "100");

        assertTrue(live.stderr().contains("cellscope: capturing on '" + veth.captureInterface + "' (backend " + backend + ")"), live.stderr());
        assertLiveRunIsTheSample(ring, sample, n, file, live);
    }

    /**
     * What every backend's live run must show against the sample it captured and the probe's run over the file: the
     * ring holds exactly the sample (every frame, in order, byte for byte, in files of 100 frames, each ending with one
     * statistics block and read whole by tshark), and the analysis and counters are the file's.
     */
    static void assertLiveRunIsTheSample(Path ring, Path sample, int n, Run file, Run live) throws Exception {
        List<Path> files = ringFiles(ring);
        assertEquals((n + 99) / 100, files.size(), "ring files of 100 frames: " + files);
        List<byte[]> captured = new ArrayList<>();
        List<InterfaceStatistics> last = List.of();
        int tshark = 0;
        for (Path f : files) {
            int before = captured.size();
            last = readRingFile(f, captured);
            assertEquals(1, last.size(), f + " ends with one statistics block");
            // isb_ifrecv is present; in files closed mid-capture it may be up to half a second old (live-capture/README.md).
            assertTrue(last.getFirst().received().isPresent(), f + ": isb_ifrecv");
            assertEquals(0L, last.getFirst().osDrops().orElseThrow(), f + ": isb_osdrop");
            tshark += tsharkFrames(f);
            assertTrue(captured.size() - before <= 100);
        }
        assertEquals(n, tshark, "tshark reads every frame of the ring");
        List<byte[]> sent = frames(sample);
        assertEquals(sent.size(), captured.size());
        for (int i = 0; i < sent.size(); i++) assertArrayEquals(sent.get(i), captured.get(i), "frame " + (i + 1));
        assertEquals((long) n, last.getFirst().received().orElseThrow(), "the last file's isb_ifrecv: the frames the kernel passed");

        // The analysis is the file's: the same flows, findings and traffic counters.
        assertFalse(file.flowRows().isEmpty());
        assertEquals(file.flowRows(), live.flowRows(), "flow end records (time columns aside)");
        assertEquals(file.findings(), live.findings(), "findings by kind, severity and group");
        assertEquals(trafficMetrics(file.metrics()), trafficMetrics(live.metrics()));
        // And the capture's own counters: nothing lost, every frame received and written.
        Map<String, Double> m = live.metrics();
        assertEquals(0.0, ProbeCommandTest.sum(m, "cellscope_drops_total"), "drops at a moderate rate");
        assertEquals((double) n, m.get("cellscope_capture_received_total"));
        assertEquals((double) files.size(), m.get("cellscope_ring_files_written_total"));
        assertEquals((double) n, m.get("cellscope_ring_packets_written_total"));
        assertEquals(0.0, m.get("cellscope_ring_write_errors_total"));
        assertTrue(live.stderr().contains("drops 0 (kernel 0, interface 0, ring 0, parser 0, disk 0)"), live.stderr());
    }

    /** tcpreplay sending in the background (a loop long enough to stop the probe in the middle of it). */
    static Process replayInBackground(Path sample, int pps, int loops) throws IOException {
        List<String> cmd = new ArrayList<>(veth.inNamespace());
        cmd.addAll(List.of("tcpreplay", "-i", veth.sendInterface, "--pps=" + pps, "--loop=" + loops, sample.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    static ProbeProcess probeWithRing(String backend, Path ring, Path flows) throws Exception {
        // -B 32: a buffer of seconds at the replay's 5,000 frames/s, so a JVM descheduled on a loaded
        // machine still loses nothing (CI saw 227 kernel drops with the default 2 MiB at load 10).
        ProbeProcess p = ProbeProcess.start("-i", veth.captureInterface, "--backend", backend, "-B", "32", "-f", FILTER, "--ring", ring.toString(),
                "--ring-packets", "500", "--flows", flows.toString(), "--flow-interval", "1s", "--status-interval", "0");
        p.await("capturing line", Duration.ofSeconds(60), () -> stderrOf(p).contains("cellscope: capturing on"));
        return p;
    }

    /** SIGTERM with traffic flowing: exit 0 at once; every ring file complete with its statistics block, nothing captured lost. */
    @ParameterizedTest
    @ValueSource(strings = {"pcap", "afpacket"})
    void sigtermMidCaptureFinishesEveryFile(String backend, @TempDir Path dir) throws Exception {
        Path ring = dir.resolve("ring"), flows = Files.createDirectories(dir.resolve("flows"));
        Process replay = null;
        try (ProbeProcess p = probeWithRing(backend, ring, flows)) {
            replay = replayInBackground(SAMPLES.resolve("lossy-mesh.pcapng"), 5000, 100);
            p.await("a third ring file", Duration.ofSeconds(60), () -> {
                try {
                    return ringFiles(ring).size() >= 3;
                } catch (IOException e) {
                    return false;
                }
            });
            assertTrue(replay.isAlive(), "the replay still runs: the probe is stopped mid-capture");
            long t0 = System.nanoTime();
            p.signal("TERM");
            assertEquals(0, p.exit(Duration.ofSeconds(10)), p.stderr());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(6), "exit within 6 s of SIGTERM");
        } finally {
            if (replay != null) replay.destroyForcibly().waitFor();
        }
        int frames = 0;
        List<Path> files = ringFiles(ring);
        for (Path f : files) {
            List<byte[]> got = new ArrayList<>();
            List<InterfaceStatistics> isb = readRingFile(f, got);
            assertEquals(1, isb.size(), f + ": closed with its statistics block");
            assertEquals(0L, isb.getFirst().osDrops().orElseThrow(), f + ": isb_osdrop");
            assertEquals(got.size(), tsharkFrames(f), f.toString());
            frames += got.size();
        }
        assertTrue(frames >= 1000, "frames written: " + frames);
        try (Stream<Path> s = Files.list(flows)) {
            assertTrue(s.allMatch(f -> f.getFileName().toString().startsWith("flows-")), "only finished flow files: no temporary ones left");
        }
        assertFalse(ProbeCommandTest.flowFiles(flows).isEmpty());
    }

    /** SIGKILL with traffic flowing: every ring file, the one being written included, reads cleanly in cellscope and tshark. */
    @ParameterizedTest
    @ValueSource(strings = {"pcap", "afpacket"})
    void sigkillMidCaptureLeavesEveryFileReadable(String backend, @TempDir Path dir) throws Exception {
        Path ring = dir.resolve("ring"), flows = Files.createDirectories(dir.resolve("flows"));
        Process replay = null;
        try (ProbeProcess p = probeWithRing(backend, ring, flows)) {
            replay = replayInBackground(SAMPLES.resolve("lossy-mesh.pcapng"), 5000, 100);
            p.await("a third ring file with frames", Duration.ofSeconds(60), () -> {
                try {
                    List<Path> f = ringFiles(ring);
                    return f.size() >= 3 && Files.size(f.getLast()) > 4096;
                } catch (IOException e) {
                    return false;
                }
            });
            p.signal("KILL");
            p.exit(Duration.ofSeconds(10));
        } finally {
            if (replay != null) replay.destroyForcibly().waitFor();
        }
        List<Path> files = ringFiles(ring);
        int frames = 0;
        for (Path f : files) {
            if (f.equals(files.getLast()) && Files.size(f) == 0) {
                // Killed between the file's creation and its header's write (the ring rotates every 0.1 s here):
                // an empty file, which tshark also calls empty. Nothing was written to it yet.
                continue;
            }
            if (f.equals(files.getLast())) {
                // The file being written: every whole block reads. A kill inside a write(2) can leave a torn
                // last block (Linux stops a write at a page boundary for a fatal signal; live-capture/README.md,
                // Crash safety): cellscope reports it at the very end, and tshark reads the same frames before it.
                List<byte[]> got = new ArrayList<>();
                long size = Files.size(f);
                try (CaptureReader r = CaptureReader.open(f)) {
                    Packet packet;
                    while ((packet = r.next()) != null) got.add(packet.data().toArray(ValueLayout.JAVA_BYTE));
                    r.error().ifPresent(e -> assertTrue(e.offset() > size - 65_536 && e.message().contains("remain"),
                            f + ": damage other than a torn last block: " + e));
                }
                Cli.Result t = Cli.tool("tshark", "-r", f.toString(), "-T", "fields", "-e", "frame.number");
                Assumptions.assumeTrue(t != null, "tshark not installed: cannot check the ring files independently");
                // It may hold no frame yet: the ring can rotate between the wait above and the kill.
                assertEquals(got.size(), t.lines().size(), f + ": tshark reads the same whole frames: " + t.err());
                frames += got.size();
            } else {
                List<byte[]> got = new ArrayList<>();
                List<InterfaceStatistics> isb = readRingFile(f, got); // closed before the kill: no damage at all
                assertEquals(got.size(), tsharkFrames(f), f.toString());
                assertEquals(1, isb.size(), f + ": closed before the kill, with its statistics block");
                frames += got.size();
            }
        }
        assertTrue(files.size() >= 3 && frames >= 1000, files.size() + " files, " + frames + " frames");
    }

    /**
     * The ring's disk fills up (a 2 MiB tmpfs), then its directory is removed, while traffic flows:
     * each is one line on stderr and a count; the analysis sees every frame all along; the files
     * written before stay readable; the directory is made again and the ring goes on.
     */
    @Test
    void aFullDiskAndAVanishedRingDirectoryCostOnlyTheRingFiles(@TempDir Path dir) throws Exception {
        Path mount = Files.createDirectories(dir.resolve("tmpfs"));
        VethPair.Result mounted = VethPair.run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString());
        Assumptions.assumeTrue(mounted.exit() == 0, () -> "cannot mount a tmpfs to fill (needs CAP_SYS_ADMIN): " + mounted.output());
        Path ring = mount.resolve("ring");
        Path sample = SAMPLES.resolve("lossy-mesh.pcapng");
        int n = LiveReadTest.frameCount(sample), loops = 40; // 12,560 frames, about 9 MB: more than the disk holds
        try (ProbeProcess p = ProbeProcess.start("-i", veth.captureInterface, "-f", FILTER, "--ring", ring.toString(),
                "--ring-size", "500kB", "--metrics", "127.0.0.1:0", "--status-interval", "0", "-c", Integer.toString(n * loops), "--linger", "60s")) {
            int port = p.metricsPort();
            p.await("capturing line", Duration.ofSeconds(60), () -> stderrOf(p).contains("cellscope: capturing on"));
            Process replay = replayInBackground(sample, 2000, loops);
            p.await("a full disk", Duration.ofSeconds(60), () -> metric(port, "cellscope_ring_write_errors_total") >= 1);
            VethPair.Result rm = VethPair.run("rm", "-rf", ring.toString());
            assertEquals(0, rm.exit(), rm.output());
            // Room again (the files went with the directory): the ring makes the directory again and writes on.
            p.await("the ring directory made again", Duration.ofSeconds(30), () -> Files.isDirectory(ring));
            p.await("every frame analysed", Duration.ofSeconds(120), () -> metric(port, "cellscope_packets_total") == (double) n * loops);
            assertTrue(replay.waitFor(60, TimeUnit.SECONDS));
            Map<String, Double> m = ProbeCommandTest.scrape(port);
            assertTrue(m.get("cellscope_drops_total{cause=\"disk\"}") > 0, "frames not written are counted: " + m);
            assertEquals(0.0, m.get("cellscope_drops_total{cause=\"kernel\"}"), "the capture lost nothing");
            assertTrue(m.get("cellscope_ring_packets_written_total") > 0);
            p.signal("TERM");
            assertEquals(0, p.exit(Duration.ofSeconds(20)), p.stderr());
            String err = p.stderr();
            assertTrue(err.contains("No space left on device"), err);
            // The files of the new directory are whole pcapng files, their statistics block included.
            List<Path> files = ringFiles(ring);
            assertFalse(files.isEmpty(), "the ring wrote on after the directory came back");
            for (Path f : files) {
                List<byte[]> got = new ArrayList<>();
                assertEquals(1, readRingFile(f, got).size(), f + ": closed with its statistics block");
                assertEquals(got.size(), tsharkFrames(f), f.toString());
            }
        } finally {
            VethPair.run("umount", "-l", mount.toString());
        }
    }

    static double metric(int port, String name) {
        try {
            return ProbeCommandTest.sum(ProbeCommandTest.scrape(port), name);
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    /**
     * Minutes of sustained traffic (lossy-mesh looped: the same conversations again and again, so
     * every frame after the first loop is a duplicate to the analysis) with flows, a ring and
     * metrics: memory stays flat after warm-up. The probe runs with a heap cap, as the systemd unit
     * gives it (a JVM without one grows its heap lazily, which says nothing about leaks). Sampled
     * every 5 s and printed: RSS, and the heap in use right after a full collection (jcmd GC.run:
     * what the probe holds; a leak shows there first). Length: -Dcellscope.soakSeconds (default 120).
     */
    @Test
    void soakKeepsMemoryFlat(@TempDir Path dir) throws Exception {
        int seconds = Integer.getInteger("cellscope.soakSeconds", 120), pps = 3000;
        Path sample = SAMPLES.resolve("lossy-mesh.pcapng");
        int loops = seconds * pps / LiveReadTest.frameCount(sample) + 1;
        Path flows = Files.createDirectories(dir.resolve("flows"));
        List<Long> rss = new ArrayList<>(), live = new ArrayList<>();
        Process replay = null;
        try (ProbeProcess p = ProbeProcess.start(List.of("-XX:+UseParallelGC", "-XX:MaxNewSize=256m", "-Xmx512m"),
                "-i", veth.captureInterface, "-f", FILTER, "--flows", flows.toString(),
                "--flow-interval", "5s", "--ring", dir.resolve("ring").toString(), "--ring-size", "20MB", "--ring-files", "3",
                "--metrics", "127.0.0.1:0", "--status-interval", "10s")) {
            int port = p.metricsPort();
            p.await("capturing line", Duration.ofSeconds(60), () -> stderrOf(p).contains("cellscope: capturing on"));
            replay = replayInBackground(sample, pps, loops);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end && replay.isAlive()) {
                Thread.sleep(5000);
                long kib = residentKiB(p.pid());
                // What survives a full collection is what the probe holds: a leak shows there long before RSS moves.
                Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(p.pid()),
                        "GC.run").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                assertTrue(gc.waitFor(30, TimeUnit.SECONDS) && gc.exitValue() == 0, "jcmd GC.run");
                double heap = ProbeCommandTest.scrape(port).get("jvm_memory_used_bytes{area=\"heap\"}");
                rss.add(kib);
                live.add((long) heap / 1024);
                System.out.println("soak: t=" + rss.size() * 5 + " s RSS " + kib / 1024 + " MiB, heap after a full GC "
                        + (long) heap / (1024 * 1024) + " MiB");
            }
            Map<String, Double> m = ProbeCommandTest.scrape(port);
            System.out.println("soak: " + (long) ProbeCommandTest.sum(m, "cellscope_packets_total") + " frames, drops "
                    + ProbeCommandTest.sum(m, "cellscope_drops_total"));
            assertEquals(0.0, ProbeCommandTest.sum(m, "cellscope_drops_total"), "drops at " + pps + " frames/s");
            assertTrue(ProbeCommandTest.sum(m, "cellscope_packets_total") >= (seconds - 10) * pps * 0.9, "the traffic reached the probe");
            p.signal("TERM");
            assertEquals(0, p.exit(Duration.ofSeconds(20)), p.stderr());
        } finally {
            if (replay != null) replay.destroyForcibly().waitFor();
        }
        assertTrue(rss.size() >= 6, "samples: " + rss);
        // After warm-up (the first third: JIT, heap sizing), the later maxima stay near the middle third's.
        assertFlat("RSS", rss, 1.15, 0);
        assertFlat("heap after a full GC", live, 1.25, 8 * 1024);
    }

    static void assertFlat(String what, List<Long> kib, double factor, long slackKiB) {
        int third = kib.size() / 3;
        long warm = kib.subList(third, 2 * third).stream().mapToLong(Long::longValue).max().orElseThrow();
        long late = kib.subList(2 * third, kib.size()).stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(late <= warm * factor + slackKiB, what + " grew from " + warm / 1024 + " MiB to " + late / 1024 + " MiB: " + kib);
    }

    static long residentKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(Arrays.stream(line.split("\\s+")).skip(1).findFirst().orElseThrow());
        }
        throw new IOException("no VmRSS for " + pid);
    }
}
