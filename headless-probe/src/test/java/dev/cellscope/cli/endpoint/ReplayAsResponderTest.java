package dev.cellscope.cli.endpoint;

import dev.cellscope.crypto.Blake3;
import dev.cellscope.endpoint.sbi.SbiConfig;
import dev.cellscope.samples.Scenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 15, the responder's side: {@code cellscope replay --as responder} listens under the captured
 * responder's CellID and a real {@code cellscope endpoint put}, in its own JVM over UDP loopback, is
 * the live initiator. The capture is the committed {@code mesh-transfer}'s conversation 1: Carol
 * (deflate and dedup only) puts report.txt to Bob, one object per connection as {@code put} makes
 * it. The content is drawn again from the sample's seed by the samples module
 * ({@link Scenarios#meshFiles}) and checked against the sample's {@code .truth.json} (its chunks and
 * root, written by the simulated stack that made the capture) before it is put.
 */
class ReplayAsResponderTest {
    static final Path SAMPLE = Path.of("..", "samples", "captures", "mesh-transfer.pcapng").toAbsolutePath().normalize();
    static final Path TRUTH = Path.of("..", "samples", "captures", "mesh-transfer.truth.json").toAbsolutePath().normalize();
    static final int BLOCK = SbiConfig.DEFAULT_BLOCK_SIZE;

    @TempDir
    Path dir;

    record Truth(String bob, String root, List<String> chunks) {}

    static Truth truth() throws Exception {
        String t = Files.readString(TRUTH);
        Matcher bob = Pattern.compile("\"bob\": \\{[^}]*?\"cellid\": \"([0-9a-f]{32})\"").matcher(t);
        Matcher report = Pattern.compile("\"name\": \"report.txt\",\\s*\"from\": \"carol\",[^}]*?\"root\": \"([0-9a-f]{64})\",[^}]*?\"chunks\": \\[([^\\]]*)\\]")
                .matcher(t);
        assertTrue(bob.find() && report.find(), "the truth names Bob and Carol's report.txt");
        return new Truth(bob.group(1), report.group(1), Pattern.compile("[0-9a-f]{64}").matcher(report.group(2)).results().map(r -> r.group()).toList());
    }

    /** The file's chunks' CIDs (BLAKE3 of each block-size piece) and the root (BLAKE3 of the CIDs), as PROTOCOLS.md has them. */
    static List<String> cids(byte[] content) {
        List<String> out = new ArrayList<>();
        for (int off = 0; off < content.length; off += BLOCK) {
            out.add(HexFormat.of().formatHex(Blake3.hash(Arrays.copyOfRange(content, off, Math.min(content.length, off + BLOCK)))));
        }
        return out;
    }

    static String root(List<String> cids) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String c : cids) b.writeBytes(HexFormat.of().parseHex(c));
        return HexFormat.of().formatHex(Blake3.hash(b.toByteArray()));
    }

    /** Carol's report.txt, drawn again from the seed and checked against the truth, so a live put offers what she offered. */
    static byte[] carolsReport(Truth truth) {
        byte[] content = Scenarios.meshFiles(1, 1).get("report.txt");
        assertEquals(truth.chunks(), cids(content), "the regenerated report.txt is cut into the chunks Carol put");
        assertEquals(truth.root(), root(truth.chunks()));
        return content;
    }

    private int port;

    /** The replay of Bob's side of conversation 1, listening; returns once it printed its node line (the CellID it answers to). */
    private Child responder(String name, String side, Path report, String... extra) throws Exception {
        port = TetherCliTest.freeUdpPort();
        List<String> args = new ArrayList<>(List.of("replay", "-r", SAMPLE.toString(), "--as", side, "--stream", "1",
                "--listen", "127.0.0.1:" + port, "--report", report.toString(), "--answer-timeout", "20"));
        args.addAll(List.of(extra));
        return Child.start(dir, name, List.of(), args.toArray(String[]::new));
    }

    private Child put(String name, Path file, String bob) throws Exception {
        // Carol's capabilities, as the captured HANDSHAKE has them: the client must repeat the exchange exactly.
        return Child.start(dir, name, List.of(), "endpoint", "put", file.toString(), "--to", bob + "@127.0.0.1:" + port,
                "--caps", "deflate,dedup", "--key", dir.resolve(name + ".key").toString(), "--store", dir.resolve(name + "-store").toString());
    }

    @Test
    void aClientPuttingTheCapturedContentGetsTheCapturedAnswersAndItsPutSucceeds() throws Exception {
        Truth truth = truth();
        Path file = Files.write(dir.resolve("report.txt"), carolsReport(truth));
        Path report = dir.resolve("same.json");
        try (Child replay = responder("replay-same", "responder", report)) {
            String id = replay.await("node ([0-9a-f]{32}) on udp /127\\.0\\.0\\.1:\\d+, replaying the responder of conversation 1: waiting up to 60 s", 60);
            assertEquals(truth.bob(), id, "it listens under the captured responder's CellID");
            Child put = put("put-same", file, id);
            assertEquals(0, put.finish(60), put.tail() + replay.tail());
            assertEquals(truth.root() + "\n", put.out(), "the put succeeded, with the captured object's root");
            assertEquals(0, replay.finish(30), replay.tail());
            String out = replay.out();
            String client = put.await("node ([0-9a-f]{32})", 1);
            assertTrue(out.startsWith("Conversation 1: 15e3bf75aa0bafd8b5ed955c857cb6f7 -> " + truth.bob() + ", replayed as the responder ("
                    + truth.bob() + ") to the live initiator " + client + "\n"), out);
            assertTrue(out.contains("Sent: 4 of 4 messages"), out);
            assertTrue(out.contains("Messages: 4 live, 4 captured; no differences"), out);
            String json = Files.readString(report);
            assertTrue(json.contains("\"side\": \"responder\""), json);
            assertTrue(json.contains("\"differences\": []"), json);
            // the live offer is Carol's: her root and both chunks, then a BLOCK_PUT of each, as captured
            assertTrue(json.contains("\"live_answers\": [\n    {\"index\": 0, \"op\": \"HANDSHAKE\", \"detail\": \"caps=0x5 req=0x0\"},\n"
                    + "    {\"index\": 1, \"op\": \"DAG_SYNC\", \"root\": \"" + truth.root() + "\", \"nodes\": [\"" + String.join("\", \"", truth.chunks())
                    + "\"]},\n    {\"index\": 2, \"op\": \"BLOCK_PUT\", \"block_hash\": \"" + truth.chunks().get(0) + "\"},\n"
                    + "    {\"index\": 3, \"op\": \"BLOCK_PUT\", \"block_hash\": \"" + truth.chunks().get(1) + "\"}\n  ]"), json);
        }
    }

    @Test
    void aClientPuttingOneChangedBlockDiffersInExactlyThatBlockAndTheReplayStopsThere() throws Exception {
        Truth truth = truth();
        byte[] content = carolsReport(truth);
        content[BLOCK + 1000] ^= 1; // one byte of the second chunk
        List<String> changed = cids(content);
        assertEquals(truth.chunks().get(0), changed.get(0));
        Path file = Files.write(dir.resolve("changed.txt"), content);
        Path report = dir.resolve("changed.json");
        // --as by CellID: Bob's, the conversation's responder
        try (Child replay = responder("replay-changed", truth.bob(), report)) {
            String id = replay.await("node ([0-9a-f]{32}) on udp", 60);
            Child put = put("put-changed", file, id);
            // The offer differs, so the replay does not answer it with Bob's captured DAG_SYNC (which names Carol's chunks) and closes.
            assertEquals(1, put.finish(60), put.tail());
            assertEquals(3, replay.finish(30), "exit 3: the messages differ\n" + replay.tail());
            String out = replay.out();
            List<String> differing = out.lines().filter(l -> l.startsWith("  message ")).toList();
            assertEquals(List.of("  message 1: root " + truth.root() + " -> " + root(changed) + "; nodes 2 -> 2, not listed live: "
                    + truth.chunks().get(1) + ", listed only live: " + changed.get(1)), differing, out);
            assertTrue(out.contains("Sent: 1 of 4 messages"), "only the HANDSHAKE, which the client's HANDSHAKE asked for\n" + out);
            assertTrue(out.contains("Messages: 2 live, 4 captured; 1 differ"), out);
            assertTrue(out.contains("Note: stopped at the live initiator's message 1, the first that differs"), out);
            String json = Files.readString(report);
            assertEquals(1, Pattern.compile("\\{\"index\": \\d+, \"what\": ").matcher(json).results().count(), json);
        }
    }

    @Test
    void nobodyConnectingWithinTheAcceptTimeoutIsOneLineAndExit1() throws Exception {
        try (Child replay = responder("replay-alone", "server", dir.resolve("alone.json"), "--accept-timeout", "1")) {
            long t0 = System.nanoTime();
            assertEquals(1, replay.finish(60), replay.tail());
            long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
            assertEquals("", replay.out());
            List<String> errors = replay.err().lines().filter(l -> l.startsWith("cellscope: ")).toList();
            assertEquals(List.of("cellscope: nobody connected to " + truth().bob() + " within 1 s (on udp /127.0.0.1:" + port + ")"), errors, replay.err());
            assertFalse(replay.err().contains("Exception"), replay.err());
            assertFalse(Files.exists(dir.resolve("alone.json")), "no report of a replay that never started");
            assertTrue(seconds < 15, "took " + seconds + " s");
        }
    }
}
