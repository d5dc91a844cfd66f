package dev.cellscope.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The probe as a service sees it: real signals sent with kill(1) to a child JVM mid-run (SIGTERM
 * finishes every file and exits 0; SIGHUP reopens the findings file and starts a new flow file),
 * a stop while the source is a FIFO nobody has written to yet, -Z as root, and bad options. The
 * long runs read a generated 300,000-frame capture (the codec-built {@code bulk} sample: a
 * Tether grant overrun every ten frames, so findings keep coming) that takes seconds to analyse.
 */
class ProbeSignalsTest {
    @TempDir
    static Path shared;
    static Path bulk;

    @BeforeAll
    static void generate() throws Exception {
        bulk = shared.resolve("bulk.pcapng");
        Cli.Result r = Cli.run("samples", "generate", "bulk", "-o", bulk.toString(), "--size", "300000");
        assertEquals(0, r.exit(), r.err());
    }

    @AfterAll
    static void remove() throws IOException {
        Files.deleteIfExists(bulk);
    }

    static long lines(Path f) {
        try {
            if (!Files.exists(f)) return 0;
            try (Stream<String> s = Files.lines(f, StandardCharsets.UTF_8)) {
                return s.count();
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    /** Frames of the findings lines, in order (the frame field of each object). */
    static List<Long> frames(Path f) throws IOException {
        Pattern frame = Pattern.compile("\"frame\":(\\d+|null)");
        return Files.readAllLines(f, StandardCharsets.UTF_8).stream().map(l -> {
            Matcher m = frame.matcher(l);
            assertTrue(m.find() && l.startsWith("{") && l.endsWith("}"), "not a whole finding line: " + l);
            return m.group(1).equals("null") ? Long.MAX_VALUE : Long.parseLong(m.group(1));
        }).toList();
    }

    /** The frame count of the probe's final status line. */
    static long finalFrames(String stderr) {
        Matcher m = Pattern.compile("cellscope: (stopped|done) after [0-9.]+ s: (\\d+) frames").matcher(stderr);
        assertTrue(m.find(), "no final status line in:\n" + stderr);
        return Long.parseLong(m.group(2));
    }

    @Test
    @Timeout(120)
    void sigtermMidRunFinishesEveryFileAndExitsZero(@TempDir Path dir) throws Exception {
        Path flows = Files.createDirectory(dir.resolve("flows")), findings = dir.resolve("findings.json");
        try (ProbeProcess p = ProbeProcess.start("-r", bulk.toString(), "--flows", flows.toString(), "--findings", findings.toString(),
                "--status-interval", "1s")) {
            // Early in the run, so the rest of it surely has findings for the new file (however fast the machine).
            p.await("findings being written", Duration.ofSeconds(60), () -> lines(findings) >= 100);
            p.signal("TERM");
            assertEquals(0, p.exit(Duration.ofSeconds(30)), "exit status after SIGTERM");
            long frames = finalFrames(p.stderr());
            assertTrue(frames > 0 && frames < 300_000, "stopped mid-run, after " + frames + " frames");
            assertTrue(p.stderr().contains("cellscope: stopped after"), p.stderr());
            // Findings: whole lines only, up to the frames read.
            String text = Files.readString(findings, StandardCharsets.UTF_8);
            assertTrue(text.endsWith("\n"), "findings end with a whole line");
            List<Long> seen = frames(findings);
            assertTrue(seen.stream().allMatch(n -> n <= frames), "no finding past the last frame read");
            // Flow records: the flows live at the stop were written as ended, in whole files, no temporary file left.
            List<Path> files = ProbeCommandTest.flowFiles(flows);
            assertFalse(files.isEmpty(), "the last flow records were written");
            ProbeCommandTest.Tables t = ProbeCommandTest.Tables.of(files);
            assertTrue(t.rows().values().stream().flatMap(List::stream).anyMatch(r -> r.endsWith(",end")), "flows ended at the stop");
            try (Stream<Path> s = Files.list(flows)) {
                assertEquals(files.size(), s.count(), "no temporary file left behind");
            }
        }
    }

    @Test
    @Timeout(120)
    void sighupReopensTheFindingsFileAndStartsANewFlowFile(@TempDir Path dir) throws Exception {
        Path flows = Files.createDirectory(dir.resolve("flows")), findings = dir.resolve("findings.json"), rotated = dir.resolve("findings.json.1");
        try (ProbeProcess p = ProbeProcess.start("-r", bulk.toString(), "--flows", flows.toString(), "--findings", findings.toString(),
                "--flow-interval", "1s", "--status-interval", "0")) {
            // Early in the run, so the rest of it surely has findings for the new file (however fast the machine).
            p.await("findings being written", Duration.ofSeconds(60), () -> lines(findings) >= 100);
            Files.move(findings, rotated); // logrotate's move, then its postrotate kill -HUP
            p.signal("HUP");
            p.await("a new findings file", Duration.ofSeconds(30), () -> lines(findings) >= 1);
            p.signal("TERM");
            assertEquals(0, p.exit(Duration.ofSeconds(30)));
            List<Long> before = frames(rotated), after = frames(findings);
            assertFalse(before.isEmpty());
            long lastBefore = before.stream().filter(n -> n != Long.MAX_VALUE).mapToLong(Long::longValue).max().orElseThrow();
            long firstAfter = after.stream().mapToLong(Long::longValue).min().orElseThrow();
            assertTrue(firstAfter > lastBefore, "the reopened file holds the later findings: " + firstAfter + " after " + lastBefore);
            // Interval files are named by their whole-second start; the file SIGHUP started, by the time of the HUP.
            List<Path> files = ProbeCommandTest.flowFiles(flows);
            assertTrue(files.stream().anyMatch(f -> !f.getFileName().toString().endsWith(".000Z.csv")), "SIGHUP started a new flow file: " + files);
        }
    }

    @Test
    @Timeout(60)
    void sigtermWhileAFifoHasNoDataYetExitsZero(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("capture.fifo"), findings = dir.resolve("findings.json");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo failed: cannot make a FIFO here");
        try (ProbeProcess p = ProbeProcess.start("-r", fifo.toString(), "--findings", findings.toString(), "--status-interval", "0")) {
            // Keep the FIFO open for writing and write nothing: the probe waits for data, as on an idle pipe.
            CompletableFuture<OutputStream> writer = CompletableFuture.supplyAsync(() -> {
                try {
                    return new FileOutputStream(fifo.toFile());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (OutputStream open = writer.get(60, TimeUnit.SECONDS)) {
                Thread.sleep(500);
                assertTrue(p.alive(), "the probe waits for the FIFO's data");
                p.signal("TERM");
                assertEquals(0, p.exit(Duration.ofSeconds(15)), "SIGTERM while waiting exits 0");
                assertTrue(p.stderr().contains("stopped before the capture began"), p.stderr());
            }
        }
    }

    /**
     * Stopped while its stream is still being copied (a FIFO whose writer sent part of a capture and is still there), the
     * probe removes the partial copy before it halts. Before, the halt (which runs no deleteOnExit) left it in the
     * temporary directory: one file per stopped run, as large as what had come (a .gz being decompressed, too).
     */
    @Test
    @Timeout(60)
    void sigtermWhileAStreamIsBeingCopiedLeavesNoCopyBehind(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("capture.fifo"), tmp = Files.createDirectory(dir.resolve("tmp"));
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo failed: cannot make a FIFO here");
        try (ProbeProcess p = ProbeProcess.start(List.of("-Djava.io.tmpdir=" + tmp), "-r", fifo.toString(), "--status-interval", "0")) {
            CompletableFuture<OutputStream> writer = CompletableFuture.supplyAsync(() -> {
                try {
                    return new FileOutputStream(fifo.toFile());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (OutputStream open = writer.get(60, TimeUnit.SECONDS)) {
                byte[] capture = Files.readAllBytes(bulk);
                open.write(capture, 0, capture.length / 2);
                open.flush();
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (copiedBytes(tmp) < capture.length / 2 && System.nanoTime() < deadline) Thread.sleep(20);
                assertEquals(capture.length / 2, copiedBytes(tmp), "the half written is being copied");
                p.signal("TERM");
                assertEquals(0, p.exit(Duration.ofSeconds(15)), p.stderr());
                assertTrue(p.stderr().contains("stopped before the capture began"), p.stderr());
                try (Stream<Path> left = Files.list(tmp)) {
                    assertEquals(List.of(), left.toList(), "copies left in the temporary directory");
                }
            }
        }
    }

    private static long copiedBytes(Path tmp) throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /**
     * The capture spans 8 s of capture time: with 1 s intervals, every flow is recorded at the end
     * of each second it is live, one file per second, and its end record is still the row of stats.
     */
    @Test
    @Timeout(120)
    void intervalRecordsEverySecondOfCaptureTime(@TempDir Path dir) throws Exception {
        Path flows = Files.createDirectory(dir.resolve("flows")), csv = dir.resolve("stats.csv");
        Cli.Result probe = Cli.run("probe", "-r", bulk.toString(), "--flows", flows.toString(), "--flow-interval", "1s", "--status-interval", "0");
        assertEquals(0, probe.exit(), probe.err());
        Cli.Result stats = Cli.run("stats", "-r", bulk.toString(), "--flows", csv.toString());
        assertEquals(0, stats.exit(), stats.err());
        List<Path> files = ProbeCommandTest.flowFiles(flows);
        List<String> names = files.stream().map(f -> f.getFileName().toString()).toList();
        assertEquals(List.of("flows-20261128T120000.000Z.csv", "flows-20261128T120001.000Z.csv", "flows-20261128T120002.000Z.csv",
                "flows-20261128T120003.000Z.csv", "flows-20261128T120004.000Z.csv", "flows-20261128T120005.000Z.csv",
                "flows-20261128T120006.000Z.csv", "flows-20261128T120007.000Z.csv"), names);
        ProbeCommandTest.Tables expected = ProbeCommandTest.Tables.of(List.of(csv));
        int flowsLive = expected.rows().values().stream().mapToInt(List::size).sum();
        java.util.Map<String, Long> lastPackets = new java.util.HashMap<>();
        for (int i = 0; i < files.size(); i++) {
            ProbeCommandTest.Tables t = ProbeCommandTest.Tables.of(List.of(files.get(i)));
            List<String> rows = t.rows().values().stream().flatMap(List::stream).toList();
            long interval = rows.stream().filter(r -> r.endsWith(",interval")).count(), end = rows.stream().filter(r -> r.endsWith(",end")).count();
            if (i < files.size() - 1) assertEquals(List.of((long) flowsLive, 0L), List.of(interval, end), names.get(i) + ": every live flow, once");
            else assertEquals(List.of(0L, (long) flowsLive), List.of(interval, end), names.get(i) + ": the flows end with the capture");
            // A flow's packets only grow from one record to the next (key: kind and key columns; packets: after the 7 time columns).
            for (String r : rows) {
                String[] c = r.split(",");
                int keys = c[0].equals("sbi") ? 3 : 4;
                String key = String.join(",", java.util.Arrays.copyOf(c, keys));
                long packets = Long.parseLong(c[0].equals("sbi") ? c[keys + 7] : c[keys + 7]);
                Long before = lastPackets.put(key, packets);
                assertTrue(before == null || before <= packets, key + ": packets went from " + before + " to " + packets);
            }
        }
        java.util.Map<String, List<String>> ends = new java.util.LinkedHashMap<>();
        ProbeCommandTest.Tables.of(files).rows().forEach((kind, rows) -> ends.put(kind, rows.stream().filter(r -> r.endsWith(",end"))
                .map(r -> r.substring(0, r.length() - ",end".length())).toList()));
        assertEquals(expected.rows(), ends, "end records are the rows of stats");
    }

    /**
     * Skips a {@code -Z} test, saying why, when {@code user} cannot read the class directories these tests run
     * the probe from (the build's target/classes), which the JVM reads class by class, also after the probe has
     * dropped root. (The jar that {@code ./cellscope} runs stays open across the switch and is not affected;
     * a checkout under a directory only root may enter, such as one {@code mktemp -d} made, is.)
     */
    static void assumeClassPathReadableBy(String user) throws Exception {
        List<String> entries = Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> !e.isEmpty() && Files.isDirectory(Path.of(e))).toList(); // jars: opened before the switch, kept open
        List<String> cmd = new java.util.ArrayList<>(List.of("runuser", "-u", user, "--", "sh", "-c",
                "for p do [ -r \"$p\" ] && [ -x \"$p\" ] || echo \"$p\"; done", "sh"));
        cmd.addAll(entries);
        Cli.Result r = Cli.tool(cmd.toArray(String[]::new));
        Assumptions.assumeTrue(r != null, "runuser not found (Debian package util-linux): cannot check that " + user + " can read the class path");
        Assumptions.assumeTrue(r.exit() == 0 && r.out().isBlank(), () -> "-Z " + user + ": the probe runs here from the build's class path, which "
                + user + " cannot read once root is dropped (the checkout is under a directory only root may enter): " + r.out().lines().findFirst().orElse(r.err()));
    }

    static boolean root() throws Exception {
        Cli.Result id = Cli.tool("id", "-u");
        return id != null && id.out().trim().equals("0");
    }

    @Test
    @Timeout(120)
    void dashZRunsAsTheUserAndStillWritesEveryFile(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(root(), "-Z drops root: the test must run as root (CI does)");
        Cli.Result nobody = Cli.tool("id", "-u", "nobody");
        Assumptions.assumeTrue(nobody != null && nobody.exit() == 0, "no user 'nobody' on this machine");
        assumeClassPathReadableBy("nobody");
        String uid = nobody.out().trim();
        // The output directory must be writable by the user (docs/PROBE.md, Privileges).
        Path out = Files.createDirectory(dir.resolve("out"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Path flows = Files.createDirectory(out.resolve("flows"));
        Files.setPosixFilePermissions(flows, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path findings = out.resolve("findings.json");
        Path capture = Files.copy(ProbeCommandTest.sample("lossy-mesh"), out.resolve("lossy-mesh.pcapng"));
        Files.setPosixFilePermissions(capture, PosixFilePermissions.fromString("rw-------")); // only root may read it: opened before the drop
        try (ProbeProcess p = ProbeProcess.start("-r", capture.toString(), "--flows", flows.toString(), "--findings", findings.toString(),
                "-Z", "nobody", "--metrics", "127.0.0.1:0", "--linger", "120s", "--status-interval", "0")) {
            int port = p.metricsPort();
            p.await("the capture analysed", Duration.ofSeconds(60), () -> {
                try {
                    return ProbeCommandTest.sum(ProbeCommandTest.scrape(port), "cellscope_packets_total") == 314;
                } catch (IOException | InterruptedException e) {
                    return false;
                }
            });
            String status = Files.readString(Path.of("/proc", Long.toString(p.pid()), "status"));
            Matcher m = Pattern.compile("(?m)^Uid:\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)").matcher(status);
            assertTrue(m.find(), status);
            for (int i = 1; i <= 4; i++) assertEquals(uid, m.group(i), "real, effective, saved and fs uid are nobody's: " + m.group());
            Matcher caps = Pattern.compile("(?m)^CapEff:\\s+(\\S+)").matcher(status);
            assertTrue(caps.find());
            assertEquals("0000000000000000", caps.group(1), "no capability left");
            // SIGTERM after the capture's end (the probe lingers): a stop in the middle of the end's release is another test's matter.
            p.await("the capture's end", Duration.ofSeconds(30), () -> {
                try {
                    return ProbeCommandTest.scrape(port).get("cellscope_active_flows") == 0.0;
                } catch (IOException | InterruptedException e) {
                    return false;
                }
            });
            Thread.sleep(300);
            p.signal("TERM");
            assertEquals(0, p.exit(Duration.ofSeconds(20)), p.stderr());
            assertTrue(p.stderr().contains("running as nobody"), p.stderr());
        }
        assertEquals(11, lines(findings), () -> "the findings were written by nobody: " + readQuietly(findings));
        assertEquals("nobody", Files.getOwner(findings).getName());
        List<Path> files = ProbeCommandTest.flowFiles(flows);
        assertEquals(1, files.size());
        assertEquals("nobody", Files.getOwner(files.get(0)).getName());
    }

    @Test
    @Timeout(60)
    void dashZWithADirectoryTheUserCannotWriteIsOneLine(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(root(), "-Z drops root: the test must run as root (CI does)");
        Path flows = Files.createDirectory(dir.resolve("flows")); // root's, 755
        Files.setPosixFilePermissions(flows, PosixFilePermissions.fromString("rwxr-xr-x"));
        Cli.Result r = Cli.run("probe", "-r", ProbeCommandTest.sample("lossy-mesh").toString(), "--flows", flows.toString(), "-Z", "nobody");
        assertEquals(1, r.exit(), r.err());
        assertEquals("cellscope: --flows " + flows + ": cannot write (as user nobody): Permission denied",
                Cli.errors(r).lines().filter(l -> !l.startsWith("cellscope: running as")).findFirst().orElse(""));
    }

    /** The findings file's error after -Z is worded as --flows' and --ring's (PROBE.md); it used to put "(as user …)" last. */
    @Test
    @Timeout(60)
    void dashZWithAFindingsFileTheUserCannotWriteIsWordedAsTheOthers(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(root(), "-Z drops root: the test must run as root (CI does)");
        assumeClassPathReadableBy("nobody"); // the findings file is opened after the switch, with classes loaded then
        Path parent = Files.createDirectory(dir.resolve("findings")); // root's, 755
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path findings = parent.resolve("f.jsonl");
        Cli.Result r = Cli.run("probe", "-r", ProbeCommandTest.sample("lossy-mesh").toString(), "--findings", findings.toString(), "-Z", "nobody");
        assertEquals(1, r.exit(), r.err());
        assertEquals("cellscope: --findings " + findings + ": cannot write (as user nobody): Permission denied",
                Cli.errors(r).lines().filter(l -> !l.startsWith("cellscope: running as")).findFirst().orElse(""));
    }

    @Test
    @Timeout(120)
    void badOptionsAreOneLineErrors(@TempDir Path dir) throws Exception {
        String sample = ProbeCommandTest.sample("lossy-mesh").toString();
        Path file = Files.writeString(dir.resolve("plain"), "x");
        record Case(int exit, String line, String... args) {}
        List<Case> cases = List.of(
                new Case(2, "cellscope: --flow-interval: 'soon' is not a duration (e.g. 10s, 500ms, 2m, 1h)", "--flow-interval", "soon"),
                new Case(2, "cellscope: --flow-interval: at least 1s, got 10ms", "--flow-interval", "10ms"),
                new Case(2, "cellscope: --metrics: 'localhost:99999' is not [HOST:]PORT (e.g. 127.0.0.1:9108)", "--metrics", "localhost:99999"),
                new Case(1, "cellscope: --flows " + dir.resolve("missing") + ": no such directory", "--flows", dir.resolve("missing").toString()),
                new Case(1, "cellscope: --flows " + file + ": is not a directory", "--flows", file.toString()),
                new Case(1, "cellscope: --cellids " + dir.resolve("missing") + ": cannot read: No such file or directory",
                        "--cellids", dir.resolve("missing").toString()),
                new Case(1, "cellscope: --findings " + dir + ": is a directory", "--findings", dir.toString()),
                new Case(2, "cellscope: --held-bytes: size '64XB': unknown unit 'XB' (use B, kB, MB, GB, KiB, MiB or GiB)", "--held-bytes", "64XB"),
                new Case(2, "cellscope: --held-bytes: size '-1': expected a whole number and an optional unit", "--held-bytes", "-1"),
                new Case(2, "cellscope: --findings " + sample + ": is the capture being read (-r " + sample + "); write to another file", "--findings", sample),
                new Case(1, "cellscope: -Z no-such-user-" + ProcessHandle.current().pid() + ": no such user 'no-such-user-" + ProcessHandle.current().pid() + "'",
                        "-Z", "no-such-user-" + ProcessHandle.current().pid()));
        for (Case c : cases) {
            String[] args = Stream.concat(Stream.of("probe", "-r", sample, "--status-interval", "0"), Stream.of(c.args())).toArray(String[]::new);
            Cli.Result r = Cli.run(args);
            assertEquals(c.exit(), r.exit(), String.join(" ", c.args()) + ": " + r.err());
            assertEquals(c.line() + "\n", Cli.errors(r), String.join(" ", c.args()));
        }
        // -Z's user is looked up before the capture opens, as tcpdump does (review: only after the interface was open).
        String nobody = "no-such-user-" + ProcessHandle.current().pid();
        Cli.Result z = Cli.run("probe", "-i", "nosuchif0", "-Z", nobody, "--status-interval", "0");
        assertEquals(1, z.exit(), z.err());
        assertEquals("cellscope: -Z " + nobody + ": no such user '" + nobody + "'\n", Cli.errors(z));
        // A port in use: the probe cannot serve metrics, and says so before reading anything.
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Cli.Result r = Cli.run("probe", "-r", sample, "--metrics", "127.0.0.1:" + taken.getLocalPort());
            assertEquals(1, r.exit(), r.err());
            assertEquals("cellscope: --metrics 127.0.0.1:" + taken.getLocalPort() + ": cannot listen: Address already in use\n", Cli.errors(r));
        }
    }

    /** --held-bytes takes sizes as --ring-size does (RingUnits); the old code took a plain long only and refused these. */
    @Test
    @Timeout(60)
    void heldBytesTakesUnitsAsRingSizeDoes() throws Exception {
        String sample = ProbeCommandTest.sample("lossy-mesh").toString();
        for (String size : List.of("256MiB", "64MB", "67108864")) {
            Cli.Result r = Cli.run("probe", "-r", sample, "--held-bytes", size, "--status-interval", "0");
            assertEquals(0, r.exit(), size + ": " + r.err());
        }
    }

    /** The live options' mistakes: one line each, exit 2 for usage, 1 for what cannot be done. */
    @Test
    @Timeout(180)
    void liveOptionErrorsAreOneLineErrors() throws Exception {
        String sample = ProbeCommandTest.sample("lossy-mesh").toString();
        record Case(int exit, String line, String... args) {}
        List<Case> cases = List.of(
                new Case(2, "cellscope: probe needs -i INTERFACE or -r FILE (cellscope probe -D lists the interfaces)"),
                new Case(2, "cellscope: -r and -i cannot be used together: analyse a file or capture live, not both", "-r", sample, "-i", "lo"),
                new Case(2, "cellscope: --ring writes what is captured live (with -i); to copy a file use cellscope read -r FILE -w OUT",
                        "-r", sample, "--ring", "/tmp/cellscope-ring-never"),
                new Case(2, "cellscope: --ring-size, --ring-duration, --ring-packets, --ring-files and --ring-fsync go with --ring DIR",
                        "-r", sample, "--ring-size", "10MB"),
                new Case(2, "cellscope: -f is a live-capture option (with -i INTERFACE); to select frames of a file use the display filter -Y",
                        "-r", sample, "-f", "ether proto 0x88b5"),
                new Case(2, "cellscope: --ring-size: size '10XB': unknown unit 'XB' (use B, kB, MB, GB, KiB, MiB or GiB)",
                        "-i", "lo", "--ring", "/tmp/cellscope-ring-never", "--ring-size", "10XB"),
                new Case(2, "cellscope: --ring-duration: ", "-i", "lo", "--ring", "/tmp/cellscope-ring-never", "--ring-duration", "soon"),
                new Case(2, "cellscope: -f: bad capture filter 'ether((': can't parse filter expression: syntax error", "-i", "lo", "-f", "ether(("),
                new Case(2, "cellscope: --backend: unknown capture backend 'nope' (known: ", "-i", "lo", "--backend", "nope"),
                new Case(1, "cellscope: nosuchif0: no such interface (here: ", "-i", "nosuchif0"));
        for (Case c : cases) {
            String[] args = Stream.concat(Stream.of("probe", "--status-interval", "0"), Stream.of(c.args())).toArray(String[]::new);
            Cli.Result r = Cli.run(args);
            assertEquals(c.exit(), r.exit(), String.join(" ", c.args()) + ": " + r.err());
            assertEquals(1, Cli.errors(r).lines().count(), "one line: " + r.err());
            assertTrue(Cli.errors(r).startsWith(c.line()), String.join(" ", c.args()) + ": " + r.err());
        }
        // A ring directory that cannot be made: said at once, after the interface opened (so as the -Z user), exit 1.
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "opening an interface needs root (CAP_NET_RAW)");
        Cli.Result r = Cli.run("probe", "-i", "lo", "--ring", "/dev/null/ring", "-c", "1", "--status-interval", "0");
        assertEquals(1, r.exit(), r.err());
        assertEquals("cellscope: capturing on 'lo' (backend afpacket)\ncellscope: --ring /dev/null/ring: cannot write: Not a directory\n", Cli.errors(r));
        // As the -Z user: the directory is made after the switch, so a root-only parent refuses it.
        assumeClassPathReadableBy("nobody");
        Path parent = Files.createTempDirectory("cellscope-ring-parent");
        try {
            r = Cli.run("probe", "-i", "lo", "--ring", parent.resolve("ring").toString(), "-Z", "nobody", "-c", "1", "--status-interval", "0");
            assertEquals(1, r.exit(), r.err());
            assertTrue(Cli.errors(r).endsWith("cellscope: --ring " + parent.resolve("ring") + ": cannot write (as user nobody): Permission denied\n"),
                    r.err());
        } finally {
            Files.deleteIfExists(parent);
        }
    }

    static String readQuietly(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
