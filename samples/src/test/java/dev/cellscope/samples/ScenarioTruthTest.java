package dev.cellscope.samples;

import dev.cellscope.dissect.ProtoNode;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.expert.Expert;
import dev.cellscope.expert.ExpertGroup;
import dev.cellscope.expert.Severity;
import dev.cellscope.field.LinkFields;
import dev.cellscope.field.SbiFields;
import dev.cellscope.field.UtcpFields;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Each committed scenario capture, run through the full dissector and analysis, against the
 * ground truth its runner wrote (not against a snapshot of the dissector's output).
 */
class ScenarioTruthTest {
    static final Path CAPTURES = Path.of("captures");

    @TestFactory
    Stream<DynamicTest> findingsMatchTheGroundTruth() {
        // The attack scenarios have their own checks (AttackScenarioTruthTest): failed blocks and errors are expected there.
        return Scenarios.COMMITTED.stream().filter(n -> !AttackScenarios.NAMES.contains(n)).map(name -> DynamicTest.dynamicTest(name, () -> check(name)));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> truth(String name) throws IOException {
        return (Map<String, Object>) JsonRead.parse(java.nio.file.Files.readString(Scenarios.truthPath(CAPTURES.resolve(name + ".pcapng"))));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Object o, String key) {
        return (Map<String, Object>) ((Map<String, Object>) o).get(key);
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o, String key) {
        return (List<Object>) ((Map<String, Object>) o).get(key);
    }

    static String str(Object o, String key) {
        return (String) ((Map<?, ?>) o).get(key);
    }

    static long num(Object o, String key) {
        return ((Number) ((Map<?, ?>) o).get(key)).longValue();
    }

    /** big-transfer is generated on demand: a small one, sized by its flag, checked the same way. */
    @Test
    void bigTransferHasTheAskedFramesAndMatchesItsTruth(@TempDir Path dir) throws IOException {
        Path capture = dir.resolve("big.pcapng");
        Scenarios.generate("big-transfer", capture, 12_000, 7);
        Map<String, Object> truth = parse(capture);
        long recorded = num(obj(truth, "wire"), "frames_recorded");
        assertTrue(recorded >= 12_000 && recorded < 12_000 + 8_000, "frames recorded " + recorded + " for 12000 asked");
        assertTrue(list(obj(truth, "sbi"), "objects").size() >= 2, "more than one 8 MiB file for 12000 frames");
        for (Object o : list(obj(truth, "sbi"), "objects")) assertEquals(Boolean.TRUE, ((Map<?, ?>) o).get("received_intact"));
        check("big-transfer", capture, truth);
    }

    /**
     * mixed-wire: the cell traffic is found however the mirror port carries it (Alice↔Bob tagged
     * VLAN 100, Carol↔Bob in UDP/34997) and the other hosts' DNS/mDNS frames are left alone.
     */
    @Test
    void mixedWireFindsTheCellTrafficInEveryEncapsulation() throws IOException {
        Map<String, Object> truth = truth("mixed-wire");
        Analysed a = new Analysed(CAPTURES.resolve("mixed-wire.pcapng"));
        String carol = str(obj(obj(truth, "nodes"), "carol"), "cellid");
        long vlanId = num(obj(obj(truth, "wire"), "vlan_by_node"), "alice");
        long viaVlan = 0, viaUdp = 0, foreign = 0;
        for (ProtoTree t : a.frames) {
            List<ProtoNode> src = t.find(UtcpFields.SRC), dst = t.find(UtcpFields.DST);
            List<ProtoNode> vlan = t.find(LinkFields.VLAN_ID), port = t.find(LinkFields.UDP_DSTPORT);
            if (src.isEmpty()) {
                foreign++;
                assertTrue(vlan.isEmpty() && port.size() == 1 && Set.of(53L, 5353L).contains(port.getFirst().number()),
                        "a foreign frame is plain DNS/mDNS over UDP");
                assertTrue(t.experts().isEmpty(), "no finding on another host's frame");
                continue;
            }
            boolean carols = HexFormat.of().formatHex(src.getFirst().bytes()).equals(carol)
                    || HexFormat.of().formatHex(dst.getFirst().bytes()).equals(carol);
            if (carols) {
                viaUdp++;
                assertTrue(vlan.isEmpty() && port.size() == 1 && port.getFirst().number() == 34997, "Carol↔Bob travels in UDP/34997");
            } else {
                viaVlan++;
                assertTrue(port.isEmpty() && vlan.size() == 1 && vlan.getFirst().number() == vlanId, "Alice↔Bob travels in VLAN " + vlanId);
            }
        }
        assertEquals(num(obj(truth, "wire"), "foreign_frames_recorded"), foreign, "other hosts' frames");
        long carolFrames = 0, aliceFrames = 0;
        for (Object d : list(truth, "utcp")) {
            long sent = num(d, "frames_sent");
            if (str(d, "from").equals("carol") || str(d, "to").equals("carol")) carolFrames += sent; else aliceFrames += sent;
        }
        long dropped = num(obj(truth, "wire"), "frames_dropped"), duplicated = num(obj(truth, "wire"), "frames_duplicated");
        assertEquals(carolFrames + aliceFrames - dropped + duplicated, viaUdp + viaVlan, "cell frames recorded");
        assertTrue(viaUdp > 0 && viaVlan > 0, "both encapsulations present");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(Path capture) throws IOException {
        return (Map<String, Object>) JsonRead.parse(java.nio.file.Files.readString(Scenarios.truthPath(capture)));
    }

    private static void check(String name) throws IOException {
        check(name, CAPTURES.resolve(name + ".pcapng"), truth(name));
    }

    private static void check(String name, Path capture, Map<String, Object> truth) throws IOException {
        Analysed a = new Analysed(capture);
        assertTrue(a.readCleanly, name + ": the capture does not read cleanly");
        assertEquals(num(obj(truth, "wire"), "frames_recorded"), a.frames.size(), name + ": frames recorded");
        if (truth.containsKey("utcp")) checkUtcp(name, truth, a);
        if (truth.containsKey("sbi")) checkSbi(name, truth, a);
    }

    /** Per direction (src and dst CellID): which seqs the analysis calls retransmitted, out of order, duplicate, missing. */
    private static void checkUtcp(String name, Map<String, Object> truth, Analysed a) {
        Map<String, TreeSet<Long>> retrans = new TreeMap<>(), ooo = new TreeMap<>(), dup = new TreeMap<>();
        Map<String, Long> missing = new TreeMap<>();
        for (ProtoTree t : a.frames) {
            List<ProtoNode> src = t.find(UtcpFields.SRC), dst = t.find(UtcpFields.DST), seq = t.find(UtcpFields.SEQ);
            if (src.isEmpty() || dst.isEmpty() || seq.isEmpty()) continue;
            String s = HexFormat.of().formatHex(src.getFirst().bytes()) + ">" + HexFormat.of().formatHex(dst.getFirst().bytes());
            long q = seq.getFirst().number();
            if (flag(t, UtcpFields.RETRANSMISSION)) retrans.computeIfAbsent(s, k -> new TreeSet<>()).add(q);
            if (flag(t, UtcpFields.OUT_OF_ORDER)) ooo.computeIfAbsent(s, k -> new TreeSet<>()).add(q);
            if (flag(t, UtcpFields.DUPLICATE)) dup.computeIfAbsent(s, k -> new TreeSet<>()).add(q);
            for (ProtoNode m : t.find(UtcpFields.MISSING)) missing.merge(s, m.number(), Long::sum);
        }
        long opened = 0, finsDelivered = 0;
        for (Object d : list(truth, "utcp")) {
            String src = str(d, "src_cellid") + ">" + str(d, "dst_cellid");
            String where = name + " " + str(d, "from") + "→" + str(d, "to") + ": ";
            assertEquals(seqs(list(d, "data_retransmitted")), retrans.getOrDefault(src, new TreeSet<>()), where + "retransmitted seqs");
            assertEquals(seqs(list(d, "data_reordered_and_overtaken")), ooo.getOrDefault(src, new TreeSet<>()), where + "out-of-order seqs");
            assertEquals(seqs(list(d, "data_duplicated")), dup.getOrDefault(src, new TreeSet<>()), where + "duplicated seqs");
            // Missing at the tap: not yet seen when a later DATA seq was (lost on first send, or overtaken).
            Set<Long> gaps = seqs(list(d, "data_missing_at_tap"));
            Set<Long> causes = seqs(list(d, "data_lost_on_first_send"));
            causes.addAll(seqs(list(d, "data_reordered_and_overtaken")));
            assertTrue(causes.containsAll(gaps), where + "a seq missing at the tap that the wire neither lost nor held back");
            assertEquals(gaps.size(), missing.getOrDefault(src, 0L), where + "seqs reported missing before later ones");
            if (((Map<?, ?>) d).get("initial_seq") != null) opened++;
            if (Boolean.TRUE.equals(((Map<?, ?>) d).get("fin_recorded"))) finsDelivered++;
        }
        assertEquals(opened, count(a, Severity.CHAT, ExpertGroup.SEQUENCE, "Direction opened"), name + ": directions opened");
        assertEquals(finsDelivered, count(a, Severity.CHAT, ExpertGroup.SEQUENCE, "Direction closed"), name + ": directions closed");
    }

    /** Every block sent verified (BLAKE3 matches), none failed; one agreed handshake per connection, with its compression. */
    private static void checkSbi(String name, Map<String, Object> truth, Analysed a) {
        Set<String> sent = new TreeSet<>();
        for (Object o : list(obj(truth, "sbi"), "objects")) for (Object c : list(o, "chunks")) sent.add((String) c);
        Set<String> verified = new TreeSet<>(), failed = new TreeSet<>();
        for (ProtoTree t : a.frames) {
            List<ProtoNode> hashes = t.find(SbiFields.PUT_HASH), ok = t.find(SbiFields.PUT_VERIFIED);
            for (int i = 0; i < ok.size(); i++) {
                String h = HexFormat.of().formatHex(hashes.get(i).bytes());
                (ok.get(i).number() == 1 ? verified : failed).add(h);
            }
        }
        assertEquals(sent, verified, name + ": verified blocks");
        assertEquals(Set.of(), failed, name + ": failed blocks");
        List<String> agreed = a.experts().stream().filter(e -> e.message().startsWith("Handshake agreed")).map(Expert::message).sorted().toList();
        List<String> expected = new java.util.ArrayList<>();
        for (Object c : list(obj(truth, "sbi"), "connections")) {
            if (str(c, "handshake").equals("refused")) {
                String missing = str(c, "missing_required");
                assertTrue(a.experts().stream().anyMatch(e -> e.severity() == Severity.WARN && e.group() == ExpertGroup.PROTOCOL
                        && e.message().startsWith("Handshake fails") && e.message().contains(missing)), name + ": refused handshake, missing " + missing);
                continue;
            }
            assertEquals("accepted", str(c, "handshake"));
            expected.add(str(c, "compression"));
        }
        assertEquals(expected.stream().sorted().toList(), agreed.stream().map(m -> m.substring(m.lastIndexOf(' ') + 1)).sorted().toList(),
                name + ": handshakes and their compression");
        for (Expert e : a.experts()) {
            assertNotEquals(Severity.ERROR, e.severity(), name + ": unexpected error " + e);
            assertTrue(e.group() == ExpertGroup.SEQUENCE || e.group() == ExpertGroup.PROTOCOL, name + ": unexpected finding " + e);
        }
    }

    private static boolean flag(ProtoTree t, dev.cellscope.field.FieldDef f) {
        return t.find(f).stream().anyMatch(n -> n.number() != 0);
    }

    private static long count(Analysed a, Severity s, ExpertGroup g, String prefix) {
        return a.experts().stream().filter(e -> e.severity() == s && e.group() == g && e.message().startsWith(prefix)).count();
    }

    private static TreeSet<Long> seqs(List<Object> array) {
        TreeSet<Long> s = new TreeSet<>();
        for (Object n : array) s.add(((Number) n).longValue());
        return s;
    }
}
