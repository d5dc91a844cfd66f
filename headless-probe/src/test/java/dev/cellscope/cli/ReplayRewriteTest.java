package dev.cellscope.cli;

import dev.cellscope.io.CaptureReader;
import dev.cellscope.io.Packet;
import dev.cellscope.live.testing.VethPair;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code replay -w OUT --map FILE}: addresses rewritten where the protocols keep them, checksums
 * recomputed. Checked with tshark's own IPv4/UDP checksum validation, with {@code cellscope read}'s
 * Tether CRC status and expert table, and byte by byte against the original.
 */
class ReplayRewriteTest {
    static final Path CAPTURES = Path.of("..", "samples", "captures").toAbsolutePath().normalize();
    static final String ALICE_CELL = "a74aaa1fe85b0f9170c12ec1e28325b7", NEW_CELL = "00112233445566778899aabbccddeeff";
    static final String MAP = """
            # alice moves; bob's IP and the DNS client's port too
            mac    02:00:00:00:0a:11  02:00:00:00:aa:11
            cellid %s  %s
            tether ac:1d:b3:0d:30:2f  ac:1d:00:00:00:01
            ip     10.0.0.2           172.16.0.2
            port   40000              41000
            """.formatted(ALICE_CELL, NEW_CELL);

    @TempDir
    Path dir;

