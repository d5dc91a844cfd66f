package dev.cellscope.samples;

import dev.cellscope.analysis.AnalysisConfig;
import dev.cellscope.analysis.CaptureAnalysis;
import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.dissect.ProtoNode;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.expert.Expert;
import dev.cellscope.expert.ExpertGroup;
import dev.cellscope.expert.Severity;
import dev.cellscope.field.SbiFields;
import dev.cellscope.field.UtcpFields;
import dev.cellscope.io.CaptureReader;
import dev.cellscope.io.Packet;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.cellscope.samples.ScenarioTruthTest.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The attack scenario captures through the full dissector and analysis, against the ground truth
 * the runner wrote from what Mallory sent and what Bob's stack did.
 */
class AttackScenarioTruthTest {

    @Test
    void corruptBlockIsFlaggedAndTheOthersVerify() throws IOException {
        Map<String, Object> truth = truth("corrupt-block");
        Analysed a = analysed("corrupt-block", truth);
        Set<String> good = new TreeSet<>(), bad = new TreeSet<>();
        for (Object c : list(obj(truth, "legitimate"), "chunks")) good.add((String) c);
        for (Object b : list(obj(truth, "attack"), "blocks")) {
            (Boolean.TRUE.equals(((Map<?, ?>) b).get("corrupted")) ? bad : good).add(str(b, "block_hash"));
        }
        assertEquals(1, bad.size(), "the truth has one corrupted block");
        Set<String> verified = new TreeSet<>(), failed = new TreeSet<>();
        for (ProtoTree t : a.frames) {
            List<ProtoNode> hashes = t.find(SbiFields.PUT_HASH), ok = t.find(SbiFields.PUT_VERIFIED);
            for (int i = 0; i < ok.size(); i++) {
                (ok.get(i).number() == 1 ? verified : failed).add(HexFormat.of().formatHex(hashes.get(i).bytes()));
            }
        }
        assertEquals(good, verified, "verified blocks");
        assertEquals(bad, failed, "failed blocks");
        // Bob refused it with hash_mismatch (code 4), and the analyser sees that NACK.
        List<Object> nacks = list(obj(truth, "attack"), "receiver_nacks");
        assertEquals(List.of("hash_mismatch"), nacks.stream().map(n -> str(n, "error")).toList());
        assertEquals(4, num(nacks.getFirst(), "error_code"));
        assertEquals(List.of(4L), nackCodes(a), "the NACK codes the analyser decodes");
        // The frame carrying the corrupted block has an error finding; the good ones have none.
        for (ProtoTree t : a.frames) {
            List<ProtoNode> hashes = t.find(SbiFields.PUT_HASH);
            if (hashes.isEmpty()) continue;
            boolean isBad = bad.contains(HexFormat.of().formatHex(hashes.getFirst().bytes()));
            boolean error = t.experts().stream().anyMatch(n -> n.expert().severity() == Severity.ERROR);
            assertEquals(isBad, error, "error finding on the BLOCK_PUT of " + HexFormat.of().formatHex(hashes.getFirst().bytes()));
        }
    }

    @Test
    void oversizeFrameLenIsReportedAtTheAttackersFrame() throws IOException {
        checkFrameLen("oversize-frame", false);
    }

    @Test
    void legacyJsonPeerIsReported() throws IOException {
        checkFrameLen("legacy-json-peer", true);
    }

