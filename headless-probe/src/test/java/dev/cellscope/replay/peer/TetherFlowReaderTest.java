package dev.cellscope.replay.peer;

import dev.cellscope.crypto.Crc64GoIso;
import dev.cellscope.dissect.DissectorConfig;
import dev.cellscope.session.CaptureSession;
import dev.cellscope.session.FileSource;
import dev.cellscope.session.SessionOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Tether flows {@code replay --as tether-sender} reads from a capture, checked against the
 * samples' ground truth (written by the simulated stack, not from the capture): the content's length
 * and CRC-64, the receiver's frames the tap recorded by kind (hail, grant, singleton and bulk NACK,
 * confirmation), and the slots of each bulk NACK. tether-lamp lost 13 data frames and one of the receiver's three
 * bulk NACKs on the wire; the re-sends the tap recorded fill every slot, so its content is whole.
 */
class TetherFlowReaderTest {
    static final Path CAPTURES = Path.of("..", "samples", "captures").toAbsolutePath().normalize();

    @ParameterizedTest
    @ValueSource(strings = {"tether-overrun", "tether-lamp"})
    void theFlowIsWhatTheTruthSays(String sample) throws Exception {
        TetherFlowReader reader = new TetherFlowReader();
        new CaptureSession(new FileSource(CAPTURES.resolve(sample + ".pcapng")),
                new SessionOptions(DissectorConfig.defaults(), null, false, Long.MAX_VALUE)).run(reader);
        List<CapturedTetherFlow> flows = reader.flows();
        assertEquals(1, flows.size(), flows.toString());
        CapturedTetherFlow f = flows.getFirst();
        assertNull(f.problem());
        String truth = Files.readString(CAPTURES.resolve(sample + ".truth.json"));
        assertEquals(Long.parseLong(find(truth, "\"content_bytes\": (\\d+)")), f.content().length);
        assertEquals(Long.parseUnsignedLong(find(truth, "\"manifest_checksum\": \"([0-9a-f]+)\""), 16), Crc64GoIso.compute(f.content()));
        assertEquals(Long.parseLong(find(truth, "\"slot_size\": (\\d+)")), f.slotSize());

        // the receiver's ("from": "bob") frames the tap recorded, by kind
        String bob = find(truth, "\"directions\": \\[.*?\"from\": \"bob\",(.*?)\"manifests_recorded\"");
        String recorded = find(bob, "\"frames_recorded\": \\{([^}]*)\\}");
        assertEquals(count(recorded, "hail"), kind(f, TetherAnswer.Kind.HAIL).size(), recorded);
        assertEquals(count(recorded, "grant"), kind(f, TetherAnswer.Kind.GRANT).size(), recorded);
        assertEquals(count(recorded, "singleton_nack"), kind(f, TetherAnswer.Kind.NACK).size(), recorded);
        assertEquals(count(recorded, "bulk_nack"), kind(f, TetherAnswer.Kind.BULK_NACK).size(), recorded);
        assertEquals(count(recorded, "confirm"), kind(f, TetherAnswer.Kind.CONFIRMATION).size(), recorded);
        assertEquals(List.of(Long.parseLong(find(truth, "\"total_slots\": (\\d+)"))), kind(f, TetherAnswer.Kind.CONFIRMATION).getFirst().slots());

        List<List<Long>> bulk = new ArrayList<>();
        Matcher m = Pattern.compile("\\[([0-9, ]+)\\]").matcher(find(bob, "\"bulk_nack_slots\": (\\[\\s*\\]|\\[.*?\\]\\s*\\])"));
        while (m.find()) bulk.add(Pattern.compile("\\d+").matcher(m.group(1)).results().map(r -> Long.parseLong(r.group())).toList());
        // The truth lists the bulk NACKs sent; the tap recorded those the wire did not drop: the same, in order, less those.
        List<List<Long>> read = kind(f, TetherAnswer.Kind.BULK_NACK).stream().map(TetherAnswer::slots).toList();
        assertEquals(count(recorded, "bulk_nack"), read.size());
        int at = 0;
        for (List<Long> slots : read) {
            while (at < bulk.size() && !bulk.get(at).equals(slots)) at++;
            assertTrue(at++ < bulk.size(), "bulk NACK " + slots + " is one the receiver sent, in order: " + bulk);
        }
    }

    private static List<TetherAnswer> kind(CapturedTetherFlow f, TetherAnswer.Kind k) {
        return f.answers().stream().filter(a -> a.kind() == k).toList();
    }

    private static int count(String recorded, String kind) {
        Matcher m = Pattern.compile("\"" + kind + "\": (\\d+)").matcher(recorded);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(text);
        assertTrue(m.find(), regex);
        return m.group(1);
    }
}
