package dev.cellscope.cli;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every output of every committed sample, byte for byte, against outputs recorded before the
 * pipeline re-cut (issue 10): the summary lines, the detail tree, hex, many fields, JSON, every
 * {@code -z} table, two passes, the flow CSV and the plots as SVG. A change of behaviour shows
 * here as the first differing line; an intended change is recorded again with
 * {@code -Dgolden.update=true} (then review {@code git diff --stat} and the lines that moved).
 *
 * <p>The recordings were reviewed when made: their counts and findings agree with the samples'
 * ground-truth files, which the scenario tests check independently of this code.
 */
class GoldenOutputsTest {
    private static final Path SAMPLES = Path.of("..", "samples", "captures").toAbsolutePath().normalize();
    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden").toAbsolutePath();
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");

    /** Fields named here, not taken from the registry, so that adding a field changes no recording. */
    private static final List<String> FIELDS = List.of(
            "frame.number", "frame.time", "frame.time_relative", "frame.time_delta", "frame.len", "frame.cap_len",
            "frame.interface_id", "frame.comment", "frame.protocols",
            "eth.dst", "eth.src", "eth.type", "eth.padding", "vlan.tpid", "vlan.pcp", "vlan.dei", "vlan.id", "vlan.etype",
            "ip.version", "ip.hdr_len", "ip.len", "ip.id", "ip.ttl", "ip.proto", "ip.checksum", "ip.src", "ip.dst",
            "ipv6.plen", "ipv6.nxt", "ipv6.hlim", "ipv6.src", "ipv6.dst",
            "udp.srcport", "udp.dstport", "udp.length", "udp.checksum",
            "utcp.src", "utcp.dst", "utcp.seq", "utcp.flags", "utcp.flags.syn", "utcp.flags.ack", "utcp.flags.fin",
            "utcp.flags.nack", "utcp.flags.data", "utcp.flags.reserved", "utcp.len", "utcp.nack.first", "utcp.nack.count",
            "utcp.stream", "utcp.analysis.retransmission", "utcp.analysis.duplicate", "utcp.analysis.out_of_order",
            "utcp.analysis.gap", "utcp.analysis.missing", "utcp.analysis.data_changed", "utcp.analysis.original_frame",
            "utcp.analysis.nack_frame", "utcp.analysis.retransmission_delay", "utcp.analysis.answered_in",
            "utcp.analysis.tap_loss",
            "tether.magic", "tether.flow", "tether.flags", "tether.flags.lamp", "tether.flags.sync", "tether.reserved",
            "tether.sender", "tether.target", "tether.tai64n.nano", "tether.slot", "tether.grant", "tether.nack_slot",
            "tether.checksum", "tether.checksum.status", "tether.tai64n.sec", "tether.tai64n", "tether.blocks",
            "tether.ctrl.tag", "tether.ctrl.reserved", "tether.hail.version", "tether.hail.capabilities",
            "tether.define.flow", "tether.define.slot_size", "tether.define.total_bytes", "tether.manifest.flow",
            "tether.manifest.checksum", "tether.manifest.total_slots", "tether.manifest.total_frames", "tether.nack.flow",
            "tether.nack.count", "tether.nack.slot", "tether.sideband.flow", "tether.sideband.attention",
            "tether.sideband.count", "tether.sideband.tranche", "tether.analysis.overrun", "tether.analysis.credit",
            "tether.analysis.spent", "tether.analysis.credit_after", "tether.analysis.resent", "tether.analysis.nack_frame",
            "tether.analysis.delay", "tether.analysis.manifest_match",
            "sbi.frame_len", "sbi.op", "sbi.msg_index", "sbi.preamble.magic", "sbi.preamble.version", "sbi.preamble.flags",
            "sbi.preamble.container_len", "sbi.schema", "sbi.schema.known", "sbi.handshake.peer_id",
            "sbi.handshake.capabilities", "sbi.handshake.capabilities.deflate", "sbi.handshake.capabilities.zstd",
            "sbi.handshake.capabilities.dedup", "sbi.handshake.capabilities.recompress", "sbi.handshake.required",
            "sbi.handshake.optional", "sbi.handshake.block_size", "sbi.handshake.version", "sbi.handshake.replica_count",
            "sbi.want.hash", "sbi.want.priority", "sbi.put.hash", "sbi.put.chunk_index", "sbi.put.comp_algo",
            "sbi.put.comp_level", "sbi.put.data_len", "sbi.put.verified", "sbi.dag.root", "sbi.dag.depth",
            "sbi.dag.node_count", "sbi.dag.node", "sbi.ack.ref_seq", "sbi.ack.status", "sbi.nack.ref_seq",
            "sbi.nack.error_code", "sbi.nack.error_len", "sbi.nack.error", "sbi.segment", "sbi.segment.count",
            "sbi.resync.skipped", "sbi.put.want_in", "sbi.put.latency", "sbi.put.uncompressed_len", "sbi.want.put_in",
            "sbi.handshake.intersection", "sbi.handshake.missing", "sbi.handshake.compression", "sbi.reassembled_in",
            "sbi.response_to", "sbi.response_in",
            "expert.severity", "expert.group", "expert.message");

