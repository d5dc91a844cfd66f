package dev.cellscope.cli;

import dev.cellscope.samples.SyntheticCaptures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The read command end to end, in a child process: output, exit codes, errors without stack traces. */
class ReadCommandTest {
    @TempDir
    static Path dir;
    static Path capture;

    @BeforeAll
    static void generate() throws IOException {
        capture = dir.resolve("quickstart.pcapng");
        SyntheticCaptures.generate("quickstart", capture, 0, 1);
    }

    static void noStackTrace(Cli.Result r) {
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "stack trace reached the user:\n" + r.err());
    }

    @Test
    void summaryLinesOnePerFrame() throws Exception {
        Cli.Result r = Cli.run("read", "-r", capture.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().isEmpty() || r.err().matches("cellscope: BLAKE3: [^\n]*\n"), r.err());
        List<String> lines = r.lines();
        assertTrue(lines.size() > 30, "frames: " + lines.size());
        assertTrue(lines.get(0).matches("\\s+1\\s+0\\.000000 [0-9a-f]{8}… → [0-9a-f]{8}… UTCP 60 SEQ=1000 SYN"), lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.contains("UTCP-SBI") && l.contains("BLOCK_PUT") && l.contains("deflate")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.contains("Tether") && l.contains("GRANT=128 LAMP Hail")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.contains("legacy JSON peer") && l.endsWith("[error]")), r.out());
    }

    @Test
    void fieldsOutput() throws Exception {
        Cli.Result r = Cli.run("read", "-r", capture.toString(), "-T", "fields", "-e", "frame.number", "-e", "utcp.seq",
                "-e", "utcp.flags", "-e", "tether.sender", "-e", "sbi.op", "-c", "6");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("1\t1000\t0x0001\t\t", "2\t5000\t0x0001\t\t", "3\t1001\t0x0010\t\t1", "4\t5001\t0x0010\t\t1",
                "5\t1002\t0x0010\t\t16", "6\t5002\t0x0010\t\t17"), r.lines());
    }

    /**
     * A line longer than the writer's first buffer (128 characters: two CellIDs and two block hashes) comes out
     * whole: each column equals the same field read on its own (short lines), joined with tabs.
     */
    @Test
    void longFieldLinesAreWrittenWhole() throws Exception {
        Path sample = Path.of("../samples/captures/quickstart.pcapng");
        List<String> fields = List.of("frame.number", "utcp.src", "utcp.dst", "sbi.put.hash", "sbi.want.hash", "frame.protocols");
        List<String> args = new java.util.ArrayList<>(List.of("read", "-r", sample.toString(), "-T", "fields", "-c", "12"));
        for (String f : fields) args.addAll(List.of("-e", f));
        Cli.Result all = Cli.run(args.toArray(String[]::new));
        assertEquals(0, all.exit(), all.err());
        List<List<String>> columns = new java.util.ArrayList<>();
        for (String f : fields) {
            Cli.Result one = Cli.run("read", "-r", sample.toString(), "-T", "fields", "-c", "12", "-e", f);
            assertEquals(0, one.exit(), one.err());
            columns.add(List.of(one.out().split("\n", -1))); // -1: keeps the empty values of the last frames
        }
        assertTrue(all.lines().stream().anyMatch(l -> l.length() > 128), "no line longer than 128 characters: " + all.lines());
        for (int row = 0; row < all.lines().size(); row++) {
            int r = row;
            assertEquals(String.join("\t", columns.stream().map(c -> c.get(r)).toList()), all.lines().get(row), "frame " + (row + 1));
        }
        assertEquals(12, all.lines().size());
    }

    /**
     * A field named in several -e columns fills each of them: each column equals the field read on its own.
     * tshark 4.0 (Debian 12's) fills only the last of the repeated columns and leaves the others empty, a
     * side effect of its field-to-column table that nobody asking twice wants (docs/DECISIONS.md); where it
     * fills a column, its value is ours.
     */
    @Test
    void aFieldRepeatedInSeveralColumnsFillsEachOfThem() throws Exception {
        Path sample = Path.of("../samples/captures/quickstart.pcapng");
        Cli.Result r = Cli.run("read", "-r", sample.toString(), "-T", "fields", "-E", "header=y",
                "-e", "utcp.seq", "-e", "frame.number", "-e", "utcp.seq");
        assertEquals(0, r.exit(), r.err());
        Cli.Result seq = Cli.run("read", "-r", sample.toString(), "-T", "fields", "-e", "utcp.seq");
        Cli.Result number = Cli.run("read", "-r", sample.toString(), "-T", "fields", "-e", "frame.number");
        assertEquals("utcp.seq\tframe.number\tutcp.seq", r.lines().get(0));
        List<String> rows = r.lines().subList(1, r.lines().size());
        assertEquals(seq.lines().size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            String s = seq.lines().get(i);
            assertEquals(s + "\t" + number.lines().get(i) + "\t" + s, rows.get(i), "frame " + (i + 1));
        }
        assertTrue(seq.lines().stream().anyMatch(l -> !l.isEmpty()), "the sample has UTCP frames");

        String[] frameFields = {"-e", "frame.len", "-e", "frame.number", "-e", "frame.len"};
        Cli.Result tshark = Cli.tool(concat(new String[] {"tshark", "-r", sample.toString(), "-T", "fields"}, frameFields));
        Assumptions.assumeTrue(tshark != null, "tshark not found (Debian package tshark): the independent reader");
        Cli.Result ours = Cli.run(concat(new String[] {"read", "-r", sample.toString(), "-T", "fields"}, frameFields));
        assertEquals(tshark.lines().size(), ours.lines().size());
        for (int i = 0; i < ours.lines().size(); i++) {
            String[] t = tshark.lines().get(i).split("\t", -1), o = ours.lines().get(i).split("\t", -1);
            assertEquals(3, o.length);
            assertEquals(o[0], o[2], "frame " + (i + 1) + ": both frame.len columns");
            for (int c = 0; c < 3; c++) {
                if (!t[c].isEmpty()) assertEquals(t[c], o[c], "frame " + (i + 1) + " column " + (c + 1) + " against tshark");
            }
            assertFalse(o[0].isEmpty(), "frame " + (i + 1) + ": every frame has a length");
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /**
     * Every -E option reads as tshark reads it (tshark 4.0 as the oracle): which occurrences (f, l, a), what
     * joins them (aggregator), quotes around non-empty values, a byte order mark, a header. The either-direction
     * fields give every row two occurrences to choose from.
     */
    @Test
    void fieldOptionsFollowTshark() throws Exception {
        Assumptions.assumeTrue(Cli.tool("tshark", "-v") != null, "tshark not found (Debian package tshark): the independent reader");
        String sample = "../samples/captures/mixed-wire.pcapng";
        String[] fields = {"-e", "frame.number", "-e", "ip.addr", "-e", "eth.addr", "-e", "udp.port"};
        List<List<String>> optionSets = List.of(List.of("occurrence=f"), List.of("occurrence=l"), List.of("occurrence=a"),
                List.of("aggregator=;"), List.of("aggregator=/s"), List.of("occurrence=f", "aggregator=;"), List.of("quote=d"),
                List.of("quote=s", "header=y"), List.of("quote=n"), List.of("bom=y", "header=y", "separator=,"));
        for (List<String> options : optionSets) {
            List<String> e = new java.util.ArrayList<>();
            for (String o : options) e.addAll(List.of("-E", o));
            String[] tail = concat(fields, e.toArray(String[]::new));
            Cli.Result tshark = Cli.tool(concat(new String[] {"tshark", "-r", sample, "-T", "fields"}, tail));
            Cli.Result ours = Cli.run(concat(new String[] {"read", "-r", sample, "-T", "fields"}, tail));
            assertEquals(0, ours.exit(), options + ": " + ours.err());
            assertTrue(tshark.lines().size() > 100, options + ": tshark: " + tshark.err());
            assertEquals(tshark.out(), ours.out(), options.toString());
        }
    }

    @Test
    void badFieldOptionsAreUsageErrors() throws Exception {
        for (String bad : List.of("occurrence=x", "quote=q", "aggregator=ab", "colour=y")) {
            Cli.Result r = Cli.run("read", "-r", capture.toString(), "-T", "fields", "-e", "frame.number", "-E", bad);
            assertEquals(2, r.exit(), bad + ": " + r.err());
            assertTrue(r.err().startsWith("cellscope: -E"), bad + ": " + r.err());
            noStackTrace(r);
        }
        // The spelling of before (occurrence=C, the character between occurrences) is still read so.
        Cli.Result legacy = Cli.run("read", "-r", "../samples/captures/mixed-wire.pcapng", "-T", "fields", "-e", "ip.addr",
                "-E", "occurrence=;", "-c", "1");
        assertEquals(List.of("192.168.1.5;192.168.1.1"), legacy.lines());
    }

    @Test
    void fieldsHeaderAndSeparator() throws Exception {
        Cli.Result r = Cli.run("read", "-r", capture.toString(), "-T", "fields", "-e", "frame.number", "-e", "frame.len",
                "-E", "header=y", "-E", "separator=,", "-c", "1");
        assertEquals(List.of("frame.number,frame.len", "1,60"), r.lines());
    }

    @Test
    void verboseTreeAndHex() throws Exception {
        Cli.Result r = Cli.run("read", "-r", capture.toString(), "-V", "-x", "-c", "3");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Frame 3: 135 bytes on wire (1080 bits), 135 bytes captured (1080 bits)\n"), r.out());
        assertTrue(r.out().contains("\nUnikernel Transport Control Protocol, Src: 7eb397dda09a938a41ec30cdcfc1cf15, "
                + "Dst: fed93f8caa4770aa03473070e5a39bf3, Seq: 1001, Flags: 0x0010 (DATA), Len: 81\n"), r.out());
        assertTrue(r.out().contains("\n    Payload length: 81\n"), r.out());
        assertTrue(r.out().contains("    Sequence number: 1001"), r.out());
        assertTrue(r.out().contains(".... .... ...1 .... = DATA: Set"), r.out());
        assertTrue(r.out().contains("UTCP-SBI: HANDSHAKE, frame_len 76"), r.out());
        assertTrue(r.out().contains("0000  02 00 00 00 0b 0b 02 00  00 00 0a 11 88 b5"), r.out());
    }

    @Test
    void jsonIsValidJsonForAnIndependentParser() throws Exception {
        Path json = dir.resolve("out.json");
        Cli.Result r = Cli.run("read", "-r", capture.toString(), "-T", "json");
        assertEquals(0, r.exit(), r.err());
        Files.writeString(json, r.out());
        Cli.Result py = Cli.tool("python3", "-c", "import json,sys; d=json.load(open(sys.argv[1])); "
                + "print(len(d)); print(d[2]['_source']['layers']['utcp']['utcp.seq'])", json.toString());
        Assumptions.assumeTrue(py != null, "python3 not installed: cannot validate JSON independently");
        assertEquals(0, py.exit(), py.err());
        assertEquals(List.of(Integer.toString(Cli.run("read", "-r", capture.toString()).lines().size()), "1001"), py.lines());
    }

    @Test
    void writesPcapngThatTsharkReads() throws Exception {
        Path out = dir.resolve("copy.pcapng");
        Cli.Result r = Cli.run("read", "-r", capture.toString(), "-c", "10", "-w", out.toString(), "-T", "fields", "-e", "frame.number");
        assertEquals(0, r.exit(), r.err());
        Cli.Result t = Cli.tool("tshark", "-r", out.toString(), "-T", "fields", "-e", "frame.comment");
        Assumptions.assumeTrue(t != null, "tshark not installed: ./run-tests installs it");
        assertEquals(0, t.exit(), t.err());
        assertEquals(10, t.lines().size());
        assertEquals("Alice opens UTCP towards Bob (initial seq 1000)", t.lines().getFirst());
    }

    /**
     * As tshark: writing a file prints no summary lines unless -P; -V, -x and -T fields, asked for explicitly, still print
     * (review: {@code read -r F -w OUT} printed every frame's summary, {@code tshark -r F -w OUT} prints nothing).
     */
    @Test
    void writingAFilePrintsSummariesOnlyWithDashP() throws Exception {
        Path out = dir.resolve("quiet-copy.pcapng");
        Cli.Result plain = Cli.run("read", "-r", capture.toString(), "-w", out.toString());
        assertEquals(0, plain.exit(), plain.err());
        assertEquals("", plain.out());
        Cli.Result summary = Cli.run("read", "-r", capture.toString());
        Cli.Result withP = Cli.run("read", "-r", capture.toString(), "-w", out.toString(), "-P");
        assertEquals(summary.out(), withP.out());
        Cli.Result tree = Cli.run("read", "-r", capture.toString(), "-c", "2", "-V");
        assertEquals(tree.out(), Cli.run("read", "-r", capture.toString(), "-c", "2", "-V", "-w", out.toString()).out());
        Cli.Result tshark = Cli.tool("tshark", "-r", capture.toString(), "-w", dir.resolve("tshark-copy.pcapng").toString());
        if (tshark != null) assertEquals("", tshark.out(), "tshark -w prints nothing either");
    }

    @Test
    void unknownFieldSuggestsTheRightOne() throws Exception {
        Cli.Result r = Cli.run("read", "-r", capture.toString(), "-T", "fields", "-e", "utcp.sq");
        assertEquals(2, r.exit());
        assertEquals("cellscope: unknown field 'utcp.sq'; did you mean 'utcp.seq'? (cellscope fields lists them all)\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void missingAndGarbageFiles() throws Exception {
        Cli.Result missing = Cli.run("read", "-r", dir.resolve("nope.pcap").toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.err().endsWith("nope.pcap: no such file\n"), missing.err());
        Path garbage = dir.resolve("garbage.pcap");
        Files.writeString(garbage, "{\"this\": \"is not a capture\"}");
        Cli.Result g = Cli.run("read", "-r", garbage.toString());
        assertEquals(1, g.exit());
        assertTrue(g.err().contains("not a pcap or pcapng file"), g.err());
        noStackTrace(g);
    }

    @Test
    void truncatedFileKeepsWhatCameBeforeTheDamage() throws Exception {
        byte[] all = Files.readAllBytes(capture);
        Path cut = dir.resolve("cut.pcapng");
        Files.write(cut, Arrays.copyOf(all, all.length - 50));
        Cli.Result full = Cli.run("read", "-r", capture.toString());
        Cli.Result r = Cli.run("read", "-r", cut.toString());
        assertEquals(1, r.exit());
        assertEquals(full.lines().size() - 1, r.lines().size());
        assertTrue(r.err().matches("(?s).*cut\\.pcapng: block at offset \\d+ claims \\d+ bytes but only \\d+ remain; .*"), r.err());
        assertTrue(r.err().contains((full.lines().size() - 1) + " frames were read before it"), r.err());
        noStackTrace(r);
    }

    @Test
    void usageErrors() throws Exception {
        Cli.Result noE = Cli.run("read", "-r", capture.toString(), "-T", "fields");
        assertEquals(2, noE.exit());
        assertEquals("cellscope: -T fields needs at least one -e FIELD\n", noE.err());
        Cli.Result badT = Cli.run("read", "-r", capture.toString(), "-T", "xml");
        assertEquals(2, badT.exit());
        noStackTrace(badT);
        Cli.Result badD = Cli.run("read", "-r", capture.toString(), "-d", "udp.port==99999");
        assertEquals(2, badD.exit());
        assertEquals("cellscope: -d: '99999' is not a UDP port (1-65535)\n", badD.err());
    }

    /**
     * {@code -d} adds a port, as tshark's decode-as does: mixed-wire's 28 datagrams to 34997 are UTCP with or without
     * {@code -d udp.port==53} (a review found -d replacing the default port, so they became plain UDP).
     */
    @Test
    void decodeAsAddsAPortToTheDefaultOne() throws Exception {
        for (String[] extra : new String[][] {{}, {"-d", "udp.port==53"}}) {
            List<String> args = new java.util.ArrayList<>(List.of("read", "-r", "../samples/captures/mixed-wire.pcapng",
                    "-Y", "udp.dstport == 34997", "-T", "fields", "-e", "frame.protocols"));
            args.addAll(List.of(extra));
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            assertEquals(0, r.exit(), r.err());
            assertEquals(28, r.lines().size(), r.out());
            assertTrue(r.lines().stream().allMatch(l -> l.startsWith("eth:ip:udp:utcp")), args + ": " + r.out());
        }
    }

    /** The other commands that take {@code -d} refuse a bad one the same way: one line, exit 2, nothing written. */
    @Test
    void everyCommandRefusesABadDecodeAs(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String cap = capture.toString();
        List<List<String>> commands = List.of(
                List.of("stats", "-r", cap, "--flows", dir.resolve("f.csv").toString()),
                List.of("plot", "-r", cap, "--kind", "io", "-o", dir.resolve("p.png").toString()),
                List.of("probe", "-r", cap),
                List.of("replay", "-r", cap, "-w", dir.resolve("w.pcapng").toString()));
        for (List<String> command : commands) {
            for (String[] bad : new String[][]{{"udp.port==0", "cellscope: -d: '0' is not a UDP port (1-65535)\n"},
                    {"tcp.port==1", "cellscope: -d takes udp.port==N, got 'tcp.port==1'\n"}}) {
                List<String> args = new java.util.ArrayList<>(command);
                args.addAll(List.of("-d", bad[0]));
                Cli.Result r = Cli.run(args.toArray(String[]::new));
                assertEquals(2, r.exit(), args + ": " + r.err());
                assertEquals(bad[1], r.err(), args.toString());
            }
        }
        try (var left = java.nio.file.Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "nothing written");
        }
    }
}
