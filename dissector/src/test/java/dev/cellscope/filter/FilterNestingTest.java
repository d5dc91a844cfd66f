package dev.cellscope.filter;

import dev.cellscope.dissect.Dissector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 11 item 7: a filter nested 2,000 deep overflowed the stack. Nesting (parentheses and
 * {@code not}) is limited to {@link Parser#MAX_NESTING} levels with an ordinary FilterException;
 * chains of and/or/xor, which do not nest, may be as long as the filter and are compiled,
 * evaluated, collected and printed without recursing along them.
 */
class FilterNestingTest {
    private static final Dissector D = new Dissector();

    private static String parens(int n, String inner) {
        return "(".repeat(n) + inner + ")".repeat(n);
    }

    private static TreeSet<Long> frames(String filter) {
        return FilterTables.compiled(DisplayFilter.compile(filter), D);
    }

    @Test
    void theLimitIsAHundredLevelsAsInWireshark() {
        assertEquals(100, Parser.MAX_NESTING);
    }

    @Test
    void nestingUpToTheLimitParsesAndMatches() {
        TreeSet<Long> utcp = frames("utcp");
        assertFalse(utcp.isEmpty());
        assertEquals(utcp, frames(parens(100, "utcp")));
        assertEquals(utcp, frames("!".repeat(100) + "utcp"));
        assertEquals(utcp, frames("not ( ".repeat(50) + "utcp" + " )".repeat(50)));
        assertEquals(frames("sbi && !tether"), frames(parens(99, "sbi && " + parens(0, "!tether"))));
    }

    @Test
    void oneLevelMoreIsAFilterErrorAtTheOpeningToken() {
        FilterException p = assertThrows(FilterException.class, () -> DisplayFilter.compile(parens(101, "utcp")));
        assertEquals(101, p.column(), "the 101st '('");
        assertEquals("filter nested too deeply at column 101: at most 100 levels of parentheses and 'not'", p.getMessage());

        FilterException n = assertThrows(FilterException.class, () -> DisplayFilter.compile("!".repeat(101) + "utcp"));
        assertEquals(101, n.column());
        // Mixed: "not (" repeated, so odd levels are 'not's; the 101st level is the 51st 'not', at 0-based 50 * 5.
        String mixed = "not (".repeat(60) + "utcp" + ")".repeat(60);
        FilterException m = assertThrows(FilterException.class, () -> DisplayFilter.compile(mixed));
        assertEquals(50 * 5 + 1, m.column());
    }

    @ParameterizedTest
    @ValueSource(ints = {2_000, 100_000})
    void deepNestingIsRefusedQuickly(int depth) {
        String f = parens(depth, "utcp");
        long t0 = System.nanoTime();
        FilterException e = assertThrows(FilterException.class, () -> DisplayFilter.compile(f));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(101, e.column());
        // Bound: lexing is linear; 200 kB of parentheses in well under 2 s.
        assertTrue(ms < 2_000, depth + " levels took " + ms + " ms");
        assertThrows(FilterException.class, () -> DisplayFilter.compile("!".repeat(depth) + "utcp"));
    }

    /** A chain of {@code n} copies of {@code term} joined by {@code op}. */
    private static String chain(String term, String op, int n) {
        StringBuilder b = new StringBuilder(term);
        for (int i = 1; i < n; i++) b.append(op).append(term);
        return b.toString();
    }

    @Test
    void longChainsDoNotNest() {
        int n = 200_000; // "sbi && " * n: about 1.4 MB of filter
        long before = usedAfterGc();
        long t0 = System.nanoTime();
        DisplayFilter and = DisplayFilter.compile(chain("sbi", " && ", n));
        DisplayFilter or = DisplayFilter.compile(chain("tether", " || ", n - 1) + " || sbi");
        DisplayFilter odd = DisplayFilter.compile(chain("utcp", " ^^ ", n + 1)), even = DisplayFilter.compile(chain("utcp", " ^^ ", n));
        long compileMs = (System.nanoTime() - t0) / 1_000_000;
        long retained = usedAfterGc() - before;
        System.out.printf("FilterNestingTest: 4 chains of %d terms compiled in %d ms, %d MiB retained%n", n, compileMs, retained >> 20);
        assertEquals(frames("sbi"), FilterTables.compiled(and, D));
        assertEquals(frames("tether || sbi"), FilterTables.compiled(or, D));
        assertEquals(frames("utcp"), FilterTables.compiled(odd, D), "an odd number of true terms");
        assertEquals(new TreeSet<Long>(), FilterTables.compiled(even, D), "an even number of true terms");
        // Bounds for 4 filters of ~1-1.6 MB each: < 10 s to compile, < 256 MiB retained (a few dozen bytes a term).
        assertTrue(compileMs < 10_000, "compiling took " + compileMs + " ms");
        assertTrue(retained < 256L << 20, "compiled filters retain " + (retained >> 20) + " MiB");
        assertEquals(java.util.Set.of(dev.cellscope.field.FieldRegistry.byName("sbi")), and.fields());

        // Printing is linear and keeps every grouping: ((sbi && sbi) && sbi)...
        String printed = and.toString();
        assertEquals("(".repeat(n - 1) + "sbi" + " && sbi)".repeat(n - 1), printed);
        assertEquals("((utcp || (sbi && tether)) || !(tether ^^ utcp))",
                DisplayFilter.compile("utcp or sbi and tether or not (tether xor utcp)").toString());
        assertEquals("(utcp && (sbi && tether))", DisplayFilter.compile("utcp && (sbi && tether)").toString());
    }

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }
}
