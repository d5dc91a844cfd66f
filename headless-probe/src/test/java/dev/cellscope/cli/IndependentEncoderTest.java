package dev.cellscope.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code cellscope read} against an encoder written apart from cellscope, from PROTOCOLS.md alone
 * ({@code src/test/python/independent_encoder.py}): randomised frames of every UTCP packet type, every Tether header
 * field and control message, every UTCP-SBI op (real zstd and zlib blocks, real BLAKE3 hashes from b3sum), over raw
 * Ethernet (with VLAN tags) and UDP over IPv4 and IPv6, with the truth of every field of every frame. Every field the
 * truth fixes must read the same, in one pass and with -2; a valid frame must carry no warning or error finding, and
 * each deliberately invalid one exactly the finding docs/EXPERTS.md names, with no warning or error at the capture's
 * end. A fixed seed and two random ones (printed in every failure, to replay with {@code --seed}).
 */
class IndependentEncoderTest {
    private static final Path ENCODER = PythonOracles.script("independent_encoder.py");

    @TempDir
    Path dir;

    @BeforeAll
    static void tools() {
        PythonOracles.assumeRunnable("independent encoder", "b3sum", "zstd");
    }

    static Stream<Long> seeds() {
        SecureRandom r = new SecureRandom();
        return Stream.concat(Stream.of(1L), LongStream.generate(() -> r.nextInt(1 << 30)).limit(2).boxed());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyFieldOfEveryFrameIsTheEncodersTruth(long seed) throws Exception {
        Path out = dir.resolve("seed-" + seed);
        Process p = new ProcessBuilder(PythonOracles.PYTHON, ENCODER.toString(), "--seed", Long.toString(seed), "--out",
                out.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "encoder did not finish");
        assertEquals(0, p.exitValue(), "encoder failed, seed " + seed + ":\n" + log);
        String capture = out.resolve("capture.pcapng").toString();
        Map<Integer, Set<String>> dontCare = dontCare(out.resolve("dontcare.tsv"));
        List<String> problems = new ArrayList<>();
        compare(seed, capture, out.resolve("fields.txt"), out.resolve("expected.tsv"), false, dontCare, problems);
        compare(seed, capture, out.resolve("fields2.txt"), out.resolve("expected2.tsv"), true, dontCare, problems);
        findings(seed, capture, out.resolve("findings.tsv"), problems);
        if (!problems.isEmpty())
            fail(problems.size() + " disagreements with the independent encoder (seed " + seed + ", replay: python3 "
                    + ENCODER + " --seed " + seed + " --out DIR):\n" + String.join("\n", problems.subList(0,
                    Math.min(60, problems.size()))));
    }

    private static void compare(long seed, String capture, Path fieldsFile, Path expectedFile, boolean twoPass,
                                Map<Integer, Set<String>> dontCare, List<String> problems) throws Exception {
        List<String> fields = Files.readAllLines(fieldsFile).stream().filter(s -> !s.isBlank()).toList();
        List<String> args = new ArrayList<>(List.of("read", "-r", capture, "-T", "fields", "-E", "header=y"));
        if (twoPass) args.add("-2");
        for (String f : fields) args.addAll(List.of("-e", f));
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), "seed " + seed + ": " + r.err());
        assertEquals("", Cli.errors(r), "seed " + seed);
        List<String> got = r.lines(), want = Files.readAllLines(expectedFile);
        assertEquals(want.get(0), got.get(0), "header");
        assertEquals(want.size(), got.size(), "seed " + seed + ": frames");
        String pass = twoPass ? " (-2)" : "";
        for (int n = 1; n < want.size(); n++) {
            String[] w = want.get(n).split("\t", -1), g = got.get(n).split("\t", -1);
            assertEquals(fields.size(), g.length, "columns of frame " + n);
            for (int i = 0; i < fields.size(); i++) {
                if (w[i].equals(g[i]) || dontCare.getOrDefault(n, Set.of()).contains(fields.get(i))) continue;
                problems.add("frame " + n + pass + " " + fields.get(i) + ": expected '" + cut(w[i]) + "', cellscope '"
                        + cut(g[i]) + "'");
            }
        }
    }

    /** Per frame, the warn and error findings (by expert.id) must be exactly the truth's; the capture's end adds none. */
    private static void findings(long seed, String capture, Path findingsFile, List<String> problems) throws Exception {
        Map<Integer, List<String>> want = new TreeMap<>();
        for (String line : Files.readAllLines(findingsFile)) {
            String[] p = line.split("\t", -1);
            want.put(Integer.parseInt(p[0]), sorted(p[1].isEmpty() ? List.of() : Arrays.asList(p[1].split(","))));
        }
        Cli.Result r = Cli.run("read", "-r", capture, "-T", "fields", "-e", "frame.number", "-e", "expert.id", "-e",
                "expert.severity");
        assertEquals(0, r.exit(), "seed " + seed + ": " + r.err());
        for (String line : r.lines()) {
            String[] p = line.split("\t", -1);
            int n = Integer.parseInt(p[0]);
            List<String> ids = p[1].isEmpty() ? List.of() : Arrays.asList(p[1].split(","));
            List<String> sev = p[2].isEmpty() ? List.of() : Arrays.asList(p[2].split(","));
            List<String> got = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++)
                if (sev.get(i).equals("warn") || sev.get(i).equals("error")) got.add(ids.get(i));
            if (!sorted(got).equals(want.getOrDefault(n, List.of())))
                problems.add("frame " + n + " findings: expected " + want.getOrDefault(n, List.of()) + ", cellscope "
                        + sorted(got) + " (all: " + p[1] + ")");
        }
        Cli.Result z = Cli.run("read", "-r", capture, "-q", "-z", "expert");
        assertEquals(0, z.exit(), "seed " + seed + ": " + z.err());
        for (String line : z.lines())
            if (line.matches("\\s+capture\\s+(warn|error)\\s.*")) problems.add("end of capture: " + line.strip());
    }

    private static Map<Integer, Set<String>> dontCare(Path f) throws IOException {
        Map<Integer, Set<String>> m = new HashMap<>();
        for (String line : Files.readAllLines(f)) {
            String[] p = line.split("\t");
            m.computeIfAbsent(Integer.parseInt(p[0]), k -> new HashSet<>()).add(p[1]);
        }
        return m;
    }

    private static List<String> sorted(List<String> l) {
        return l.stream().sorted().toList();
    }

    private static String cut(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }

}