    private static void checkFrameLen(String name, boolean json) throws IOException {
        Map<String, Object> truth = truth(name);
        Analysed a = analysed(name, truth);
        Map<String, Object> attack = obj(truth, "attack");
        long claimed = num(attack, "claimed_frame_len");
        String mallory = str(obj(obj(truth, "nodes"), "mallory"), "cellid");
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < a.frames.size(); i++) {
            for (ProtoNode n : a.frames.get(i).experts()) {
                Expert e = n.expert();
                if (e.severity() == Severity.ERROR && e.group() == ExpertGroup.MALFORMED && e.message().contains("frame_len " + claimed + " out of range")) {
                    assertEquals(json, e.message().contains("legacy JSON peer"), name + ": legacy JSON named iff the stream starts with '{': " + e);
                    assertEquals(mallory, HexFormat.of().formatHex(a.frames.get(i).find(UtcpFields.SRC).getFirst().bytes()), name + ": finding on Mallory's frame");
                    at.add(i);
                }
            }
        }
        assertEquals(1, at.size(), name + ": one frame_len finding, at the attacker's frame");
        // Bob refused: invalid_frame_size, and closed.
        List<Object> nacks = list(attack, "receiver_nacks");
        assertEquals(List.of(1L), nacks.stream().map(n -> num(n, "error_code")).toList(), name + ": Bob's NACK");
        assertEquals(true, attack.get("mallory_connection_closed_by_peer"));
        assertEquals(List.of(1L), nackCodes(a), name + ": the NACK codes the analyser decodes");
        // The legitimate transfer still verifies.
        Set<String> verified = new TreeSet<>();
        for (ProtoTree t : a.frames) {
            List<ProtoNode> hashes = t.find(SbiFields.PUT_HASH), ok = t.find(SbiFields.PUT_VERIFIED);
            for (int i = 0; i < ok.size(); i++) if (ok.get(i).number() == 1) verified.add(HexFormat.of().formatHex(hashes.get(i).bytes()));
        }
        Set<String> chunks = new TreeSet<>();
        for (Object c : list(obj(truth, "legitimate"), "chunks")) chunks.add((String) c);
        assertEquals(chunks, verified, name + ": Alice's blocks verified");
    }

    @Test
    void unknownCellIdsMatchTheScan() throws IOException {
        Map<String, Object> truth = truth("unknown-cellid-scan");
        Map<String, Object> nodes = obj(truth, "nodes");
        Set<String> book = Set.of(str(obj(nodes, "alice"), "cellid"), str(obj(nodes, "bob"), "cellid"));
        Analysed a = new Analysed(ScenarioTruthTest.CAPTURES.resolve("unknown-cellid-scan.pcapng"), AnalysisConfig.defaults().withKnownCellIds(book));
        assertEquals(num(obj(truth, "wire"), "frames_recorded"), a.frames.size());
        Set<String> unknownDst = new TreeSet<>(), unknownSrc = new TreeSet<>();
        for (Expert e : a.experts()) {
            if (e.group() != ExpertGroup.SECURITY || !e.message().endsWith("is not in the address book")) continue;
            String id = e.message().split(" ")[1];
            (e.message().contains("(destination)") ? unknownDst : unknownSrc).add(id);
        }
        Map<String, Object> attack = obj(truth, "attack");
        Set<String> injected = new TreeSet<>();
        for (Object d : list(attack, "dst_cellids")) injected.add((String) d);
        assertEquals(num(attack, "distinct_dst_cellids"), injected.size());
        assertEquals(injected.size(), unknownDst.size(), "distinct unknown destination CellIDs");
        assertEquals(injected, unknownDst, "the unknown destinations are the scanned ones");
        assertEquals(Set.of(str(attack, "src_cellid")), unknownSrc, "the only unknown source is the scanner");
        // Bob's NetSwitch dropped every one for its unknown destination.
        assertEquals(num(attack, "syns_injected"), num(obj(obj(truth, "receiver"), "switch_drops"), "unknown_dst"));
        // Without an address book there are no such findings.
        Analysed plain = new Analysed(ScenarioTruthTest.CAPTURES.resolve("unknown-cellid-scan.pcapng"));
        assertTrue(plain.experts().stream().noneMatch(e -> e.message().endsWith("is not in the address book")));
    }

    /** Every SBI NACK error code the dissector decodes, in frame order. */
    private static List<Long> nackCodes(Analysed a) {
        List<Long> codes = new ArrayList<>();
        for (ProtoTree t : a.frames) for (ProtoNode n : t.find(SbiFields.NACK_ERROR_CODE)) codes.add(n.number());
        return codes;
    }

    private static Analysed analysed(String name, Map<String, Object> truth) throws IOException {
        Analysed a = new Analysed(ScenarioTruthTest.CAPTURES.resolve(name + ".pcapng"));
        assertTrue(a.readCleanly, name + ": reads cleanly");
        assertEquals(num(obj(truth, "wire"), "frames_recorded"), a.frames.size(), name + ": frames recorded");
        return a;
    }
}
