package dev.cellscope.cli.endpoint;

import dev.cellscope.crypto.Blake3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 15, item 3, "what it must show": a committed sample's client side ({@code mesh-transfer}:
 * alice puts two objects to bob) replayed with {@code cellscope replay --as initiator} into a real
 * {@code cellscope endpoint serve} in its own JVM over UDP loopback. Ground truth is the sample's
 * {@code .truth.json} (written by the simulated stack that made the capture): the objects' roots and
 * chunks. Against a serve stocked as bob was (empty), no difference, and serve's store ends up with
 * alice's objects whole; against a serve already holding one of the chunks, exactly that block's
 * answer differs (serve's DAG_SYNC no longer asks for it), and the command exits 3.
 */
class ReplayAsPeerTest {
    static final Path SAMPLE = Path.of("..", "samples", "captures", "mesh-transfer.pcapng").toAbsolutePath().normalize();
    static final Path TRUTH = Path.of("..", "samples", "captures", "mesh-transfer.truth.json").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    record Object(String root, List<String> chunks) {}

    static List<Object> alicesObjects() throws Exception {
        Matcher m = Pattern.compile("\"from\": \"alice\",[^}]*?\"root\": \"([0-9a-f]{64})\",[^}]*?\"chunks\": \\[([^\\]]*)\\]")
                .matcher(Files.readString(TRUTH));
        List<Object> out = new ArrayList<>();
        while (m.find()) out.add(new Object(m.group(1), Pattern.compile("[0-9a-f]{64}").matcher(m.group(2)).results().map(r -> r.group()).toList()));
        assertEquals(2, out.size(), "the truth lists alice's two objects");
        return out;
    }

    private record Served(Child serve, String id, int port) implements AutoCloseable {
        public void close() {
            serve.close();
        }
    }

    private Served serve(String name, Path store, String... extra) throws Exception {
        int port = 37000 + (int) (ProcessHandle.current().pid() % 800) + name.length();
        List<String> args = new ArrayList<>(List.of("endpoint", "serve", "--key", dir.resolve(name + ".key").toString(),
                "--store", store.toString(), "--listen", "127.0.0.1:" + port));
        args.addAll(List.of(extra));
        Child serve = Child.start(dir, name, List.of(), args.toArray(String[]::new));
        return new Served(serve, serve.await("node ([0-9a-f]{32})", 60), port);
    }

    private Child replay(Served to, Path report) throws Exception {
        Child r = Child.start(dir, "replay-" + to.port(), List.of(), "replay", "-r", SAMPLE.toString(), "--as", "initiator",
                "--to", to.id() + "@127.0.0.1:" + to.port(), "--report", report.toString(), "--answer-timeout", "20");
        assertTrue(r.waitMillis(120_000), "replay still running after 120 s\n" + r.tail());
        return r;
    }

    @Test
    void aServeStockedAsTheCapturedPeerAnswersAsItDidAndOneHeldBlockIsExactlyTheDifference() throws Exception {
        List<Object> objects = alicesObjects();
        Path store = dir.resolve("store");
        Path report = dir.resolve("same.json");
        try (Served empty = serve("serve", store)) {
            Child r = replay(empty, report);
            assertEquals(0, r.finish(5), r.out() + r.err() + empty.serve().tail());
            assertTrue(r.out().contains("Answers: 8 live, 8 captured; no differences"), r.out());
            String json = Files.readString(report);
            assertTrue(json.contains("\"differences\": []"), json);
            // What serve stored is alice's objects, whole: the replayed BLOCK_PUTs reached it intact.
            for (Object o : objects) {
                byte[] manifest = Files.readAllBytes(store.resolve("objects").resolve(o.root()));
                assertEquals(o.root(), HexFormat.of().formatHex(Blake3.hash(manifest)));
                for (String cid : o.chunks()) {
                    assertEquals(cid, HexFormat.of().formatHex(Blake3.hash(Files.readAllBytes(store.resolve("blocks").resolve(cid)))));
                }
            }
            // serve answered the first offer with every chunk of notes.txt (it lacked them all, as bob did).
            assertTrue(json.contains("\"root\": \"" + objects.get(0).root() + "\", \"nodes\": [\"" + String.join("\", \"", objects.get(0).chunks()) + "\"]"), json);
        }

        String held = objects.get(0).chunks().get(1);
        Path stocked = Files.createDirectories(dir.resolve("stocked/blocks"));
        Files.copy(store.resolve("blocks").resolve(held), stocked.resolve(held));
        Path diff = dir.resolve("diff.json");
        try (Served one = serve("serve-one-block", dir.resolve("stocked"))) {
            Child r = replay(one, diff);
            assertEquals(3, r.finish(5), "exit 3: the answers differ\n" + r.out() + r.err());
            List<String> differing = r.out().lines().filter(l -> l.startsWith("  message ")).toList();
            assertEquals(List.of("  message 1: nodes 3 -> 2, not listed live: " + held), differing, r.out());
            String json = Files.readString(diff);
            assertEquals(1, Pattern.compile("\\{\"index\": 1, \"what\": ").matcher(json).results().count(), json);
        }
    }

    @Test
    void aPeerThatRefusesTheHandshakeEndsTheReplayAtOnceWithItsNackAsTheDifference() throws Exception {
        // serve requiring a feature alice's captured HANDSHAKE lacks (recompress, 0x8) NACKs and closes, as PROTOCOLS.md has it
        try (Served strict = serve("serve-strict", dir.resolve("strict"), "--require", "recompress")) {
            long t0 = System.nanoTime();
            Child r = replay(strict, dir.resolve("strict.json"));
            long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
            assertEquals(3, r.finish(5), r.out() + r.err());
            String out = r.out();
            assertTrue(out.contains("  message 0: caps=0x7 req=0x0 -> caps=0x7 req=0x8"), out);
            assertTrue(out.contains("  message 1: op DAG_SYNC -> NACK"), out);
            assertTrue(out.contains("live:     NACK ref=0 error=2 missing_required_features"), out);
            assertTrue(out.contains("Answers: 2 live, 8 captured"), out);
            assertTrue(out.contains("Note: the peer closed its direction after 2 messages"), out);
            // it ended when the peer closed, not after waiting out the 20 s answer timeout for answers that cannot come
            assertTrue(seconds < 20, "took " + seconds + " s\n" + out);
        }
    }

    /**
     * User review: a peer that is down gave eight "the live peer did not send this message" differences and exit 3 (the
     * answers differ), and a report that could not be written was an internal error after the whole replay. Now both are
     * one line, exit 1, and the report path is checked before anything is sent.
     */
    @Test
    void aPeerThatIsDownOrAReportThatCannotBeWrittenIsOneLine() throws Exception {
        int port = TetherCliTest.freeUdpPort();
        String to = "e1540831c70c8a1b4c16b4a2c2b5f3d9@127.0.0.1:" + port;
        Path report = dir.resolve("down.json");
        try (Child r = Child.start(dir, "down", List.of(), "replay", "-r", SAMPLE.toString(), "--as", "initiator", "--to", to,
                "--report", report.toString(), "--answer-timeout", "2")) {
            assertEquals(1, r.finish(60), r.tail());
            assertEquals("cellscope: --to " + to + ": the peer did not open the connection within 2.0 s (is it running there?)\n", r.err(), r.tail());
            assertFalse(Files.exists(report), "no report for a replay that never reached the peer");
        }
        Path nowhere = dir.resolve("no-such-dir").resolve("x.json");
        long t0 = System.nanoTime();
        try (Child r = Child.start(dir, "badreport", List.of(), "replay", "-r", SAMPLE.toString(), "--as", "initiator", "--to", to,
                "--report", nowhere.toString(), "--answer-timeout", "20")) {
            assertEquals(1, r.finish(60), r.tail());
            assertEquals("cellscope: " + nowhere + ": no such directory " + nowhere.getParent() + "\n", r.err(), r.tail());
        }
        assertTrue((System.nanoTime() - t0) / 1_000_000_000L < 15, "refused before the replay (its answer timeout is 20 s)");
    }
}
