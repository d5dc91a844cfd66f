package dev.cellscope.cli.endpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** tether-send and tether-recv as separate processes over UDP loopback, and the commands' errors. */
class TetherCliTest {
    private static final String ID = "(ac:1d(?::[0-9a-f]{2}){4})";
    /** Every command's first line names its identities (docs/ENDPOINT-CLI.md): the key's CellID, then the Tether ID. */
    private static final String NODE = "node [0-9a-f]{32}";

    @TempDir
    Path dir;

    @Test
    void lampTransferThroughInjectedFaults() throws Exception {
        Path content = random("in.bin", 512 * 1024 + 77), got = dir.resolve("got.bin");
        int port = freeUdpPort();
        try (Child recv = Child.start(dir, "recv", List.of(), "endpoint", "tether-recv", "-o", got.toString(), "--key", key("r"),
                "--listen", "127.0.0.1:" + port, "--timeout", "60")) {
            String rid = recv.await(NODE + " \\(tether " + ID + "\\) on udp .*: waiting for a flow", 30);
            Child send = Child.start(dir, "send", List.of(), "endpoint", "tether-send", content.toString(), "--key", key("s"), "--lamp",
                    "--to", rid + "@127.0.0.1:" + port, "--loss", "0.05", "--duplicate", "0.01", "--corrupt", "0.02", "--seed", "5",
                    "--slot-size", "1000", "--timeout", "60");
            assertEquals(0, send.finish(70), send.tail());
            assertEquals(0, recv.finish(30), recv.tail());
            assertEquals(-1, Files.mismatch(content, got));
            assertTrue(send.out().matches("(?s)tether-send .*: CONFIRMED, 524365 bytes, 525 slots, .*re-sends [1-9].*\n"), send.out());
            Matcher crc = Pattern.compile("CRC drops (\\d+)").matcher(recv.out());
            assertTrue(recv.out().startsWith("tether-recv " + got + ": OK, 524365 bytes on flow 1") && crc.find(), recv.out());
            assertTrue(Long.parseLong(crc.group(1)) > 0, "corrupted frames were not dropped for their CRC: " + recv.out());
            assertTrue(send.err().contains("lamp lit") && recv.err().contains("answered lamp"), send.tail() + recv.tail());
        }
    }

    /**
     * Session 35's re-review: with the credit presumed lost for a NACKed slot capped at what the sender was believed to
     * hold, a re-send lost again was never granted again, and a 20 MB transfer over 5% loss deadlocked (DEADLINE after
     * 40 s with 8,614 of 19,532 slots sent and 244,051 NACK frames back; 6 of 6 runs). Uncapped it takes 1.5 s here.
     */
    @Test
    void twentyMegabytesThroughFivePercentLossAreConfirmed() throws Exception {
        Path content = random("in.bin", 20_000_000), got = dir.resolve("got.bin");
        int port = freeUdpPort();
        try (Child recv = Child.start(dir, "recv", List.of(), "endpoint", "tether-recv", "-o", got.toString(), "--key", key("r"),
                "--listen", "127.0.0.1:" + port, "--timeout", "90")) {
            String rid = recv.await(NODE + " \\(tether " + ID + "\\) on udp .*: waiting for a flow", 30);
            Child send = Child.start(dir, "send", List.of(), "endpoint", "tether-send", content.toString(), "--key", key("s"), "--lamp",
                    "--to", rid + "@127.0.0.1:" + port, "--loss", "0.05", "--seed", "1", "--timeout", "60");
            assertEquals(0, send.finish(80), send.tail());
            assertTrue(send.out().matches("(?s)tether-send .*: CONFIRMED, 20000000 bytes, 19532 slots, .*\n"), send.out());
            assertEquals(0, recv.finish(30), recv.tail());
            assertEquals(-1, Files.mismatch(content, got));
        }
    }

