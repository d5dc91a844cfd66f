package dev.cellscope.cli.endpoint;

import dev.cellscope.cli.PythonOracles;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tether-send and tether-recv against a Tether peer written apart from this code, from PROTOCOLS.md alone
 * ({@code src/test/python/tether_peer.py}): its own CRC-64, codecs and credit books. As an oracle it checks every frame
 * it receives (CRC, length, magic, target) and that cellscope never spends more credit than it granted, and it exits 0
 * only on a clean, complete transfer. Both directions, the receiver's side with slots it drops on purpose (NACKs, bulk
 * and singleton) and the sender's with injected loss.
 */
class IndependentTetherPeerTest {
    private static final String ID = "(ac:1d(?::[0-9a-f]{2}){4})";
    private static final Path PEER = PythonOracles.script("tether_peer.py");

    @TempDir
    Path dir;

    @BeforeAll
    static void python() {
        PythonOracles.assumeRunnable("independent Tether peer");
    }

    @Test
    void theIndependentSenderDeliversToTetherRecv() throws Exception {
        Path content = random("in.bin", 1_500_000 + 321), got = dir.resolve("got.bin");
        int port = TetherCliTest.freeUdpPort();
        try (Child recv = Child.start(dir, "recv", List.of(), "endpoint", "tether-recv", "-o", got.toString(), "--key",
                dir.resolve("r.key").toString(), "--listen", "127.0.0.1:" + port, "--timeout", "60")) {
            String rid = recv.await("\\(tether " + ID + "\\) on udp .*: waiting for a flow", 30);
            Peer send = peer("send", content.toString(), "--to", rid + "@127.0.0.1:" + port, "--slot-size", "1000", "--timeout", "40", "-q");
            assertEquals(0, send.exit(), send.toString());
            assertTrue(send.out().contains("\"status\": \"CONFIRMED\"") && send.out().contains("\"n_problems\": 0"), send.toString());
            assertEquals(0, recv.finish(30), recv.tail());
            assertEquals(-1, Files.mismatch(content, got));
            assertTrue(recv.out().startsWith("tether-recv " + got + ": OK, 1500321 bytes on flow 1 from ac:1d:00:00:be:ef"), recv.out());
        }
    }

    @Test
    void tetherSendDeliversToTheIndependentReceiverThroughLossAndNacks() throws Exception {
        Path content = random("in.bin", 2_000_000 + 55), got = dir.resolve("got.bin");
        int port = TetherCliTest.freeUdpPort();
        Process recv = start("recv", "-o", got.toString(), "--listen", "127.0.0.1:" + port, "--drop-slots", "0,5,6,7,100,1953",
                "--timeout", "60", "-q");
        Thread.sleep(500); // its socket is bound at once; the sender re-lights its Lamp anyway
        try (Child send = Child.start(dir, "send", List.of(), "endpoint", "tether-send", content.toString(), "--key",
                dir.resolve("s.key").toString(), "--lamp", "--to", "ac:1d:00:00:ca:fe@127.0.0.1:" + port, "--loss", "0.02",
                "--seed", "9", "--timeout", "60")) {
            assertEquals(0, send.finish(70), send.tail());
            assertTrue(send.out().matches("(?s)tether-send .*: CONFIRMED, 2000055 bytes, 1954 slots, .*re-sends [1-9].*\n"), send.out());
        }
        Peer r = finish(recv, "recv");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("\"crc_ok\": true") && r.out().contains("\"n_problems\": 0"), r.toString());
        assertEquals(-1, Files.mismatch(content, got));
    }

    private record Peer(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n" + out + "\n" + err;
        }
    }

    private Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(PythonOracles.PYTHON, PEER.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(dir.resolve(args[0] + ".json").toFile())
                .redirectError(dir.resolve(args[0] + ".err").toFile()).start();
    }

    /** Waits for the peer in {@code role} (its output files are named after it). */
    private Peer finish(Process p, String role) throws Exception {
        if (!p.waitFor(90, TimeUnit.SECONDS)) p.destroyForcibly();
        return new Peer(p.waitFor(), read(dir.resolve(role + ".json")), read(dir.resolve(role + ".err")));
    }

    private Peer peer(String... args) throws Exception {
        return finish(start(args), args[0]);
    }

    private static String read(Path f) throws IOException {
        return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
    }

    private Path random(String name, int size) throws IOException {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return Files.write(dir.resolve(name), b);
    }
}
