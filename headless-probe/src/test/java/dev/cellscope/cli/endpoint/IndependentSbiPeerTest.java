package dev.cellscope.cli.endpoint;

import dev.cellscope.cli.PythonOracles;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code endpoint serve}, {@code put} and {@code get} against a UTCP-SBI peer written apart from this code, from
 * PROTOCOLS.md and the endpoint docs alone ({@code src/test/python/sbi_peer.py}): its own UTCP (SYN/ACK open, NACKs,
 * tail probes, FIN close), SBI codec, fingerprints, SipHash CellID, and BLAKE3/zstd through the b3sum and zstd
 * commands. As an oracle it checks every datagram and message it receives (header, seq continuity, data changed on a
 * repeat, preamble, fingerprint, container layout and pads, HANDSHAKE fields, agreed compression, BLAKE3 of every
 * block, chunk order and chunk_index, ACK ref_seq and status, DAG answers), and exits 0 only when every operation
 * completed, every connection closed cleanly and nothing disagreed.
 * <p>Sizes: empty, one byte, exactly one block, several blocks with a short last one, about 1 MB; random and
 * compressible content (zstd and deflate); without faults, and with 5% loss on both sides' sends (fixed seeds),
 * DATA cut at random sizes and initial seqs just below 2^32.
 */
class IndependentSbiPeerTest {
    private static final Path PEER = PythonOracles.script("sbi_peer.py");
    private static final String CELL = "node ([0-9a-f]{32})";
    private static final int[] SIZES = {0, 1, 65536, 3 * 65536 + 1000, 1_000_000};

    @TempDir
    Path dir;

    @BeforeAll
    static void tools() {
        PythonOracles.assumeRunnable("independent SBI peer", "b3sum", "zstd");
    }

    @Test
    void theIndependentClientPutsAndGetsBackFromServe() throws Exception {
        client("clean", List.of(), List.of(), false);
    }

    @Test
    void theIndependentClientThroughLossBothWays() throws Exception {
        client("lossy", List.of("--loss", "0.05", "--seed", "5"),
                List.of("--loss", "0.05", "--random-cuts", "--isn-near-wrap", "--ignore-first-syn-ack"), true);
    }

    @Test
    void putAndGetThroughTheIndependentServer() throws Exception {
        server("clean", List.of(), List.of(), false);
    }

    @Test
    void putAndGetThroughTheIndependentServerThroughLossBothWays() throws Exception {
        server("lossy", List.of("--loss", "0.05"), List.of("--loss", "0.05", "--random-cuts", "--isn-near-wrap"), true);
    }

    /** serve, and for each size a client that puts the file, puts it again (nothing lacking), gets it back. */
    private void client(String tag, List<String> serveFaults, List<String> peerFaults, boolean lossy) throws Exception {
        int port = TetherCliTest.freeUdpPort();
        List<String> args = new ArrayList<>(List.of("endpoint", "serve", "--key", dir.resolve("serve.key").toString(),
                "--store", dir.resolve("store").toString(), "--listen", "127.0.0.1:" + port));
        args.addAll(serveFaults);
        try (Child serve = Child.start(dir, "serve-" + tag, List.of(), args.toArray(String[]::new))) {
            String id = serve.await(CELL, 30);
            int i = 0;
            for (int size : lossy ? new int[]{3 * 65536 + 1000, 1_000_000} : SIZES) {
                boolean compressible = i % 2 == 1;
                Path in = content("c" + tag + size + ".bin", size, compressible);
                int distinct = Math.ceilDiv(size, 65536); // random content: no chunk repeats
                List<String> cmd = new ArrayList<>(List.of("client", "--to", id + "@127.0.0.1:" + port, "--file",
                        in.toString(), "--ops", "put,put,get", "--expect-lacking", distinct + ",0",
                        "--seed", Integer.toString(11 + i), "--key-seed", Integer.toString(100 + i), "-o",
                        dir.resolve("got-" + tag + size + ".bin").toString(), "--timeout", "30"));
                if (i % 3 == 2) cmd.addAll(List.of("--caps", "deflate"));
                cmd.addAll(peerFaults);
                Child peer = python("client-" + tag + "-" + size, cmd);
                int exit = peer.finish(100);
                String why = "size " + size + ", " + String.join(" ", cmd) + "\n" + peer.tail() + serve.tail();
                assertEquals(0, exit, why);
                assertTrue(peer.out().contains("\"status\": \"OK\"") && peer.out().contains("\"n_problems\": 0")
                        && peer.out().contains("\"identical\": true"), why);
                assertEquals(-1, Files.mismatch(in, dir.resolve("got-" + tag + size + ".bin")), why);
                if (lossy) assertTrue(!peer.out().contains("\"dropped_on_send\": 0,"), "faults were injected: " + why);
                i++;
            }
            serve.signal("TERM");
            assertTrue(serve.waitMillis(10_000), serve.tail());
            assertTrue(serve.out().contains("stopping"), serve.tail());
            if (lossy) assertTrue(serve.out().contains("faults injected on send: dropped "), serve.tail());
        }
    }