    @Test
    void withoutLampTheReceiverInvites() throws Exception {
        Path content = random("in.bin", 100_000), got = dir.resolve("got.bin");
        int rport = freeUdpPort(), sport = freeUdpPort();
        String rid;
        try (Child probe = Child.start(dir, "id", List.of(), "endpoint", "tether-recv", "-o", got.toString(), "--key", key("r"),
                "--listen", "127.0.0.1:" + rport, "--timeout", "1")) {
            rid = probe.await(NODE + " \\(tether " + ID + "\\) on udp", 30); // learn the receiver's ID; this run times out
            probe.finish(30);
        }
        try (Child send = Child.start(dir, "send", List.of(), "endpoint", "tether-send", content.toString(), "--key", key("s"),
                "--listen", "127.0.0.1:" + sport, "--to", rid + "@127.0.0.1:" + rport, "--flow", "7", "--timeout", "60")) {
            String sid = send.await(NODE + " \\(tether " + ID + "\\) on udp .*waiting for an invitation", 30);
            Child recv = Child.start(dir, "recv", List.of(), "endpoint", "tether-recv", "-o", got.toString(), "--key", key("r"),
                    "--listen", "127.0.0.1:" + rport, "--from", sid + "@127.0.0.1:" + sport, "--timeout", "60");
            assertEquals(0, send.finish(70), send.tail());
            assertEquals(0, recv.finish(30), recv.tail());
            assertEquals(-1, Files.mismatch(content, got));
            assertTrue(recv.err().contains("invited") && recv.out().contains("on flow 7 from " + sid), recv.tail());
        }
    }

    /** User review: a receiver that refused every Define and timed out printed no summary, so its counters never showed. */
    @Test
    void aRefusedFlowStillEndsWithTheSummaryLine() throws Exception {
        Path content = random("in.bin", 50_000), got = dir.resolve("got.bin");
        int port = freeUdpPort();
        try (Child recv = Child.start(dir, "recv", List.of(), "endpoint", "tether-recv", "-o", got.toString(), "--key", key("r"),
                "--listen", "127.0.0.1:" + port, "--max-flow-bytes", "1000", "--timeout", "6")) {
            String rid = recv.await(NODE + " \\(tether " + ID + "\\) on udp .*: waiting for a flow", 30);
            try (Child send = Child.start(dir, "send", List.of(), "endpoint", "tether-send", content.toString(), "--key", key("s"), "--lamp",
                    "--to", rid + "@127.0.0.1:" + port, "--timeout", "3")) {
                assertEquals(1, send.finish(30), send.tail());
            }
            assertEquals(1, recv.finish(30), recv.tail());
            Matcher refused = Pattern.compile("refused Defines (\\d+)").matcher(recv.out());
            assertTrue(recv.out().startsWith("tether-recv " + got + ": FAILED, timed out after 6 s, nothing written; frames sent ") && refused.find(), recv.tail());
            assertTrue(Long.parseLong(refused.group(1)) > 0, recv.out());
            assertTrue(recv.err().endsWith("cellscope: timed out after 6 s\n"), recv.tail());
            assertFalse(Files.exists(got));
        }
    }

    @Test
    void noReceiverIsExitOneWithTheReason() throws Exception {
        Path content = random("in.bin", 1000);
        try (Child send = Child.start(dir, "send", List.of(), "endpoint", "tether-send", content.toString(), "--key", key("s"), "--lamp",
                "--to", "ac:1d:00:00:00:01@127.0.0.1:" + freeUdpPort(), "--timeout", "30")) {
            assertEquals(1, send.finish(60), send.tail());
            assertTrue(send.out().contains(": NO_HAIL,"), send.tail());
            assertTrue(send.err().endsWith("cellscope: tether-send: no answer to the Lamp (is tether-recv running there, for this Tether ID?)\n"), send.tail());
        }
    }

    @Test
    void transportErrorsAreOneLine() throws Exception {
        String file = random("f.bin", 10).toString();
        List<String[]> usage = List.of(
                new String[]{"endpoint", "serve", "--transport", "eth"},
                new String[]{"endpoint", "tether-recv", "-o", "x", "--transport", "carrier-pigeon"},
                new String[]{"endpoint", "put", file, "--transport", "udp", "--iface", "lo", "--to", "00000000000000000000000000000000@127.0.0.1:1"});
        for (String[] args : usage) {
            try (Child c = Child.start(dir, "usage", List.of(), args)) {
                assertEquals(2, c.finish(30), String.join(" ", args) + "\n" + c.tail());
            }
        }
        try (Child c = Child.start(dir, "noif", List.of(), "endpoint", "tether-recv", "-o", dir.resolve("x").toString(), "--key", key("r"),
                "--transport", "eth", "--iface", "cs-nosuch0")) {
            assertEquals(1, c.finish(30), c.tail());
            List<String> lines = c.err().lines().toList();
            assertEquals(1, lines.size(), c.tail());
            // root: the interface is missing; otherwise: no permission. One line either way, no stack trace.
            assertTrue(lines.get(0).matches("cellscope: --iface cs-nosuch0: (no network interface 'cs-nosuch0'|.*CAP_NET_RAW.*)"), lines.get(0));
        }
    }

    private String key(String name) {
        return dir.resolve(name + ".key").toString();
    }

    private Path random(String name, int size) throws Exception {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return Files.write(dir.resolve(name), b);
    }

    static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }
}
