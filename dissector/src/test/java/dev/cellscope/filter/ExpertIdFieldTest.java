package dev.cellscope.filter;

import dev.cellscope.analysis.AnalysisConfig;
import dev.cellscope.analysis.CaptureAnalysis;
import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.dissect.ProtoNode;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.expert.Expert;
import dev.cellscope.expert.ExpertRegistry;
import dev.cellscope.field.ExpertFields;
import dev.cellscope.field.FieldRegistry;
import dev.cellscope.io.CaptureReader;
import dev.cellscope.io.Packet;
import dev.cellscope.output.FieldColumns;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** {@code expert.id} selects findings by kind, in display filters and in {@code -T fields}, on sample captures. */
class ExpertIdFieldTest {

    private static Path capture(String name) {
        return Path.of("..", "samples", "captures", name + ".pcapng");
    }

    /** Dissects every frame of the capture, with a fresh single-pass analysis, into the sink {@code sink} gives; then calls {@code after}. */
    private static void run(String name, java.util.function.Supplier<FieldSink> sink, BiConsumer<Long, FieldSink> after)
            throws IOException {
        CaptureAnalysis analysis = CaptureAnalysis.singlePass(AnalysisConfig.defaults());
        Dissector d = new Dissector();
        try (CaptureReader r = CaptureReader.open(capture(name))) {
            Packet p;
            long first = -1, prev = 0;
            while ((p = r.next()) != null) {
                if (first < 0) first = prev = p.timestampNanos();
                FieldSink s = sink.get();
                d.dissect(p, new FrameTiming(first, prev), analysis, s);
                after.accept(p.number(), s);
                prev = p.timestampNanos();
            }
        }
    }

    /** Per frame, the ids of the findings in its full tree. */
    private static Map<Long, List<String>> idsInTrees(String name) throws IOException {
        Map<Long, List<String>> out = new TreeMap<>();
        run(name, ProtoTree::new, (n, s) -> out.put(n, ((ProtoTree) s).experts().stream()
                .map(ProtoNode::expert).map(Expert::id).toList()));
        return out;
    }

    @ParameterizedTest
    @CsvSource({
            "lossy-mesh, utcp.gap",
            "lossy-mesh, utcp.retransmission",
            "tether-overrun, tether.grant_overrun",
            "oversize-frame, sbi.frame_len_range",
            "corrupt-block, sbi.hash_mismatch",
            "unknown-cellid-scan, utcp.opened",
    })
    void filterOnExpertIdSelectsExactlyTheFramesWithThatFinding(String name, String id) throws IOException {
        assertNotNull(ExpertRegistry.byId(id), id + " is declared");
        TreeSet<Long> expected = new TreeSet<>();
        idsInTrees(name).forEach((n, ids) -> { if (ids.contains(id)) expected.add(n); });
        assertFalse(expected.isEmpty(), name + " has " + id + " findings");

        DisplayFilter f = DisplayFilter.compile("expert.id == \"" + id + "\"");
        FilterSink sink = f.newSink();
        TreeSet<Long> matched = new TreeSet<>();
        run(name, () -> { sink.reset(); return sink; }, (n, s) -> { if (f.matches(sink)) matched.add(n); });
        assertEquals(expected, matched, "expert.id == \"" + id + "\" on " + name);
    }

    @ParameterizedTest
    @CsvSource({"lossy-mesh", "tether-overrun", "handshake-mismatch"})
    void fieldsColumnListsTheIdOfEveryFinding(String name) throws IOException {
        Map<Long, List<String>> trees = idsInTrees(name);
        FieldColumns columns = new FieldColumns(List.of(FieldRegistry.byName("expert.id")), ",");
        List<String> mismatches = new ArrayList<>();
        long[] withFindings = {0};
        run(name, () -> { columns.reset(); return columns; }, (n, s) -> {
            String expected = String.join(",", trees.get(n));
            if (!expected.isEmpty()) withFindings[0]++;
            if (!expected.equals(columns.value(0).toString())) mismatches.add(n + ": " + columns.value(0) + " != " + expected);
        });
        assertEquals(List.of(), mismatches);
        assertTrue(withFindings[0] > 0, name + " has findings");
        assertSame(ExpertFields.ID, FieldRegistry.byName("expert.id"));
    }

    @ParameterizedTest
    @CsvSource({"lossy-mesh", "tether-lamp"})
    void everyFindingNamesADeclaredKind(String name) throws IOException {
        Map<String, Long> seen = idsInTrees(name).values().stream().flatMap(List::stream)
                .collect(Collectors.groupingBy(i -> i, TreeMap::new, Collectors.counting()));
        assertFalse(seen.isEmpty());
        for (String id : seen.keySet()) assertNotNull(ExpertRegistry.byId(id), id);
    }
}