    static List<byte[]> frames(Path capture) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(capture)) {
            for (Packet p; (p = r.next()) != null; ) out.add(p.data().toArray(ValueLayout.JAVA_BYTE));
        }
        return out;
    }

    Path rewrite(String sample, String... extra) throws Exception {
        Path map = Files.writeString(dir.resolve("map.txt"), MAP);
        Path out = dir.resolve(sample + ".rewritten.pcapng");
        List<String> args = new ArrayList<>(List.of("replay", "-r", CAPTURES.resolve(sample + ".pcapng").toString(), "--map", map.toString(), "-w", out.toString()));
        args.addAll(List.of(extra));
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        return out;
    }

    static List<String> tshark(String... args) throws Exception {
        Assumptions.assumeTrue(VethPair.which("tshark") != null, "'tshark' not found (Debian package tshark)");
        List<String> cmd = new ArrayList<>(List.of("tshark"));
        cmd.addAll(List.of(args));
        VethPair.Result r = VethPair.run(cmd.toArray(String[]::new));
        assertEquals(0, r.exit(), r.output());
        return r.output().lines().filter(l -> !l.startsWith("Running as user")).toList();
    }

    @Test
    void ipAndUdpChecksumsStayGoodForTshark() throws Exception {
        Path out = rewrite("mixed-wire");
        String[] check = {"-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"};
        List<String> bad = tshark(concat(new String[]{"-r", out.toString()}, check, "-Y", "ip.checksum.status == \"Bad\" || udp.checksum.status == \"Bad\""));
        assertEquals(List.of(), bad);
        // the rewritten datagrams are there and their checksums were checked (not absent)
        List<String> moved = tshark(concat(new String[]{"-r", out.toString()}, check, "-Y",
                "ip.src == 172.16.0.2 && ip.checksum.status == \"Good\" && udp.checksum.status == \"Good\""));
        assertEquals(8, moved.size(), String.join("\n", moved));
        List<String> port = tshark("-r", out.toString(), "-Y", "udp.srcport == 41000");
        assertEquals(1, port.size());
        assertEquals(List.of(), tshark("-r", out.toString(), "-Y", "ip.addr == 10.0.0.2 || udp.port == 40000 || eth.addr == 02:00:00:00:0a:11"));
    }

    @Test
    void onlyTheMappedBytesChange() throws Exception {
        Path out = rewrite("mixed-wire");
        List<byte[]> before = frames(CAPTURES.resolve("mixed-wire.pcapng")), after = frames(out);
        assertEquals(before.size(), after.size());
        byte[] oldMac = HexFormat.of().parseHex("02000000 0a11".replace(" ", "")), newMac = HexFormat.of().parseHex("020000 00aa11".replace(" ", ""));
        byte[] oldCell = HexFormat.of().parseHex(ALICE_CELL), newCell = HexFormat.of().parseHex(NEW_CELL);
        int utcpFromAlice = 0;
        for (int i = 0; i < before.size(); i++) {
            byte[] b = before.get(i), a = after.get(i);
            assertEquals(b.length, a.length, "frame " + (i + 1));
            boolean aliceSends = java.util.Arrays.equals(b, 6, 12, oldMac, 0, 6);
            int off = 12, type = (b[off] & 0xFF) << 8 | b[off + 1] & 0xFF;
            while (type == 0x8100) { // alice's node sits on a VLAN in this sample
                off += 4;
                type = (b[off] & 0xFF) << 8 | b[off + 1] & 0xFF;
            }
            int utcp = off + 2;
            if (aliceSends && type == 0x88B5 && b[utcp] != 0x4C) {
                utcpFromAlice++;
                assertArrayEquals(newMac, java.util.Arrays.copyOfRange(a, 6, 12));
                assertArrayEquals(java.util.Arrays.copyOfRange(b, 12, utcp), java.util.Arrays.copyOfRange(a, 12, utcp), "tags and EtherType");
                assertArrayEquals(newCell, java.util.Arrays.copyOfRange(a, utcp, utcp + 16), "UTCP src CellID of frame " + (i + 1));
                // everything after the two CellIDs is as captured (the payload is never touched)
                assertArrayEquals(java.util.Arrays.copyOfRange(b, utcp + 32, b.length), java.util.Arrays.copyOfRange(a, utcp + 32, a.length));
            }
            boolean mapped = aliceSends || java.util.Arrays.equals(b, 0, 6, oldMac, 0, 6) || type != 0x88B5;
            if (!mapped && !containsCell(b, oldCell)) assertArrayEquals(b, a, "frame " + (i + 1) + " has nothing to rewrite");
        }
        assertTrue(utcpFromAlice > 10, "alice's UTCP frames: " + utcpFromAlice);
    }

    private static boolean containsCell(byte[] b, byte[] cell) {
        for (int i = 0; i + cell.length <= b.length; i++) if (java.util.Arrays.equals(b, i, i + cell.length, cell, 0, cell.length)) return true;
        return false;
    }

    @Test
    void tetherIdentitiesWithTheirCrcRecomputed() throws Exception {
        Path out = rewrite("tether-overrun");
        Cli.Result r = Cli.run("read", "-r", out.toString(), "-T", "fields", "-e", "tether.sender", "-e", "tether.checksum.status");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.lines();
        assertEquals(frames(CAPTURES.resolve("tether-overrun.pcapng")).size(), lines.size());
        assertTrue(lines.stream().allMatch(l -> l.endsWith("\tgood")), "every Tether CRC good: " + lines.stream().filter(l -> !l.endsWith("good")).toList());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("ac:1d:00:00:00:01\t")), "alice's frames carry the new identity");
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("ac:1d:b3:0d:30:2f\t")), "no frame carries the old one");
        Cli.Result experts = Cli.run("read", "-r", out.toString(), "-q", "-z", "expert");
        assertTrue(experts.out().lines().noneMatch(l -> l.toLowerCase().contains("crc") || l.toLowerCase().contains("bad checksum")), experts.out());
    }

    @Test
    void aCellIdInsideAnSbiMessageIsReportedNotRewritten() throws Exception {
        Path map = Files.writeString(dir.resolve("map.txt"), MAP);
        Path out = dir.resolve("out.pcapng");
        Cli.Result r = Cli.run("replay", "-r", CAPTURES.resolve("mixed-wire.pcapng").toString(), "--map", map.toString(), "-w", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("frame 6: CellID " + ALICE_CELL + " also sits in the UTCP payload"), r.err());
        // and the payload still holds it: nothing inside an SBI message was changed
        assertTrue(containsCell(frames(out).get(5), HexFormat.of().parseHex(ALICE_CELL)));
    }

    @Test
    void mapErrorsNameTheLine() throws Exception {
        String sample = CAPTURES.resolve("mixed-wire.pcapng").toString();
        Path out = dir.resolve("x.pcapng");
        Object[][] cases = {
                {"mac 02:00:00:00:0a:11 02:00:00:00:0a:12\nfoo 1 2\n", ":2: unknown kind 'foo'"},
                {"ip 10.0.0.1 10.0.0.9\nip 10.0.0.2 10.0.0.9\n", ":2: two ip values map to 10.0.0.9 (the map must be one-to-one)"},
                {"cellid 1234 00112233445566778899aabbccddeeff\n", ":1: not a CellID (32 hex digits, ':' or '-' between them allowed): '1234'"},
                // line 1 is read (a CellID may be grouped with ':' or '-'), line 2 is the error
                {"cellid a7:4a:aa:1f:e8:5b:0f:91:70:c1:2e:c1:e2:83:25:b7 00112233-44556677-8899aabb-ccddeeff\ncellid 12 34\n", ":2: not a CellID (32 hex digits, ':' or '-' between them allowed): '12'"},
                {"port 53 53 53\n", ":1: expected KIND OLD NEW"},
                {"# nothing\n", "the map rewrites nothing"},
        };
        for (Object[] c : cases) {
            Path map = Files.writeString(dir.resolve("bad.map"), (String) c[0]);
            Cli.Result r = Cli.run("replay", "-r", sample, "--map", map.toString(), "-w", out.toString());
            assertEquals(2, r.exit(), r.err());
            assertTrue(r.err().startsWith("cellscope: --map") && r.err().contains((String) c[1]), r.err());
            assertTrue(!Files.exists(out), "nothing written on a map error");
        }
        Cli.Result missing = Cli.run("replay", "-r", sample, "--map", dir.resolve("none.map").toString(), "-w", out.toString());
        assertEquals(2, missing.exit(), missing.err());
        assertTrue(missing.err().contains("none.map: cannot be read (no such file)"), missing.err());
        Cli.Result zero = Cli.run("replay", "-r", sample, "--map", "/dev/zero", "-w", out.toString());
        assertEquals(2, zero.exit(), zero.err());
        assertTrue(zero.err().contains("/dev/zero: larger than 1 MiB: not an address map"), zero.err());
        Cli.Result both = Cli.run("replay", "-r", sample, "-i", "lo", "-w", out.toString());
        assertEquals(2, both.exit());
        assertTrue(both.err().contains("-i and -w cannot be used together"), both.err());
        Cli.Result paced = Cli.run("replay", "-r", sample, "-w", out.toString(), "--pps", "10");
        assertEquals(2, paced.exit());
        assertTrue(paced.err().contains("are for sending"), paced.err());
    }

    private static String[] concat(String[] a, String[] b, String... c) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        all.addAll(List.of(c));
        return all.toArray(String[]::new);
    }
}