    /** The independent server, and for each size cellscope's put, then get into a fresh store; byte-identical. */
    private void server(String tag, List<String> cliFaults, List<String> peerFaults, boolean lossy) throws Exception {
        int port = TetherCliTest.freeUdpPort();
        int[] sizes = lossy ? new int[]{3 * 65536 + 1000, 1_000_000} : SIZES;
        List<String> cmd = new ArrayList<>(List.of("serve", "--listen", "127.0.0.1:" + port, "--connections",
                Integer.toString(2 * sizes.length), "--seed", "21", "--timeout", "90"));
        cmd.addAll(peerFaults);
        Child peer = python("serve-" + tag, cmd);
        try (peer) {
            String id = peer.await(CELL, 30);
            int i = 0;
            for (int size : sizes) {
                Path in = content("s" + tag + size + ".bin", size, i % 2 == 1), got = dir.resolve("sgot-" + tag + size + ".bin");
                List<String> faults = new ArrayList<>(cliFaults);
                if (lossy) faults.addAll(List.of("--seed", Integer.toString(31 + i)));
                if (i % 3 == 2) faults.addAll(List.of("--caps", "deflate"));
                List<String> put = new ArrayList<>(List.of("endpoint", "put", in.toString(), "--to", id + "@127.0.0.1:" + port,
                        "--key", dir.resolve("put.key").toString(), "--store", dir.resolve("put-store-" + i).toString(), "--timeout", "40"));
                put.addAll(faults);
                String root;
                try (Child p = Child.start(dir, "put-" + tag + size, List.of(), put.toArray(String[]::new))) {
                    assertEquals(0, p.finish(60), p.tail() + peer.tail());
                    root = p.out().strip();
                    assertTrue(root.matches("[0-9a-f]{64}"), p.tail());
                    int chunks = Math.ceilDiv(size, 65536);
                    assertTrue(p.err().contains("put " + in + ": " + chunks + " chunks, " + chunks + " blocks sent in "), p.tail());
                }
                List<String> get = new ArrayList<>(List.of("endpoint", "get", root, "--from", id + "@127.0.0.1:" + port,
                        "--key", dir.resolve("get.key").toString(), "--store", dir.resolve("get-store-" + i).toString(),
                        "-o", got.toString(), "--timeout", "40"));
                get.addAll(faults);
                try (Child g = Child.start(dir, "get-" + tag + size, List.of(), get.toArray(String[]::new))) {
                    assertEquals(0, g.finish(60), g.tail() + peer.tail());
                    assertTrue(g.err().contains("got " + got + ": " + size + " bytes in "), g.tail());
                }
                assertEquals(-1, Files.mismatch(in, got), "size " + size);
                i++;
            }
            int exit = peer.finish(30);
            assertEquals(0, exit, peer.tail());
            assertTrue(peer.out().contains("\"status\": \"OK\"") && peer.out().contains("\"n_problems\": 0"), peer.tail());
            if (lossy) assertTrue(!peer.out().contains("\"dropped_on_send\": 0,"), peer.tail());
        }
    }

    private Child python(String name, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(PythonOracles.PYTHON, PEER.toString()));
        cmd.addAll(args);
        return Child.startRaw(dir, name, cmd);
    }

    /** Random bytes, or text-like bytes that zstd and deflate shrink; seeded by the size. */
    private Path content(String name, int size, boolean compressible) throws IOException {
        byte[] b = new byte[size];
        Random r = new Random(size);
        r.nextBytes(b);
        if (compressible)
            for (int k = 0; k < size; k++) b[k] = (byte) ("0123456789abcdef \n".charAt((b[k] & 0xff) % 18) & (k % 7 == 0 ? 0x7f : 0x3f));
        return Files.write(dir.resolve(name), b);
    }

}
