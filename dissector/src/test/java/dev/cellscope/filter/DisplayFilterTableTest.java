package dev.cellscope.filter;

import dev.cellscope.dissect.Dissector;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The acceptance tables: {@code matches.tsv} (filter → matching frames of the fixture) and
 * {@code errors.tsv} (bad filter → exact message and position).
 */
class DisplayFilterTableTest {

    @Test
    void tablesAreLargeEnough() {
        assertTrue(FilterTables.read("matches.tsv").size() >= 80);
        assertTrue(FilterTables.read("errors.tsv").size() >= 20);
    }

    @TestFactory
    Stream<DynamicTest> filtersMatchTheReviewedFrames() {
        Dissector d = new Dissector();
        return FilterTables.read("matches.tsv").stream().map(row -> DynamicTest.dynamicTest(
                "matches.tsv:" + row.line() + " " + row.expression(), () -> {
                    DisplayFilter f = DisplayFilter.compile(row.expression());
                    String compiled = FilterTables.spec(FilterTables.compiled(f, d));
                    String reference = FilterTables.spec(FilterTables.reference(f));
                    assertEquals(FilterTables.spec(FilterTables.frames(row.expected())), compiled, "compiled: " + row.expression() + " parsed as " + f);
                    assertEquals(FilterTables.spec(FilterTables.frames(row.expected())), reference, "reference: " + row.expression() + " parsed as " + f);
                }));
    }

    @TestFactory
    Stream<DynamicTest> badFiltersSayWhatAndWhere() {
        return FilterTables.read("errors.tsv").stream().map(row -> DynamicTest.dynamicTest(
                "errors.tsv:" + row.line() + " " + row.expression(), () -> {
                    FilterException e = assertThrows(FilterException.class, () -> DisplayFilter.compile(row.expression()));
                    assertEquals(row.why(), e.getMessage(), row.expression());
                    assertEquals(Integer.parseInt(row.expected()), e.column(), "column of: " + e.getMessage());
                }));
    }

    @Test
    void caretLinePointsAtTheColumn() {
        FilterException e = assertThrows(FilterException.class, () -> DisplayFilter.compile("utcp.sq == 3"));
        assertEquals("unknown field 'utcp.sq' at column 1; did you mean 'utcp.seq'?", e.getMessage());
        assertEquals("utcp.sq == 3\n^", e.caretLine());
        FilterException v = assertThrows(FilterException.class, () -> DisplayFilter.compile("utcp.seq == \"abc\""));
        assertEquals("utcp.seq == \"abc\"\n            ^", v.caretLine());
    }

    @Test
    void blankFilterMatchesEverything() {
        DisplayFilter f = DisplayFilter.compile("  ");
        assertTrue(f.matchesEverything());
        assertEquals(34, FilterTables.compiled(f, new Dissector()).size());
    }

    @Test
    void fieldsAreTheOnesMentioned() {
        DisplayFilter f = DisplayFilter.compile("utcp.flags.data == 1 && utcp.seq > 1000 && !tether");
        assertEquals(List.of("utcp.flags.data", "utcp.seq", "tether"), f.fields().stream().map(x -> x.name()).toList());
    }

    @Test
    void sinkSkipsLayersTheFilterDoesNotRead() {
        FilterSink s = DisplayFilter.compile("utcp.seq > 3").newSink();
        assertTrue(s.wantsLayer(dev.cellscope.field.UtcpFields.UTCP));
        assertFalse(s.wantsLayer(dev.cellscope.field.SbiFields.SBI));
        assertFalse(s.wantsLayer(dev.cellscope.field.TetherFields.TETHER));
        assertFalse(s.wantsExperts());
        assertFalse(s.wants(dev.cellscope.field.UtcpFields.SRC));
        FilterSink all = DisplayFilter.compile("expert.severity >= warn").newSink();
        assertTrue(all.wantsLayer(dev.cellscope.field.SbiFields.SBI));
        assertTrue(all.wantsLayer(dev.cellscope.field.TetherFields.TETHER));
        assertTrue(all.wantsExperts());
    }

    @Test
    void aSinkBelongsToItsFilter() {
        FilterSink other = DisplayFilter.compile("utcp").newSink();
        assertThrows(IllegalArgumentException.class, () -> DisplayFilter.compile("utcp").matches(other));
    }
}
