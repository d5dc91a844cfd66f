package dev.cellscope.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code replay --udp}: the datagrams a socket of the test receives are, byte for byte and in order, the
 * cell-protocol bytes tshark finds in the capture (the UDP payload on port 34997; the bytes after EtherType
 * 0x88B5, cut here to the UTCP or Tether length so the Ethernet padding stays out). tshark knows neither
 * protocol, so it is an oracle independent of the dissector the replay uses.
 */
class ReplayUdpTest {
    static final Path MIXED = Path.of("..", "samples", "captures", "mixed-wire.pcapng").toAbsolutePath().normalize();
    static final Path QUICKSTART = Path.of("..", "samples", "captures", "quickstart.pcapng").toAbsolutePath().normalize();
    /** mixed-wire.truth.json: alice's CellID, and the cell frames among the 425 (the others are DNS and mDNS). */
    static final String ALICE = "a74aaa1fe85b0f9170c12ec1e28325b7";

    @TempDir
    Path dir;

    @BeforeAll
    static void tsharkIsThere() throws Exception {
        Process p = new ProcessBuilder("tshark", "-v").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), "tshark is needed as the oracle (./run-tests installs it)");
    }

    @Test
    void everyCellFrameArrivesAsItsCellBytesInOrder() throws Exception {
        List<byte[]> expected = oracle(MIXED, null);
        long all = tsharkLines(MIXED, null, "frame.number").size();
        assertEquals(125, expected.size(), "mixed-wire has 125 cell frames (truth: frames_sent), over UDP and over a VLAN");
        Received r = replayInto(MIXED, "--topspeed");
        assertEquals(0, r.cli.exit(), r.cli.err());
        assertDatagrams(expected, r.datagrams);
        assertTrue(r.cli.out().contains("Actual: 125 packets (" + bytes(expected) + " bytes)"), r.cli.out());
        assertTrue(r.cli.out().contains("Skipped: " + (all - 125) + " selected frames carry no UTCP or Tether"), r.cli.out());
        assertTrue(r.cli.out().contains("Transmit: UDP to 127.0.0.1:" + r.port + " from 127.0.0.1:"), r.cli.out());
    }

    /** Raw Ethernet: UTCP frames padded to 60 bytes (with and without a VLAN tag) and Tether frames of whole blocks. */
    @Test
    void rawEthernetFramesLoseTheirPadding() throws Exception {
        List<byte[]> expected = oracle(QUICKSTART, null);
        assertEquals(tsharkLines(QUICKSTART, null, "frame.number").size() - 1, expected.size(), "all but one DNS query");
        assertTrue(expected.stream().anyMatch(b -> b.length == 40), "a UTCP frame without payload (padded on the wire)");
        assertTrue(expected.stream().anyMatch(b -> b[0] == 0x4C && b.length % 64 == 0), "Tether frames");
        Received r = replayInto(QUICKSTART, "-t");
        assertEquals(0, r.cli.exit(), r.cli.err());
        assertDatagrams(expected, r.datagrams);
        assertTrue(r.cli.out().contains("Skipped: 1 selected frames carry no UTCP or Tether"), r.cli.out());
    }

    /**
     * Over UDP only the cell bytes go, so a capture without Ethernet headers replays too: a Linux cooked capture (-i
     * any) sends what follows each cooked header. Before, every frame was "not Ethernet" and nothing went.
     */
    @Test
    void aLinuxCookedCaptureSendsItsCellBytes() throws Exception {
        Path cooked = QUICKSTART.resolveSibling("sll").resolve("quickstart-sll.pcapng");
        List<byte[]> expected = oracle(cooked, null);
        assertTrue(expected.size() > 50, expected.size() + " cell frames");
        Received r = replayInto(cooked, "-t");
        assertEquals(0, r.cli.exit(), r.cli.err());
        assertDatagrams(expected, r.datagrams);
        assertFalse(r.cli.out().contains("not Ethernet"), r.cli.out());
    }

    /** -Y picks frames of all kinds; only its cell frames go, in both passes, paced, from memory. */
    @Test
    void onlyTheSelectedFramesOnEveryPass() throws Exception {
        String filter = "frame.number >= 100 && frame.number <= 250";
        List<byte[]> once = oracle(MIXED, filter);
        long selected = tsharkLines(MIXED, filter, "frame.number").size();
        assertTrue(once.size() > 20 && once.size() < selected, "a mix of cell and other frames: " + once.size() + " of " + selected);
        Received r = replayInto(MIXED, "-Y", filter, "-K", "--loop", "2", "--pps", "5000");
        assertEquals(0, r.cli.exit(), r.cli.err());
        List<byte[]> twice = new ArrayList<>(once);
        twice.addAll(once);
        assertDatagrams(twice, r.datagrams);
        assertTrue(r.cli.out().contains("Skipped: " + (selected - once.size()) + " selected frames"), r.cli.out());
        assertTrue(r.cli.out().contains("Passes: 2"), r.cli.out());
    }

    /**
     * A looped .gz too large to preload (over 64 MiB) is decompressed once, to one temporary copy every pass reads. Before,
     * each pass made a new copy of the whole capture, kept until the command ended: --loop 0 filled the disk pass by pass.
     * The temporary directory is the test's own, watched while the replay runs.
     */
    @Test
    void aLoopedGzipCaptureIsDecompressedOnceForEveryPass() throws Exception {
        // 70 MB stored (not deflated) in gzip
        int frames = 1_200;
        Path gz = rawIpGzip(dir.resolve("large.pcap.gz"), frames, java.util.zip.Deflater.NO_COMPRESSION);
        assertTrue(Files.size(gz) > (64 << 20), Files.size(gz) + " bytes: not preloaded");
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        try (DatagramChannel sink = DatagramChannel.open()) {
            sink.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) sink.getLocalAddress()).getPort();
            Path out = dir.resolve("replay.out");
            Process p = new ProcessBuilder(Cli.command(List.of("-Djava.io.tmpdir=" + tmp), "replay", "-r", gz.toString(),
                    "--udp", "127.0.0.1:" + port, "--loop", "3", "--pps", "5000")).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            int most = 0;
            while (!p.waitFor(5, TimeUnit.MILLISECONDS)) {
                try (var copies = Files.list(tmp)) {
                    most = Math.max(most, (int) copies.filter(f -> f.getFileName().toString().startsWith("cellscope-stream-")).count());
                }
            }
            String printed = Files.readString(out);
            assertEquals(0, p.exitValue(), printed);
            assertTrue(printed.contains("Actual: " + 3 * frames + " packets"), printed);
            assertEquals(1, most, "temporary copies of the capture at once");
        }
    }

    /**
     * A gzip-compressed raw-IP pcap of {@code frames} UDP datagrams of 58,000 bytes to port 34997 (a UTCP SYN header and
     * zeros): 70 MB for 1,200, stored at {@code level} NO_COMPRESSION, a few hundred kB deflated.
     */
    static Path rawIpGzip(Path gz, int frames, int level) throws IOException {
        int datagram = 58_000;
        try (OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz), 1 << 16) {
            { def.setLevel(level); }
        }) {
            java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            out.write(header.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262_144).putInt(101).array());
            for (int i = 0; i < frames; i++) {
                java.nio.ByteBuffer f = java.nio.ByteBuffer.allocate(16 + 28 + datagram);
                f.order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(i).putInt(28 + datagram).putInt(28 + datagram);
                f.order(java.nio.ByteOrder.BIG_ENDIAN).put((byte) 0x45).put((byte) 0).putShort((short) (28 + datagram)).putInt(0)
                        .put((byte) 64).put((byte) 17).putShort((short) 0).put(new byte[] {10, 0, 0, 1, 10, 0, 0, 2});
                f.putShort((short) 34997).putShort((short) 34997).putShort((short) (8 + datagram)).putShort((short) 0);
                f.put(new byte[16]).put(new byte[16]).putInt(1).putShort((short) 1); // a UTCP SYN header, then zeros
                out.write(f.array());
            }
        }
        return gz;
    }

    /**
     * Whether a looped .gz is preloaded is judged by what it holds, as for a plain capture: 70 MB deflated to a few hundred
     * kB is read from its copy on each pass, not held in memory. Before, the compressed size decided ("Preloaded: the
     * looped capture (337946 bytes)"): a small .gz of a capture of gigabytes was read into the heap.
     */
    @Test
    void aLoopedGzipCaptureIsPreloadedByTheSizeItHolds() throws Exception {
        int frames = 1_200;
        Path gz = rawIpGzip(dir.resolve("deflated.pcap.gz"), frames, java.util.zip.Deflater.BEST_SPEED);
        assertTrue(Files.size(gz) < (64 << 20), Files.size(gz) + " bytes compressed");
        try (DatagramChannel sink = DatagramChannel.open()) {
            sink.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) sink.getLocalAddress()).getPort();
            Cli.Result r = Cli.run("replay", "-r", gz.toString(), "--udp", "127.0.0.1:" + port, "--loop", "2", "-t");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("Actual: " + 2 * frames + " packets"), r.out());
            assertFalse(r.out().contains("Preloaded:"), r.out());
        }
    }

    /** The map rewrites the frame before its cell bytes are cut: the peer sees the new CellID in the UTCP header. */
    @Test
    void aMappedCellIdReachesThePeer() throws Exception {
        String mapped = "00112233445566778899aabbccddeeff";
        Path map = Files.writeString(dir.resolve("lab.map"), "cellid " + ALICE + " " + mapped + "\n");
        List<byte[]> expected = new ArrayList<>();
        byte[] old = HexFormat.of().parseHex(ALICE), now = HexFormat.of().parseHex(mapped);
        int headers = 0;
        for (byte[] b : oracle(MIXED, null)) {
            byte[] c = b.clone();
            for (int at : new int[] {0, 16}) { // UTCP src and dst CellIDs: the payload keeps its bytes (docs/REPLAY.md)
                if (Arrays.equals(c, at, at + 16, old, 0, 16)) {
                    System.arraycopy(now, 0, c, at, 16);
                    headers++;
                }
            }
            expected.add(c);
        }
        assertTrue(headers > 0, "alice's CellID is in UTCP headers of mixed-wire");
        Received r = replayInto(MIXED, "--map", map.toString(), "-t");
        assertEquals(0, r.cli.exit(), r.cli.err());
        assertDatagrams(expected, r.datagrams);
    }

    /**
     * Nobody listens: every datagram is answered with ICMP port unreachable, and the run says so, exit 1. A connected
     * socket reports each ICMP on the next write, which then sends nothing: the old count took those failed writes for
     * the refused datagrams, so every other datagram looked delivered and the run ended 0 (user review).
     */
    @Test
    void aPortNobodyListensOnRefusesEveryDatagram() throws Exception {
        int port;
        try (DatagramChannel probe = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
        Cli.Result r = Cli.run("replay", "-r", MIXED.toString(), "--udp", "127.0.0.1:" + port, "--pps", "2000", "-L", "20");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertEquals("cellscope: --udp 127.0.0.1:" + port + ": every datagram was refused by the peer (20 ICMP port unreachable for 20 sent): nothing listens there\n", r.err());
    }

    /** A peer that listens for the first datagrams only: the ones after it closed are counted as refused, exit 0. */
    @Test
    void datagramsAfterThePeerWentAreCountedAsRefused() throws Exception {
        DatagramChannel peer = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        int port = ((InetSocketAddress) peer.getLocalAddress()).getPort();
        Thread closer = Thread.ofPlatform().start(() -> {
            try (peer) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(70_000);
                for (int i = 0; i < 10; i++) {
                    peer.receive(b.clear());
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Cli.Result r = Cli.run("replay", "-r", MIXED.toString(), "--udp", "127.0.0.1:" + port, "--pps", "100", "-L", "30");
        closer.join();
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("Actual: 30 packets"), r.out());
        // 20 after the 10th was read; one or two more when the closing thread was slower than a 10 ms gap (a loaded machine)
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Refused by the peer: (\\d+) of 30 datagrams \\(ICMP port unreachable: nothing listened there when they came\\)").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Integer.parseInt(m.group(1)) >= 18 && Integer.parseInt(m.group(1)) <= 20, r.out());
    }

    /**
     * A Tether frame of 1,100 blocks (70,400 bytes) is too large for any UDP datagram: refused by the socket and
     * counted, the UTCP frames after it still go; a capture of nothing else sends nothing, one line, exit 1.
     */
    @Test
    void aDatagramTooLargeIsCountedUnlessNothingGoes() throws Exception {
        byte[] tether = new byte[1100 * 64];
        tether[0] = 0x4C;
        tether[1] = 0x4F;
        tether[2] = 0x42;
        tether[3] = 0x4F;
        byte[] utcp = new byte[40 + 3];
        utcp[0] = 0x11;
        utcp[39] = 3; // payload_len
        // a UDP datagram whose payload is longer than the UTCP in it claims: the datagram's payload goes whole
        byte[] datagram = Arrays.copyOf(utcp, utcp.length + 5);
        Arrays.fill(datagram, utcp.length, datagram.length, (byte) 0xEE);
        Path both = pcap(dir.resolve("both.pcap"), cellFrame(tether), cellFrame(utcp), udpFrame(datagram));
        Received r = replayInto(both, "-t");
        assertEquals(0, r.cli.exit(), r.cli.err());
        assertDatagrams(List.of(utcp, datagram), r.datagrams);
        assertTrue(r.cli.out().contains("Failed packets: 1 (first: 70400-byte datagram: Message too long)"), r.cli.out());

        Received alone = replayInto(pcap(dir.resolve("alone.pcap"), cellFrame(tether)), "-t");
        ReplayCommandTest.oneLine(alone.cli, 1, "every datagram was refused (1, the first: 70400-byte datagram: Message too long)");
        assertEquals(1, alone.cli.err().lines().count(), alone.cli.err());
        assertEquals(0, alone.datagrams.size());
    }

    /** An Ethernet frame (MACs 02:…) of EtherType 0x88B5 around {@code cell}. */
    static byte[] cellFrame(byte[] cell) {
        byte[] f = new byte[14 + cell.length];
        f[0] = 2;
        f[6] = 2;
        f[12] = (byte) 0x88;
        f[13] = (byte) 0xB5;
        System.arraycopy(cell, 0, f, 14, cell.length);
        return f;
    }

    /** An Ethernet frame with IPv4 and UDP (port 34997 both ways) around {@code payload}, and 4 bytes of padding after the IP packet. */
    static byte[] udpFrame(byte[] payload) {
        int ipLength = 20 + 8 + payload.length;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(14 + ipLength + 4);
        b.put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2}).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) ipLength).putInt(0).put((byte) 64).put((byte) 17).putShort((short) 0)
                .put(new byte[] {10, 0, 0, 1, 10, 0, 0, 2});
        b.putShort((short) 34997).putShort((short) 34997).putShort((short) (8 + payload.length)).putShort((short) 0).put(payload);
        return b.array();
    }

    /** A little-endian µs pcap of Ethernet frames, one a second. */
    static Path pcap(Path file, byte[]... frames) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(24 + Arrays.stream(frames).mapToInt(f -> 16 + f.length).sum())
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262_144).putInt(1);
        int second = 0;
        for (byte[] f : frames) b.putInt(++second).putInt(0).putInt(f.length).putInt(f.length).put(f);
        return Files.write(file, b.array());
    }

    // --- the replay and the receiving socket

    record Received(Cli.Result cli, int port, List<byte[]> datagrams) {}

    /** Runs the replay into a socket of this test, receiving while it runs (a 4 MiB buffer: --topspeed outpaces a reader). */
    static Received replayInto(Path capture, String... options) throws Exception {
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            ch.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
            List<String> args = new ArrayList<>(List.of("replay", "-r", capture.toString(), "--udp", "127.0.0.1:" + port));
            args.addAll(List.of(options));
            CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return Cli.run(args.toArray(String[]::new));
                } catch (IOException | InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            DatagramSocket socket = ch.socket();
            socket.setSoTimeout(50);
            List<byte[]> got = new ArrayList<>();
            byte[] buf = new byte[65536];
            while (true) {
                boolean done = run.isDone(); // before the last look: whatever it sent is queued by then
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    got.add(Arrays.copyOf(p.getData(), p.getLength()));
                } catch (SocketTimeoutException e) {
                    if (done) break;
                }
            }
            return new Received(run.get(10, TimeUnit.SECONDS), port, got);
        }
    }

    static void assertDatagrams(List<byte[]> expected, List<byte[]> got) {
        assertEquals(expected.size(), got.size(), "datagrams received");
        for (int i = 0; i < expected.size(); i++) {
            if (!Arrays.equals(expected.get(i), got.get(i))) {
                throw new AssertionError("datagram " + i + " differs: expected " + HexFormat.of().formatHex(expected.get(i))
                        + ", got " + HexFormat.of().formatHex(got.get(i)));
            }
        }
    }

    static long bytes(List<byte[]> datagrams) {
        return datagrams.stream().mapToLong(b -> b.length).sum();
    }

    // --- the oracle: tshark's bytes, cut by the protocols' own lengths where Ethernet may have padded

    /** The cell-protocol bytes of the capture's frames (those {@code filter} selects), in order. */
    static List<byte[]> oracle(Path capture, String filter) throws Exception {
        String cells = "(udp.port == 34997 || eth.type == 0x88b5 || vlan.etype == 0x88b5 || sll.etype == 0x88b5)";
        List<byte[]> out = new ArrayList<>();
        for (String line : tsharkLines(capture, filter == null ? cells : "(" + filter + ") && " + cells, "udp.payload", "data.data")) {
            String[] f = line.split("\t", -1);
            if (!f[0].isEmpty()) {
                out.add(HexFormat.of().parseHex(f[0])); // the UDP payload, as long as the UDP length says
                continue;
            }
            byte[] b = HexFormat.of().parseHex(f[1]); // everything after the EtherType, padding included
            boolean tether = b.length >= 4 && (b[0] & 0xFF) == 0x4C && (b[1] & 0xFF) == 0x4F && (b[2] & 0xFF) == 0x42 && (b[3] & 0xFF) == 0x4F;
            // Tether has no length field: all of it (a frame of 64 bytes or more is never padded); UTCP: header + payload_len
            int length = tether ? b.length : 40 + (((b[38] & 0xFF) << 8) | (b[39] & 0xFF));
            out.add(Arrays.copyOf(b, length));
        }
        return out;
    }

    static List<String> tsharkLines(Path capture, String filter, String... fields) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", capture.toString(), "-T", "fields"));
        if (filter != null) cmd.addAll(List.of("-Y", filter));
        for (String f : fields) cmd.addAll(List.of("-e", f));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertEquals(0, p.waitFor(), "tshark " + cmd);
        return out.lines().toList();
    }
}
