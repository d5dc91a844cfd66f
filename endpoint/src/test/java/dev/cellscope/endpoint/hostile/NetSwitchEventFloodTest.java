package dev.cellscope.endpoint.hostile;

import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.identity.NodeIdentity;
import dev.cellscope.endpoint.mesh.MeshNode;
import dev.cellscope.endpoint.sbi.SbiConfig;
import dev.cellscope.endpoint.sbi.SbiPeerLimits;
import dev.cellscope.endpoint.store.ContentStore;
import dev.cellscope.endpoint.utcp.UtcpConfig;
import dev.cellscope.wire.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Frames anyone can send must not cost a line each: dropped frames (for a CellID not ours, from a CellID the book does
 * not allow) are printed at most once a second per kind, with the count of those held back. On the old code 20,000
 * spoofed SYNs printed 20,000 lines.
 */
class NetSwitchEventFloodTest {

    private static List<String> flood(HostileHarness h, int n, boolean randomDst) {
        List<String> lines = new ArrayList<>();
        h.node.onEvent(lines::add);
        Link<String> evil = h.wire.port("evil");
        Random rnd = new Random(9);
        for (int i = 0; i < n; i++) {
            byte[] src = HostileHarness.randomId(rnd);
            byte[] dst = randomDst ? HostileHarness.randomId(rnd) : h.bobId;
            evil.send("bob", RawWire.utcp(src, dst, rnd.nextInt() & 0xFFFFFFFFL, RawWire.SYN, new byte[0]));
            if (i % 1000 == 999) h.vs.runFor(100_000_000L); // 10,000 frames a second
        }
        h.vs.runFor(2_000_000_000L);
        return lines;
    }

    @Test
    void spoofedSynsFromCellIdsTheBookDoesNotAllowPrintAboutOneLineASecond(@TempDir Path dir) throws Exception {
        Set<Bytes> book = Set.of(Bytes.of(NodeIdentity.generate().cellId()));
        HostileHarness h = new HostileHarness(dir);
        // The harness's node allows anyone; one with the book's allow list is what serve --book runs.
        MeshNode<String> node = new MeshNode<>(h.vs, h.wire.port("bob2"), h.bob, ContentStore.open(dir.resolve("bob2")),
                SbiConfig.of(h.bob), SbiPeerLimits.defaults(), book, book, UtcpConfig.defaults());
        node.serve();
        List<String> lines = new ArrayList<>();
        node.onEvent(lines::add);
        Link<String> evil = h.wire.port("evil");
        Random rnd = new Random(9);
        for (int i = 0; i < 20_000; i++) {
            evil.send("bob2", RawWire.utcp(HostileHarness.randomId(rnd), h.bobId, rnd.nextInt() & 0xFFFFFFFFL, RawWire.SYN, new byte[0]));
            if (i % 1000 == 999) h.vs.runFor(100_000_000L);
        }
        h.vs.runFor(2_000_000_000L);
        assertEquals(20_000, node.endpoint().switchCounters().srcNotAllowed());
        assertTrue(lines.size() <= 5, lines.size() + " lines for 2 s of flood: " + lines.subList(0, Math.min(5, lines.size())));
        assertTrue(lines.stream().anyMatch(l -> l.contains("(not allowed)") && l.matches(".*\\(and \\d+ more like it in the last 1 s\\)")), lines.toString());
        long reported = lines.stream().mapToLong(l -> {
            var m = java.util.regex.Pattern.compile("and (\\d+) more").matcher(l);
            return m.find() ? Long.parseLong(m.group(1)) + 1 : 1;
        }).sum();
        assertEquals(20_000, reported, "every dropped frame is counted in some line: " + lines);
    }

    @Test
    void framesForUnknownCellIdsPrintAboutOneLineASecond(@TempDir Path dir) throws Exception {
        HostileHarness h = new HostileHarness(dir);
        List<String> lines = flood(h, 5_000, true);
        assertEquals(5_000, h.node.endpoint().switchCounters().unknownDst());
        assertTrue(lines.size() <= 3, lines.size() + " lines: " + lines.subList(0, Math.min(5, lines.size())));
        assertTrue(lines.getLast().matches("dropped frame for unknown CellID .* \\(and \\d+ more like it in the last 1 s\\)"), lines.toString());
    }
}
