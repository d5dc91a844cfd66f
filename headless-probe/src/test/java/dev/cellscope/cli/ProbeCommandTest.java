package dev.cellscope.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cellscope probe -r FILE} as a user runs it, in a child JVM: its flow records against
 * {@code cellscope stats --flows}, its findings against {@code cellscope read} (parsed by Python's
 * json), its metrics scraped over HTTP against the samples' ground truth. Signals, -Z and bad
 * options are in {@link ProbeSignalsTest}.
 */
class ProbeCommandTest {
    static final Path SAMPLES = Path.of("..", "samples", "captures").toAbsolutePath().normalize();

    static Path sample(String name) {
        return SAMPLES.resolve(name + ".pcapng");
    }

    /** The rows of each kind's table, in order, from CSV files (header lines excluded), and the headers seen. */
    record Tables(Map<String, List<String>> rows, Map<String, List<String>> headers) {
        static Tables of(List<Path> files) throws IOException {
            Map<String, List<String>> rows = new LinkedHashMap<>(), headers = new LinkedHashMap<>();
            for (Path f : files) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                assertTrue(text.isEmpty() || text.endsWith("\r\n"), f + " must end with a whole line");
                String kind = null;
                int columns = -1;
                for (String line : text.split("\r\n")) {
                    String[] cells = line.split(",", -1);
                    if (cells[0].equals("kind")) {
                        headers.computeIfAbsent(line, k -> new ArrayList<>()).add(f.getFileName().toString());
                        columns = cells.length;
                        kind = null;
                        continue;
                    }
                    assertEquals(columns, cells.length, f + ": a row with another column count than its header: " + line);
                    kind = cells[0];
                    rows.computeIfAbsent(kind, k -> new ArrayList<>()).add(line);
                }
            }
            return new Tables(rows, headers);
        }
    }

    static List<Path> flowFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("flows-")).sorted().toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lossy-mesh", "tether-lamp", "mixed-wire", "unknown-cellid-scan"})
    @Timeout(120)
    void flowRecordsAtTheEndAreTheRowsStatsWrites(String name, @TempDir Path dir) throws Exception {
        Path flows = Files.createDirectory(dir.resolve("flows")), csv = dir.resolve("stats.csv");
        Cli.Result probe = Cli.run("probe", "-r", sample(name).toString(), "--flows", flows.toString(), "--status-interval", "0");
        assertEquals(0, probe.exit(), probe.err());
        assertEquals("", Cli.errors(probe), "a probe run on a file prints nothing but notices");
        Cli.Result stats = Cli.run("stats", "-r", sample(name).toString(), "--flows", csv.toString());
        assertEquals(0, stats.exit(), stats.err());

        List<Path> files = flowFiles(flows);
        assertFalse(files.isEmpty(), "no flow file written");
        try (Stream<Path> s = Files.list(flows)) {
            assertEquals(files.size(), s.count(), "only finished flow files are left (no temporary ones)");
        }
        Tables expected = Tables.of(List.of(csv)), got = Tables.of(files);
        // Same columns: stats' header with the record column appended, for every kind.
        for (String header : expected.headers().keySet()) {
            assertTrue(got.headers().containsKey(header + ",record"), "header missing from the flow files: " + header);
        }
        // Same rows: the end records, in order, are stats' rows.
        Map<String, List<String>> ends = new LinkedHashMap<>();
        got.rows().forEach((kind, rows) -> ends.put(kind, rows.stream().filter(r -> r.endsWith(",end"))
                .map(r -> r.substring(0, r.length() - ",end".length())).toList()));
        for (String kind : expected.rows().keySet()) {
            assertEquals(expected.rows().get(kind), ends.getOrDefault(kind, List.of()), name + ": " + kind + " rows");
        }
        for (String kind : ends.keySet()) {
            if (!ends.get(kind).isEmpty()) assertTrue(expected.rows().containsKey(kind), "probe wrote " + kind + " rows stats did not");
        }
    }

    /** Counts of each finding kind (warn and above), read by Python's json from the findings file: kind -> count; plus severity/group counts. */
    static Map<String, Integer> findingsByKind(Path file) throws Exception {
        Cli.Result py = Cli.tool("python3", "-c", "import json,sys\n"
                + "for line in open(sys.argv[1], encoding='utf-8'):\n"
                + "    o = json.loads(line)\n"
                + "    assert set(o) == {'time','frame','flow','severity','group','kind','summary','message'}, o\n"
                + "    assert o['time'].endswith('Z') and len(o['time']) == 30, o['time']\n"
                + "    print(('frame' if o['frame'] is not None else 'end'), o['kind'], o['severity'], o['group'])\n", file.toString());
        Assumptions.assumeTrue(py != null, "python3 not installed: cannot parse the JSON lines independently");
        assertEquals(0, py.exit(), "findings file is not one JSON object per line: " + py.err());
        Map<String, Integer> counts = new TreeMap<>();
        for (String line : py.lines()) {
            String[] f = line.split(" ");
            counts.merge(f[0] + " " + f[1], 1, Integer::sum);
            counts.merge(f[2] + "/" + f[3], 1, Integer::sum);
        }
        return counts;
    }

    @ParameterizedTest
    @ValueSource(strings = {"lossy-mesh", "corrupt-block", "tether-overrun", "unknown-cellid-scan"})
    @Timeout(180)
    void findingsAreJsonLinesThatMatchRead(String name, @TempDir Path dir) throws Exception {
        Path findings = dir.resolve("findings.json"), book = addressBook(name, dir);
        List<String> bookArgs = book == null ? List.of() : List.of("--cellids", book.toString());
        List<String> args = new ArrayList<>(List.of("probe", "-r", sample(name).toString(), "--findings", findings.toString(), "--status-interval", "0"));
        args.addAll(bookArgs);
        Cli.Result probe = Cli.run(args.toArray(String[]::new));
        assertEquals(0, probe.exit(), probe.err());
        Map<String, Integer> got = findingsByKind(findings);

        // Per frame: read's expert.id and expert.severity of every frame, warn and above.
        List<String> fields = new ArrayList<>(List.of("read", "-r", sample(name).toString(), "-T", "fields", "-e", "expert.id", "-e", "expert.severity"));
        fields.addAll(bookArgs);
        Cli.Result read = Cli.run(fields.toArray(String[]::new));
        assertEquals(0, read.exit(), read.err());
        Map<String, Integer> frameKinds = new TreeMap<>();
        for (String line : read.lines()) {
            String[] cols = line.split("\t", -1);
            if (cols.length < 2 || cols[0].isEmpty()) continue;
            String[] ids = cols[0].split(","), sev = cols[1].split(",");
            for (int i = 0; i < ids.length; i++) {
                if (sev[i].equals("warn") || sev[i].equals("error")) frameKinds.merge("frame " + ids[i], 1, Integer::sum);
            }
        }
        Map<String, Integer> gotFrames = new TreeMap<>();
        got.forEach((k, v) -> { if (k.startsWith("frame ")) gotFrames.put(k, v); });
        assertEquals(frameKinds, gotFrames, name + ": findings per kind on frames");

        // Every finding at warn and above, the capture's own included: read -z expert's table.
        List<String> z = new ArrayList<>(List.of("read", "-r", sample(name).toString(), "-q", "-z", "expert"));
        z.addAll(bookArgs);
        Cli.Result table = Cli.run(z.toArray(String[]::new));
        assertEquals(0, table.exit(), table.err());
        Map<String, Integer> bySeverityGroup = new TreeMap<>(), gotBySeverityGroup = new TreeMap<>();
        String[] groups = null;
        for (String line : table.lines()) {
            String[] cells = line.trim().split("\\s+");
            if (cells[0].equals("severity")) groups = cells;
            else if (groups != null && (cells[0].equals("warn") || cells[0].equals("error")) && cells.length == groups.length) {
                for (int i = 1; i < groups.length - 1; i++) {
                    int n = Integer.parseInt(cells[i]);
                    if (n > 0) bySeverityGroup.put(cells[0] + "/" + groups[i], n);
                }
            }
        }
        got.forEach((k, v) -> { if (k.contains("/")) gotBySeverityGroup.put(k, v); });
        assertEquals(bySeverityGroup, gotBySeverityGroup, name + ": findings by severity and group");
        assertFalse(got.isEmpty(), name + " has findings at warn or above");
    }

    /**
     * A UTCP finding's flow names the frame's CellIDs and stream as {@code read -T fields} prints them
     * (the probe keeps the CellIDs as numbers and writes them as text only for a frame with findings).
     */
    @ParameterizedTest
    @ValueSource(strings = {"lossy-mesh", "corrupt-block"})
    @Timeout(180)
    void findingFlowKeysAreTheFramesCellIds(String name, @TempDir Path dir) throws Exception {
        Path findings = dir.resolve("findings.json");
        Cli.Result probe = Cli.run("probe", "-r", sample(name).toString(), "--findings", findings.toString(), "--status-interval", "0");
        assertEquals(0, probe.exit(), probe.err());
        Cli.Result py = Cli.tool("python3", "-c", "import json,sys\n"
                + "for line in open(sys.argv[1], encoding='utf-8'):\n"
                + "    o = json.loads(line)\n"
                + "    f = o['flow']\n"
                + "    if o['frame'] is not None and f is not None and f['kind'] == 'utcp': print(o['frame'], f['src'], f['dst'], f['stream'])\n",
                findings.toString());
        Assumptions.assumeTrue(py != null, "python3 not installed: cannot parse the JSON lines independently");
        assertEquals(0, py.exit(), py.err());
        Cli.Result read = Cli.run("read", "-r", sample(name).toString(), "-T", "fields", "-e", "frame.number", "-e", "utcp.src", "-e", "utcp.dst",
                "-e", "utcp.stream");
        assertEquals(0, read.exit(), read.err());
        Map<String, String> byFrame = new TreeMap<>();
        for (String line : read.lines()) {
            String[] c = line.split("\t", -1);
            if (c.length == 4 && !c[1].isEmpty()) byFrame.put(c[0], c[1] + " " + c[2] + " " + c[3]);
        }
        assertFalse(py.lines().isEmpty(), name + " has UTCP findings on frames");
        for (String line : py.lines()) {
            String[] f = line.split(" ", 2);
            assertEquals(byFrame.get(f[0]), f[1], name + ": flow of the finding on frame " + f[0]);
        }
    }

    /** For the scan: the legitimate nodes' CellIDs from the truth file, so that Mallory's are unknown. */
    static Path addressBook(String name, Path dir) throws Exception {
        if (!name.equals("unknown-cellid-scan")) return null;
        Cli.Result py = Cli.tool("python3", "-c", "import json,sys\nd=json.load(open(sys.argv[1]))\n"
                + "for n,v in d['nodes'].items():\n    if 'cellid' in v and n != 'mallory': print(v['cellid'], n)\n",
                SAMPLES.resolve(name + ".truth.json").toString());
        Assumptions.assumeTrue(py != null, "python3 not installed: cannot read the truth file");
        Path book = dir.resolve("book.txt");
        Files.writeString(book, py.out());
        return book;
    }

    /** name{labels} -> value, from the Prometheus text format. */
    static Map<String, Double> scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        Map<String, Double> m = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) continue;
            int space = line.lastIndexOf(' ');
            m.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return m;
    }

    static double sum(Map<String, Double> m, String name) {
        return m.entrySet().stream().filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    /**
     * cellscope_unknown_cellid_total counts frames, as its HELP and PROBE.md say: each of Mallory's 300 SYNs has
     * two CellIDs outside the book (his own and the scanned one), two findings, one frame. The old code counted
     * findings: 600.
     */
    /** User review: with --linger the final status line came after the linger, its time and rates counting it. */
    @Test
    @Timeout(120)
    void theFinalLineComesWhenTheCaptureEndsNotAfterTheLinger() throws Exception {
        try (ProbeProcess p = ProbeProcess.start("-r", sample("quickstart").toString(), "--linger", "60s", "--metrics", "127.0.0.1:0")) {
            p.await("the final line", Duration.ofSeconds(40), () -> {
                try {
                    return p.stderr().contains("cellscope: done after ");
                } catch (IOException e) {
                    return false;
                }
            });
            assertTrue(p.alive(), "still lingering");
            String done = p.stderr().lines().filter(l -> l.startsWith("cellscope: done after ")).findFirst().orElseThrow();
            double seconds = Double.parseDouble(done.replaceAll("cellscope: done after ([0-9.]+) s.*", "$1"));
            assertTrue(seconds < 30, "the capture's time, not the linger's: " + done);
            // Lingering, the probe says it captures no more (review: cellscope_up stayed 1).
            assertEquals(0.0, scrape(p.metricsPort()).get("cellscope_up"), "cellscope_up during --linger");
            p.signal("TERM");
            assertEquals(0, p.exit(Duration.ofSeconds(20)));
        }
    }

    /**
     * PROBE.md: a finding about the whole capture has no frame and no flow, and the last frame's time. User review: it had
     * the time of the last frame with findings (here the frame after a cut-out seq, 21 ms before the end).
     */
    @Test
    @Timeout(120)
    void anEndFindingCarriesTheLastFramesTime(@TempDir Path dir) throws Exception {
        Path cut = dir.resolve("cut.pcapng"), findings = dir.resolve("f.jsonl");
        Cli.Result w = Cli.run("replay", "-r", sample("mesh-transfer").toString(), "-Y", "frame.number != 20", "-w", cut.toString());
        assertEquals(0, w.exit(), w.err());
        long last = 0;
        try (dev.cellscope.io.CaptureReader r = dev.cellscope.io.CaptureReader.open(cut)) {
            for (dev.cellscope.io.Packet pk; (pk = r.next()) != null; ) last = pk.timestampNanos();
        }
        Cli.Result probe = Cli.run("probe", "-r", cut.toString(), "--findings", findings.toString(), "--status-interval", "0");
        assertEquals(0, probe.exit(), probe.err());
        List<String> end = Files.readAllLines(findings).stream().filter(l -> l.contains("\"frame\":null")).toList();
        assertTrue(end.stream().anyMatch(l -> l.contains("\"kind\":\"utcp.tap_loss\"")), String.join("\n", end));
        String want = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(java.time.ZoneOffset.UTC)
                .format(java.time.Instant.ofEpochSecond(0, last));
        for (String l : end) assertTrue(l.startsWith("{\"time\":\"" + want + "\""), "the last frame's time " + want + ": " + l);
    }

    @Test
    @Timeout(120)
    void unknownCellIdsAreCountedOncePerFrame(@TempDir Path dir) throws Exception {
        Path book = addressBook("unknown-cellid-scan", dir);
        Cli.Result truth = Cli.tool("python3", "-c", "import json,sys\nd=json.load(open(sys.argv[1]))\n"
                + "print(d['wire']['frames_recorded'], d['attack']['syns_injected'])",
                SAMPLES.resolve("unknown-cellid-scan.truth.json").toString());
        String[] t = truth.out().trim().split(" ");
        long frames = Long.parseLong(t[0]), syns = Long.parseLong(t[1]);
        try (ProbeProcess p = ProbeProcess.start("-r", sample("unknown-cellid-scan").toString(), "--cellids", book.toString(),
                "--metrics", "127.0.0.1:0", "--linger", "120s", "--status-interval", "0")) {
            int port = p.metricsPort();
            p.await("all frames counted", Duration.ofSeconds(60), () -> {
                try {
                    return sum(scrape(port), "cellscope_packets_total") == frames;
                } catch (IOException | InterruptedException e) {
                    return false;
                }
            });
            Thread.sleep(300); // the end findings are in once the capture ended
            assertEquals((double) syns, scrape(port).get("cellscope_unknown_cellid_total"), "one per frame with an unknown CellID");
            p.signal("TERM");
            assertEquals(0, p.exit(Duration.ofSeconds(20)));
        }
    }

    @Test
    @Timeout(120)
    void metricsScrapedOverHttpAgreeWithTheTruth(@TempDir Path dir) throws Exception {
        Cli.Result truth = Cli.tool("python3", "-c", "import json,sys\nd=json.load(open(sys.argv[1]))\n"
                + "print(d['wire']['frames_recorded'], sum(o['blocks_sent'] for o in d['sbi']['objects']),"
                + " d['expected_findings']['warn']['sequence'], sum(len(u['data_retransmitted']) for u in d['utcp']),"
                + " sum(u['nacks_sent'] - u['nacks_dropped'] for u in d['utcp']), sum(len(u['data_lost']) for u in d['utcp']))", SAMPLES.resolve("lossy-mesh.truth.json").toString());
        Assumptions.assumeTrue(truth != null, "python3 not installed: cannot read the truth file");
        String[] t = truth.out().trim().split(" ");
        long frames = Long.parseLong(t[0]), blocks = Long.parseLong(t[1]), warnSequence = Long.parseLong(t[2]),
                retransmitted = Long.parseLong(t[3]), nacks = Long.parseLong(t[4]), lost = Long.parseLong(t[5]);

        try (ProbeProcess p = ProbeProcess.start("-r", sample("lossy-mesh").toString(), "--metrics", "127.0.0.1:0", "--linger", "120s",
                "--status-interval", "0")) {
            int port = p.metricsPort();
            @SuppressWarnings("unchecked") Map<String, Double>[] last = new Map[1];
            p.await("all frames counted", Duration.ofSeconds(60), () -> {
                try {
                    last[0] = scrape(port);
                    return sum(last[0], "cellscope_packets_total") == frames;
                } catch (IOException | InterruptedException e) {
                    return false;
                }
            });
            // The flow table and the end findings are in once the capture ended; scrape again after that.
            Thread.sleep(300);
            Map<String, Double> m = scrape(port);
            assertEquals(frames, sum(m, "cellscope_packets_total"));
            assertEquals(blocks, m.get("cellscope_blocks_verified_total"));
            assertEquals(0.0, m.get("cellscope_blocks_failed_total"));
            assertEquals((double) warnSequence, m.get("cellscope_findings_total{group=\"sequence\",severity=\"warn\"}"));
            assertEquals(0.0, sum(m, "cellscope_drops_total"), "a file drops nothing");
            assertEquals((double) retransmitted, m.get("cellscope_retransmissions_total{protocol=\"utcp\"}"));
            assertEquals((double) nacks, m.get("cellscope_nacks_total{protocol=\"utcp\"}"));
            // Every DATA seq the wire dropped was NACKed: lost on the network, the one at a burst's tail too (6, was 5).
            assertEquals((double) lost, m.get("cellscope_network_loss_seqs_total"));
            assertTrue(m.containsKey("process_cpu_seconds_total"), "the probe's own CPU");
            assertTrue(m.containsKey("process_resident_memory_bytes"), "the probe's own memory");
            assertEquals(0.0, m.get("cellscope_active_flows"), "every flow ended with the capture");
            p.signal("TERM");
            assertEquals(0, p.exit(Duration.ofSeconds(20)), "SIGTERM while lingering exits 0");
        }
    }

    /**
     * Frames the mirror port never delivered: two DATA frames cut from lossy-mesh (with read -Y -w),
     * which the receiver had and never NACKed. The metric counts exactly those seqs while the probe
     * runs, and the findings file ends with the capture's utcp.tap_loss, without frame or flow.
     */
    @Test
    @Timeout(120)
    void tapLossIsCountedAndReported(@TempDir Path dir) throws Exception {
        Path cut = dir.resolve("tap-cut.pcapng"), findings = dir.resolve("findings.json");
        Cli.Result w = Cli.run("read", "-r", sample("lossy-mesh").toString(), "-Y", "frame.number != 30 && frame.number != 31",
                "-w", cut.toString(), "-q");
        assertEquals(0, w.exit(), w.err());
        try (ProbeProcess p = ProbeProcess.start("-r", cut.toString(), "--findings", findings.toString(), "--metrics", "127.0.0.1:0",
                "--linger", "120s", "--status-interval", "0")) {
            int port = p.metricsPort();
            p.await("the capture analysed", Duration.ofSeconds(60), () -> {
                try {
                    return sum(scrape(port), "cellscope_packets_total") == 312;
                } catch (IOException | InterruptedException e) {
                    return false;
                }
            });
            p.await("the tap loss counted", Duration.ofSeconds(30), () -> {
                try {
                    return scrape(port).get("cellscope_tap_loss_seqs_total") == 2.0;
                } catch (IOException | InterruptedException e) {
                    return false;
                }
            });
            p.signal("TERM");
            assertEquals(0, p.exit(Duration.ofSeconds(20)));
        }
        assertEquals(1, findingsByKind(findings).getOrDefault("end utcp.tap_loss", 0), "the capture's tap loss is a finding");
        String last = Files.readAllLines(findings).getLast();
        assertTrue(last.contains("\"frame\":null,\"flow\":null") && last.contains("Tap loss: 0.70% (2 DATA seqs"), last);
    }
}
