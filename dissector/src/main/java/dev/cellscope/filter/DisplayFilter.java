package dev.cellscope.filter;

import dev.cellscope.field.FieldDef;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A compiled display filter. Compile once, then per frame:
 *
 * <pre>{@code
 * FilterSink sink = filter.newSink();
 * for each frame:
 *     sink.reset();
 *     dissector.dissect(packet, timing, sink);
 *     if (filter.matches(sink)) ...   // before the next frame: byte values were copied, but read them now
 * }</pre>
 *
 * The sink collects only the fields the filter reads and tells the dissector to skip the
 * layers and checks it does not need. Immutable and thread-safe; sinks are per thread.
 * Grammar and semantics: see the package documentation.
 */
public final class DisplayFilter {
    private final String expression;
    private final Expr ast;
    private final Set<FieldDef> fields;
    private final Set<FieldDef> sliced;
    private final Compiled.Pred predicate;

    private DisplayFilter(String expression, Expr ast) {
        this.expression = expression;
        this.ast = ast;
        Set<FieldDef> read = new LinkedHashSet<>();
        Set<FieldDef> slicedNumbers = new HashSet<>();
        if (ast != null) collect(ast, read, slicedNumbers);
        this.fields = Collections.unmodifiableSet(read);
        this.sliced = Set.copyOf(slicedNumbers);
        Map<FieldDef, Integer> slots = new HashMap<>();
        for (FieldDef f : read) slots.put(f, slots.size());
        this.predicate = ast == null ? new Compiled.Always() : Compiled.compile(ast, slots);
    }

    /**
     * Parses, checks and compiles {@code expression}. A blank expression matches every frame.
     *
     * @throws FilterException with the position and a message saying what was expected
     */
    public static DisplayFilter compile(String expression) {
        return new DisplayFilter(expression, Parser.parse(expression));
    }

    public String expression() {
        return expression;
    }

    /** The fields (and protocols) the filter reads, in order of first mention. */
    public Set<FieldDef> fields() {
        return fields;
    }

    /** True for the blank filter. */
    public boolean matchesEverything() {
        return ast == null;
    }

    /** A new collecting sink for this filter (one per thread; reuse it across frames with {@link FilterSink#reset()}). */
    public FilterSink newSink() {
        return new FilterSink(this, List.copyOf(fields), sliced);
    }

    /** Whether the frame last dissected into {@code sink} matches. Allocates nothing for numeric tests. */
    public boolean matches(FilterSink sink) {
        if (sink.owner != this) throw new IllegalArgumentException("sink belongs to another filter");
        return predicate.test(sink);
    }

    /** The checked tree (for the reference evaluator in tests). */
    Expr ast() {
        return ast;
    }

    /** The filter with every grouping made explicit, e.g. {@code (utcp || (sbi && !tether))}. */
    @Override
    public String toString() {
        return ast == null ? "" : ast.toString();
    }

    /** The fields read, in order of first mention; a loop over an explicit stack, as chains of and/or run long. */
    private static void collect(Expr root, Set<FieldDef> out, Set<FieldDef> slicedNumbers) {
        Deque<Expr> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            switch (todo.pop()) {
                case Expr.Or o -> { todo.push(o.right()); todo.push(o.left()); }
                case Expr.Xor x -> { todo.push(x.right()); todo.push(x.left()); }
                case Expr.And a -> { todo.push(a.right()); todo.push(a.left()); }
                case Expr.Not n -> todo.push(n.operand());
                case Expr.Exists x -> out.add(x.field());
                case Expr.Test t -> {
                    FieldDef f = t.operand().field();
                    out.add(f);
                    if (t.operand().slice() != null && f.type().isNumeric()) slicedNumbers.add(f);
                }
            }
        }
    }

}