    /** The commands recorded for each sample, by the name of their recording. */
    private static Map<String, List<String>> commands(Path capture, Path plotDir) {
        String r = capture.toString();
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("text", List.of("read", "-r", r));
        m.put("verbose", List.of("read", "-r", r, "-V"));
        m.put("hex", List.of("read", "-r", r, "-x", "-c", "40"));
        List<String> fields = new ArrayList<>(List.of("read", "-r", r, "-T", "fields", "-E", "header=y"));
        for (String f : FIELDS) fields.addAll(List.of("-e", f));
        m.put("fields", fields);
        List<String> twoPass = new ArrayList<>(fields);
        twoPass.add("-2");
        m.put("fields-2pass", twoPass);
        m.put("json", List.of("read", "-r", r, "-T", "json"));
        m.put("expert", List.of("read", "-r", r, "-q", "-z", "expert"));
        m.put("expert-2pass", List.of("read", "-r", r, "-2", "-q", "-z", "expert"));
        m.put("tables", List.of("read", "-r", r, "-q", "-z", "conv,utcp", "-z", "conv,tether", "-z", "endpoints,cellid",
                "-z", "sbi,ops", "-z", "io,stat,0.01,utcp.analysis.retransmission,tether"));
        m.put("follow", List.of("read", "-r", r, "-q", "-z", "follow,utcp,0"));
        m.put("filtered", List.of("read", "-r", r, "-Y",
                "utcp.analysis.retransmission || utcp.analysis.gap || tether.analysis.overrun || sbi.put.verified == 0 "
                        + "|| expert.severity >= \"warn\""));
        m.put("flows", List.of("stats", "-r", r, "--flows", "-"));
        for (String kind : List.of("nack", "io", "seq", "grant")) {
            m.put("plot-" + kind, List.of("plot", "-r", r, "--kind", kind, "-o", plotDir.resolve(kind + ".svg").toString()));
        }
        return m;
    }

    @TestFactory
    Stream<DynamicTest> everySampleOutputIsUnchanged() throws IOException {
        List<Path> captures;
        try (Stream<Path> s = Files.list(SAMPLES)) {
            captures = s.filter(p -> p.toString().endsWith(".pcapng")).sorted().toList();
        }
        assertTrue(captures.size() >= 10, "expected the committed samples in " + SAMPLES);
        Path plotDir = Files.createTempDirectory("golden-plots");
        List<DynamicTest> tests = new ArrayList<>();
        for (Path capture : captures) {
            String sample = capture.getFileName().toString().replace(".pcapng", "");
            for (var e : commands(Path.of("..", "samples", "captures", capture.getFileName().toString()), plotDir).entrySet()) {
                tests.add(DynamicTest.dynamicTest(sample + " " + e.getKey(), () -> check(sample, e.getKey(), e.getValue(), plotDir)));
            }
        }
        return tests.stream();
    }

    private static void check(String sample, String name, List<String> args, Path plotDir) throws IOException {
        byte[] actual = run(args, plotDir);
        Path golden = GOLDEN.resolve(sample).resolve(name + ".txt.gz");
        if (UPDATE) {
            Files.createDirectories(golden.getParent());
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(golden))) {
                out.write(actual);
            }
            return;
        }
        if (!Files.exists(golden)) fail("no recording " + golden + " (record with -Dgolden.update=true)");
        byte[] expected;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(golden))) {
            expected = in.readAllBytes();
        }
        if (!java.util.Arrays.equals(expected, actual)) {
            Path dump = Path.of("target", "golden-actual", sample, name + ".txt");
            Files.createDirectories(dump.getParent());
            Files.write(dump, actual);
            fail("cellscope " + String.join(" ", args) + " changed; " + firstDifference(expected, actual)
                    + "; whole output in " + dump.toAbsolutePath());
        }
    }

    /** Runs the command in this JVM; the recording holds exit code, standard output, standard error and any plot file. */
    private static byte[] run(List<String> args, Path plotDir) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        PrintStream realErr = System.err;
        int exit;
        synchronized (GoldenOutputsTest.class) {
            Console.redirect(out);
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            try {
                exit = Main.run(args.toArray(String[]::new));
            } finally {
                System.setErr(realErr);
                Console.redirect(null);
            }
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(("exit " + exit + "\n--- stdout\n").getBytes(StandardCharsets.UTF_8));
        all.writeBytes(out.toByteArray());
        all.writeBytes("--- stderr\n".getBytes(StandardCharsets.UTF_8));
        all.writeBytes(err.toString(StandardCharsets.UTF_8).replace(plotDir.toString(), "PLOTS").getBytes(StandardCharsets.UTF_8));
        if (args.getFirst().equals("plot")) {
            Path svg = Path.of(args.getLast());
            all.writeBytes("--- svg\n".getBytes(StandardCharsets.UTF_8));
            if (Files.exists(svg)) {
                // jfreesvg prefixes clip ids with a clock reading: the only part that differs run to run.
                String text = Files.readString(svg, StandardCharsets.UTF_8).replaceAll("_[0-9]+clip-", "_clip-");
                all.writeBytes(text.getBytes(StandardCharsets.UTF_8));
                Files.delete(svg);
            }
        }
        return all.toByteArray();
    }

    private static String firstDifference(byte[] expected, byte[] actual) {
        String[] e = new String(expected, StandardCharsets.UTF_8).split("\n", -1);
        String[] a = new String(actual, StandardCharsets.UTF_8).split("\n", -1);
        for (int i = 0; i < Math.min(e.length, a.length); i++) {
            if (!e[i].equals(a[i])) {
                return "line " + (i + 1) + ":\n  expected: " + clip(e[i]) + "\n  actual:   " + clip(a[i]);
            }
        }
        return "expected " + e.length + " lines, got " + a.length;
    }

    private static String clip(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    static {
        // The plots' fonts and the SVG writer need no display.
        System.setProperty("java.awt.headless", "true");
        if (UPDATE) {
            try {
                Files.createDirectories(GOLDEN);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
