package dev.cellscope.cli.endpoint;

import dev.cellscope.crypto.Crc64GoIso;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 15, item 3, the Tether sender side: the sender of the committed {@code tether-overrun}
 * sample replayed with {@code cellscope replay --as tether-sender} into a real {@code cellscope
 * endpoint tether-recv} in its own JVM over UDP loopback. The oracle is the sample's
 * {@code .truth.json}, written by the simulated stack that made the capture: the content's length and
 * CRC-64, the receiver's window, and the receiver's grant total. The receivers run with a long
 * stall interval ({@code --stall-ms}) so a machine too loaded to send for 40 ms does not make the
 * receiver re-grant, a grant the captured receiver (in virtual time) never had cause to send.
 */
class ReplayAsTetherTest {
    static final Path SAMPLE = Path.of("..", "samples", "captures", "tether-overrun.pcapng").toAbsolutePath().normalize();
    static final Path TRUTH = Path.of("..", "samples", "captures", "tether-overrun.truth.json").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    record Truth(long contentBytes, long checksum, long window, long receiverGrantBytes) {}

    /**
     * The replay and the receiver both ended well, the replay found no difference and saw the confirmation, and the
     * receiver kept the sample's content: its length and CRC-64 as the truth has them.
     */
    static void assertAnsweredAsCapturedAndKept(Child replay, Child receiver, Path kept, Truth truth) throws Exception {
        assertEquals(0, replay.finish(5), replay.out() + replay.err() + receiver.tail());
        assertEquals(0, receiver.finish(30), receiver.tail());
        assertTrue(replay.out().contains("; no differences"), replay.out());
        assertTrue(replay.out().contains("CONFIRMED"), replay.out());
        byte[] bytes = Files.readAllBytes(kept);
        assertEquals(truth.contentBytes(), bytes.length);
        assertEquals(truth.checksum(), Crc64GoIso.compute(bytes), "CRC-64 of the kept file");
    }

    static Truth truth() throws Exception {
        String t = Files.readString(TRUTH);
        return new Truth(number(t, "\"content_bytes\": (\\d+)"), Long.parseUnsignedLong(text(t, "\"manifest_checksum\": \"([0-9a-f]+)\""), 16),
                number(t, "\"receiver_window\": (\\d+)"),
                number(t, "\"receiver_stats\": \\{[^}]*?\"grant_bytes_given\": (\\d+)"));
    }

    private static long number(String t, String regex) {
        return Long.parseLong(text(t, regex));
    }

    private static String text(String t, String regex) {
        Matcher m = Pattern.compile(regex).matcher(t);
        assertTrue(m.find(), regex + " not in the truth");
        return m.group(1);
    }

    private Child receiver(String name, Path out, long window) throws Exception {
        int port = TetherCliTest.freeUdpPort();
        Child recv = Child.start(dir, name, List.of(), "endpoint", "tether-recv", "-o", out.toString(), "--key", dir.resolve(name + ".key").toString(),
                "--listen", "127.0.0.1:" + port, "--window", Long.toString(window), "--stall-ms", "2000", "--timeout", "120");
        String id = recv.await("node [0-9a-f]{32} \\(tether (ac:1d(?::[0-9a-f]{2}){4})\\) on udp .*: waiting for a flow", 60);
        recvTo = id + "@127.0.0.1:" + port;
        return recv;
    }

    private String recvTo;

