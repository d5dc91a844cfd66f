package dev.cellscope.cli.endpoint;

import dev.cellscope.live.testing.VethPair;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What a user sees who captures the endpoint's own traffic on {@code lo} with tcpdump (an independent capture
 * tool) and reads it with cellscope: two puts in a row with one key (the second reconnects while the first
 * connection lingers) and a Tether transfer. The endpoint sends with UDP_SEGMENT, so the capture holds GSO trains
 * (one "datagram" of up to 64 KB per send call); before the dissector cut them, the read showed 95% tap loss, a
 * handful of the 46 BLOCK_PUTs, and "SYN again" / "data after FIN" warnings for the reconnect.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LoopbackCaptureTest {
    private static final int BLOCKS = 46; // 3,000,000 random bytes in 64 KiB chunks

    @Test
    void theEndpointsOwnTrafficCapturedOnLoopbackReadsClean(@TempDir Path dir) throws Exception {
        String why = VethPair.whyNot();
        Assumptions.assumeTrue(why == null || !why.startsWith("not root"), () -> "capture on lo: " + why);
        Assumptions.assumeTrue(VethPair.which("tcpdump") != null, "capture on lo: 'tcpdump' not found (Debian package tcpdump)");
        byte[] content = new byte[3_000_000];
        new Random(30).nextBytes(content);
        Files.write(dir.resolve("in.bin"), content);
        int sbiPort = 35900 + (int) (ProcessHandle.current().pid() % 400), tetherPort = sbiPort + 400;

        Path capture = dir.resolve("lo.pcap"), tcpdumpErr = dir.resolve("tcpdump.err");
        Process tcpdump = new ProcessBuilder(VethPair.which("tcpdump"), "-i", "lo", "-U", "-s", "0", "-B", "65536", "-w", capture.toString(),
                "udp port " + sbiPort + " or udp port " + tetherPort).redirectError(tcpdumpErr.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (Child serve = Child.start(dir, "serve", List.of(), "endpoint", "serve", "--key", dir.resolve("serve.key").toString(),
                "--store", dir.resolve("store-serve").toString(), "--listen", "127.0.0.1:" + sbiPort);
             Child recv = Child.start(dir, "recv", List.of(), "endpoint", "tether-recv", "--key", dir.resolve("recv.key").toString(),
                     "-o", dir.resolve("got.bin").toString(), "--listen", "127.0.0.1:" + tetherPort, "--timeout", "120")) {
            awaitLine(tcpdumpErr, Pattern.compile("listening on"));
            String node = serve.await("node ([0-9a-f]{32})", 60);
            String tether = recv.await("tether (ac:1d:[0-9a-f:]{11})", 60);
            for (int i = 0; i < 2; i++) {
                assertEquals(0, UdpTransferCliTest.run(dir, dir.resolve("root" + i), dir.resolve("put" + i + ".log"), "endpoint", "put", "in.bin",
                        "--to", node + "@127.0.0.1:" + sbiPort, "--key", "put.key", "--store", "store-put" + i, "--timeout", "60"),
                        () -> read(dir.resolve("put0.log")) + read(dir.resolve("put1.log")));
            }
            assertEquals(0, UdpTransferCliTest.run(dir, dir.resolve("send.out"), dir.resolve("send.log"), "endpoint", "tether-send", "in.bin",
                    "--lamp", "--key", "send.key", "--to", tether + "@127.0.0.1:" + tetherPort, "--timeout", "60"),
                    () -> read(dir.resolve("send.log")) + read(dir.resolve("send.out")));
            assertEquals(0, recv.finish(30), "tether-recv ends after its flow");
            assertArrayEquals(content, Files.readAllBytes(dir.resolve("got.bin")));
            Thread.sleep(2_500); // the last FIN/ACKs, and the linger
            stop(tcpdump);
            assertTrue(read(tcpdumpErr).contains("\n0 packets dropped by kernel"), read(tcpdumpErr));

            // The second put's client side, replayed from the capture into the same serve (which had every block
            // then and has now): the same answers. Its conversation is stream 1, read from GSO trains.
            int replayed = UdpTransferCliTest.run(dir, dir.resolve("replay.out"), dir.resolve("replay.err"), "replay", "-r",
                    capture.toString(), "-d", "udp.port==" + sbiPort, "--as", "initiator", "--stream", "1", "--to", node + "@127.0.0.1:" + sbiPort);
            assertEquals(0, replayed, () -> read(dir.resolve("replay.out")) + read(dir.resolve("replay.err")));
            assertTrue(read(dir.resolve("replay.out")).contains("no differences"), read(dir.resolve("replay.out")));
        } finally {
            stop(tcpdump);
        }

        String[] ports = {"-d", "udp.port==" + sbiPort, "-d", "udp.port==" + tetherPort};
        replayOverUdp(dir, capture, sbiPort);
        String experts = cellscope(dir, concat(new String[]{"read", "-r", capture.toString(), "-q", "-z", "expert"}, ports));
        assertTrue(experts.contains("captured as one (UDP GSO)"), "the capture holds GSO trains, or this test proves nothing:\n" + experts);
        Matcher totals = Pattern.compile("(?m)^(error|warn)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$").matcher(experts);
        while (totals.find()) assertEquals("0", totals.group(8), totals.group(1) + " findings:\n" + experts);
        assertTrue(experts.contains("New connection of the same CellIDs: stream 1 follows stream 0"), experts);

        // Every block of the first put, each verified against its BLAKE3 name; none in the second (the serve had them all).
        String puts = cellscope(dir, concat(new String[]{"read", "-r", capture.toString(), "-Y", "sbi.op == 17", "-T", "fields",
                "-e", "utcp.stream", "-e", "sbi.put.verified"}, ports));
        List<String> lines = puts.lines().toList();
        assertEquals(BLOCKS, lines.stream().mapToLong(l -> l.split("\t")[1].split(",").length).sum(), puts);
        // A frame holding two datagrams of a GSO train shows each datagram's utcp.stream: "0,0".
        assertTrue(lines.stream().allMatch(l -> Arrays.stream(l.split("\t")[0].split(",")).allMatch("0"::equals)
                && Arrays.stream(l.split("\t")[1].split(",")).allMatch("1"::equals)), puts);

        // The Tether flow: every 64-byte block of the file in the sender's row, and its manifest matched.
        String flows = cellscope(dir, concat(new String[]{"stats", "-r", capture.toString(), "--flows", dir.resolve("flows.csv").toString()}, ports));
        List<String> csv = Files.readAllLines(dir.resolve("flows.csv"));
        List<String> header = List.of(csv.stream().filter(l -> l.startsWith("kind,sender,")).findFirst().orElseThrow(() -> new AssertionError(csv)).split(","));
        List<List<String>> data = csv.stream().filter(l -> l.startsWith("tether,")).map(l -> List.of(l.split(",", -1)))
                .filter(r -> Long.parseLong(r.get(header.indexOf("data_frames"))) > 0).toList();
        assertEquals(1, data.size(), flows + csv);
        assertTrue(Long.parseLong(data.getFirst().get(header.indexOf("blocks"))) >= (content.length + 63) / 64, csv.toString());
        assertEquals("yes", data.getFirst().get(header.indexOf("manifest_match")), csv.toString());
    }

    /**
     * {@code replay --udp} of the SBI port's frames to a socket of this test: what arrives is the datagrams the
     * endpoints sent, each one UTCP packet (40 + payload_len bytes), as many as the read counts UTCP packets, not
     * the captured GSO trains as 64 KB datagrams.
     */
    private static void replayOverUdp(Path dir, Path capture, int sbiPort) throws Exception {
        String seqs = cellscope(dir, "read", "-r", capture.toString(), "-d", "udp.port==" + sbiPort, "-Y", "udp.port == " + sbiPort,
                "-T", "fields", "-e", "utcp.seq");
        long packets = seqs.lines().mapToLong(l -> l.split(",").length).sum();
        assertTrue(packets > seqs.lines().count() + 100, "the capture holds trains: " + packets + " packets in " + seqs.lines().count() + " frames");
        try (java.nio.channels.DatagramChannel sink = java.nio.channels.DatagramChannel.open()) {
            sink.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 8 << 20);
            sink.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            sink.configureBlocking(false);
            int port = ((java.net.InetSocketAddress) sink.getLocalAddress()).getPort();
            Process replay = new ProcessBuilder(UdpTransferCliTest.java("replay", "-r", capture.toString(), "-d", "udp.port==" + sbiPort,
                    "-Y", "udp.port == " + sbiPort, "--udp", "127.0.0.1:" + port, "-x", "4"))
                    .redirectOutput(dir.resolve("replay-udp.out").toFile()).redirectError(dir.resolve("replay-udp.err").toFile()).start();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(70_000);
            long received = 0, end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int quietAfterExit = 0;
            while (System.nanoTime() < end && quietAfterExit < 200) {
                b.clear();
                if (sink.receive(b) == null) {
                    if (!replay.isAlive()) quietAfterExit++; // what was sent is in the socket's buffer by now
                    Thread.sleep(1);
                    continue;
                }
                b.flip();
                received++;
                assertEquals(40 + Short.toUnsignedInt(b.getShort(38)), b.remaining(), "datagram " + received + " is one UTCP packet");
            }
            assertEquals(0, replay.waitFor(), () -> read(dir.resolve("replay-udp.err")));
            assertEquals(packets, received, read(dir.resolve("replay-udp.out")));
        }
    }

    private static void stop(Process tcpdump) throws Exception {
        if (!tcpdump.isAlive()) return;
        new ProcessBuilder("kill", "-INT", Long.toString(tcpdump.pid())).start().waitFor(5, TimeUnit.SECONDS);
        if (!tcpdump.waitFor(30, TimeUnit.SECONDS)) tcpdump.destroyForcibly();
    }

    private static String cellscope(Path dir, String... args) throws Exception {
        Path out = dir.resolve("cellscope.out"), err = dir.resolve("cellscope.err");
        int exit = UdpTransferCliTest.run(dir, out, err, args);
        assertEquals(0, exit, () -> String.join(" ", args) + "\n" + read(err));
        return read(out);
    }

    private static String awaitLine(Path log, Pattern p) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (Files.exists(log)) {
                Matcher m = p.matcher(read(log));
                if (m.find()) return m.groupCount() > 0 ? m.group(1) : m.group();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no /" + p + "/ in " + log + ":\n" + (Files.exists(log) ? read(log) : "(none)"));
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
