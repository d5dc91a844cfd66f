package dev.cellscope.output;

import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.dissect.ProtoNode;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.field.ExpertFields;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FieldRegistry;
import dev.cellscope.field.FieldType;
import dev.cellscope.io.CaptureReader;
import dev.cellscope.io.Packet;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The -T fields path skips layers and checks nobody asked for; this proves it skips nothing
 * that was asked for: for every frame of the quickstart sample and every registry field, the
 * values collected for that field alone equal the values in the full detail tree.
 */
class FieldColumnsTest {

    @Test
    void singleFieldColumnsAgreeWithTheFullTree() throws IOException {
        Dissector dissector = new Dissector();
        int compared = 0;
        try (CaptureReader r = CaptureReader.open(Path.of("..", "samples", "captures", "quickstart.pcapng"))) {
            Packet p;
            long first = -1, prev = 0;
            while ((p = r.next()) != null) {
                if (first < 0) first = prev = p.timestampNanos();
                FrameTiming timing = new FrameTiming(first, prev);
                ProtoTree tree = new ProtoTree();
                dissector.dissect(p, timing, tree);
                for (FieldDef f : FieldRegistry.all()) {
                    FieldColumns one = new FieldColumns(List.of(f), ",");
                    dissector.dissect(p, timing, one);
                    assertEquals(expected(tree, f), one.value(0).toString(), "frame " + p.number() + " field " + f.name());
                    compared++;
                }
                prev = p.timestampNanos();
            }
        }
        assertTrue(compared > 4000, "compared " + compared);
    }

    private static final Map<String, List<String>> EITHER_DIRECTION = Map.of("eth.addr", List.of("eth.dst", "eth.src"),
            "ip.addr", List.of("ip.src", "ip.dst"), "ipv6.addr", List.of("ipv6.src", "ipv6.dst"),
            "udp.port", List.of("udp.srcport", "udp.dstport"));

    private static String expected(ProtoTree tree, FieldDef f) {
        if (f.protocol().equals("expert") && f != ExpertFields.EXPERT) {
            return tree.experts().stream().map(n -> switch (f.name()) {
                case "expert.severity" -> n.expert().severity().label();
                case "expert.group" -> n.expert().group().label();
                case "expert.id" -> n.expert().id();
                default -> n.expert().message();
            }).collect(Collectors.joining(","));
        }
        if (f == ExpertFields.EXPERT) return tree.experts().stream().map(n -> "expert").collect(Collectors.joining(","));
        // Wireshark's either-direction fields are not in the tree: they are its two addresses or ports, in Wireshark's order.
        List<String> pair = EITHER_DIRECTION.get(f.name());
        if (pair != null) {
            return pair.stream().flatMap(n -> tree.find(FieldRegistry.byName(n)).stream()).map(ProtoNode::plainValue)
                    .collect(Collectors.joining(","));
        }
        return tree.find(f).stream().map(n -> f.type() == FieldType.PROTOCOL ? f.name() : n.plainValue())
                .collect(Collectors.joining(","));
    }

    /** -E occurrence: frame 1's eth.addr has two occurrences (destination, then source); quotes wrap only values. */
    @Test
    void occurrenceChoosesFirstLastOrAllAndQuotesWrapNonEmptyValues() throws IOException {
        List<FieldDef> fields = List.of(FieldRegistry.byName("eth.addr"), FieldRegistry.byName("ip.src"));
        try (CaptureReader r = CaptureReader.open(Path.of("..", "samples", "captures", "quickstart.pcapng"))) {
            Packet p = r.next();
            FrameTiming timing = new FrameTiming(p.timestampNanos(), p.timestampNanos());
            ProtoTree tree = new ProtoTree();
            new Dissector().dissect(p, timing, tree);
            String dst = tree.find(FieldRegistry.byName("eth.dst")).get(0).plainValue();
            String src = tree.find(FieldRegistry.byName("eth.src")).get(0).plainValue();
            assertNotEquals(dst, src);
            for (FieldColumns.Occurrence o : FieldColumns.Occurrence.values()) {
                FieldColumns c = new FieldColumns(fields, ";", o);
                new Dissector().dissect(p, timing, c);
                StringBuilder row = new StringBuilder();
                c.appendRow(row, '\t', '"');
                String expected = switch (o) {
                    case ALL -> dst + ";" + src;
                    case FIRST -> dst;
                    case LAST -> src;
                };
                assertEquals("\"" + expected + "\"\t", row.toString(), o.name()); // ip.src absent: empty, unquoted
            }
        }
    }

    @Test
    void rowIsTabSeparatedInColumnOrder() throws IOException {
        FieldColumns c = new FieldColumns(List.of(FieldRegistry.byName("frame.number"), FieldRegistry.byName("utcp.seq")), ",");
        try (CaptureReader r = CaptureReader.open(Path.of("..", "samples", "captures", "quickstart.pcapng"))) {
            Packet p = r.next();
            new Dissector().dissect(p, new FrameTiming(p.timestampNanos(), p.timestampNanos()), c);
            StringBuilder b = new StringBuilder();
            c.appendRow(b, '\t');
            assertEquals("1\t1000", b.toString());
        }
    }
}