    private Child replay(Path report, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("replay", "-r", SAMPLE.toString(), "--as", "tether-sender", "--to", recvTo,
                "--report", report.toString()));
        args.addAll(List.of(extra));
        Child r = Child.start(dir, "replay-" + report.getFileName(), List.of(), args.toArray(String[]::new));
        assertTrue(r.waitMillis(180_000), "replay still running after 180 s\n" + r.tail());
        return r;
    }

    private static List<String> differing(String out) {
        return out.lines().filter(l -> l.startsWith("  ")).toList();
    }

    @Test
    void theCapturedFlowIntoAReceiverWithTheCapturedWindowAnswersAsItDidAndKeepsTheCapturedBytes() throws Exception {
        Truth truth = truth();
        Path got = dir.resolve("got.bin"), report = dir.resolve("same.json");
        try (Child recv = receiver("recv", got, truth.window())) {
            Child r = replay(report, "--kept", got.toString());
            assertAnsweredAsCapturedAndKept(r, recv, got, truth);
            // The live receiver granted what the captured one did (the Hail's 4096 is not among the receiver's grants in the truth).
            Matcher g = Pattern.compile("1 hail, (\\d+) grant \\((\\d+) bytes\\), 1 confirmation live").matcher(r.out());
            assertTrue(g.find(), r.out());
            assertEquals(truth.receiverGrantBytes(), Long.parseLong(g.group(2)) + 4096, r.out());
            String json = Files.readString(report);
            assertTrue(json.contains("\"differences\": []") && json.contains("\"status\": \"CONFIRMED\""), json);
        }
    }

    @Test
    void aReceiverWithHalfTheWindowDiffersExactlyInItsGrants() throws Exception {
        Truth truth = truth();
        Path got = dir.resolve("half.bin"), report = dir.resolve("half.json");
        try (Child recv = receiver("recv-half", got, truth.window() / 2)) {
            Child r = replay(report, "--kept", got.toString());
            assertEquals(3, r.finish(5), "exit 3: the answers differ\n" + r.out() + r.err());
            assertEquals(0, recv.finish(30), recv.tail());
            List<String> lines = differing(r.out());
            assertFalse(lines.isEmpty(), r.out());
            for (String l : lines) assertTrue(l.matches("  grant \\d+: .*|    (captured|live): +grant \\d+ bytes"), "not a grant difference: " + l + "\n" + r.out());
            // the first is the opening window, halved
            assertEquals("  grant 0: grant " + truth.window() + " -> " + truth.window() / 2 + " bytes", lines.getFirst(), r.out());
            assertEquals(truth.checksum(), Crc64GoIso.compute(Files.readAllBytes(got)), "the content still arrives intact");
            String json = Files.readString(report);
            assertFalse(json.contains("confirmation\", \"grant\": 0, \"total_slots\": 196}, \"live\": null"), json);
        }
    }

    @Test
    void aReceiverThatCannotKeepTheFileDiffersExactlyInTheConfirmation() throws Exception {
        Truth truth = truth();
        Path outDir = Files.createDirectories(dir.resolve("out")), got = outDir.resolve("got.bin"), report = dir.resolve("refused.json");
        try (Child recv = receiver("recv-refused", got, truth.window())) {
            // tether-recv checked the directory at start; now it is gone, so keeping the file fails and nothing is confirmed
            Files.delete(outDir);
            Child r = replay(report);
            assertEquals(3, r.finish(5), r.out() + r.err());
            recv.finish(60);
            assertEquals(List.of("  confirmation 0: the live peer did not send this confirmation", "    captured: confirmation of 196 slots"),
                    differing(r.out()), r.out());
            assertTrue(r.out().contains("Note: the live sender ended UNCONFIRMED"), r.out());
            assertTrue(Files.readString(report).contains("\"what\": \"the live peer did not send this confirmation\", \"captured\": "
                    + "{\"index\": 0, \"kind\": \"confirmation\", \"grant\": 0, \"total_slots\": 196}, \"live\": null}"), Files.readString(report));
        }
    }

    @Test
    void aFlowWithASlotTheTapLostIsRefusedNamingTheSlot() throws Exception {
        // the sample without slot 7's data frame: a tap that lost it (the sender sent slot 7 once; truth: no re-sends)
        Path cut = dir.resolve("cut.pcapng");
        Child w = Child.start(dir, "cut", List.of(), "replay", "-r", SAMPLE.toString(), "-w", cut.toString(),
                "-Y", "!(tether.flow == 1 && tether.slot == 7 && tether.payload)");
        assertEquals(0, w.finish(120), w.tail());
        Child r = Child.start(dir, "refuse", List.of(), "replay", "-r", cut.toString(), "--as", "tether-sender",
                "--to", "ac:1d:00:00:00:01@127.0.0.1:" + TetherCliTest.freeUdpPort());
        assertEquals(1, r.finish(120), r.tail());
        assertEquals("", r.out());
        assertTrue(r.err().endsWith("Tether flow 1 from ac:1d:b3:0d:30:2f to ac:1d:94:6d:72:7d: slot 7 of 196 is missing from the capture "
                + "(no intact copy), so its content cannot be rebuilt\n"), r.err());
    }
}
