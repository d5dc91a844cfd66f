package dev.cellscope.filter;

import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FieldType;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The checked syntax tree of a display filter. Literals are already in the representation
 * of the field they are compared with (long, byte[], String, Pattern); field names are
 * resolved. Both evaluators (the compiled predicate and the tree-walking reference) read it.
 */
sealed interface Expr {

    /** {@code a op b}: the parser builds chains left-deep, {@code ((a op b) op c)}. */
    sealed interface Binary extends Expr {
        Expr left();

        Expr right();

        String symbol();
    }

    record Or(Expr left, Expr right) implements Binary {
        @Override public String symbol() { return "||"; }
        @Override public String toString() { return print(this); }
    }

    record Xor(Expr left, Expr right) implements Binary {
        @Override public String symbol() { return "^^"; }
        @Override public String toString() { return print(this); }
    }

    record And(Expr left, Expr right) implements Binary {
        @Override public String symbol() { return "&&"; }
        @Override public String toString() { return print(this); }
    }

    record Not(Expr operand) implements Expr {
        @Override public String toString() { return print(this); }
    }

    /**
     * The operands of the chain of {@code chain}'s operator that {@code chain} heads, left to
     * right: {@code a && (b && c) && d} gives a, b, c, d. A loop, not a recursion, since a
     * chain may be as long as the filter.
     */
    static List<Expr> operands(Binary chain) {
        List<Expr> out = new ArrayList<>();
        Deque<Expr> todo = new ArrayDeque<>();
        todo.push(chain);
        while (!todo.isEmpty()) {
            Expr e = todo.pop();
            if (e.getClass() == chain.getClass()) {
                Binary b = (Binary) e;
                todo.push(b.right());
                todo.push(b.left());
            } else {
                out.add(e);
            }
        }
        return out;
    }

    /** The tree with every grouping explicit; linear in its size, recursing only where the filter nests. */
    static String print(Expr e) {
        StringBuilder b = new StringBuilder();
        print(e, b);
        return b.toString();
    }

    private static void print(Expr e, StringBuilder b) {
        switch (e) {
            case Binary top -> {
                // Walk down the left spine of this operator, then close each level from the bottom up.
                List<Binary> spine = new ArrayList<>();
                Expr x = top;
                while (x.getClass() == top.getClass()) {
                    spine.add((Binary) x);
                    x = ((Binary) x).left();
                }
                b.append("(".repeat(spine.size()));
                print(x, b);
                for (int i = spine.size() - 1; i >= 0; i--) {
                    b.append(' ').append(spine.get(i).symbol()).append(' ');
                    print(spine.get(i).right(), b);
                    b.append(')');
                }
            }
            case Not n -> {
                b.append('!');
                print(n.operand(), b);
            }
            default -> b.append(e.toString());
        }
    }

    /** The field (or protocol) occurs in the frame. */
    record Exists(FieldDef field) implements Expr {
        @Override public String toString() { return field.name(); }
    }

    /**
     * A test of the occurrences of an operand: with {@link Quantifier#ANY} one satisfying
     * occurrence suffices, with {@link Quantifier#ALL} every occurrence must satisfy it. Both
     * are false when the operand has no occurrence in the frame.
     */
    record Test(Quantifier quantifier, Operand operand, Op op, Value value) implements Expr {
        @Override public String toString() {
            return quantifier.name().toLowerCase() + " " + operand + " " + op + (value == Value.None.NONE ? "" : " " + value);
        }
    }

    enum Quantifier { ANY, ALL }

    /** Every operator reduces to one of these (with a quantifier): {@code !=} is ALL + NE. */
    enum Op { EQ, NE, LT, LE, GT, GE, CONTAINS, MATCHES, IN, NONZERO }

    /** What kind of value an operand yields after any slice. */
    enum Domain { NUMBER, BYTES, STRING }

    /** How numbers are ordered. */
    enum NumOrder { UNSIGNED, SIGNED, DOUBLE }

    /**
     * A field, optionally sliced ({@code [..]}) or masked ({@code & mask}).
     *
     * @param slice null when not sliced
     * @param mask  -1 (all bits) when not masked
     */
    record Operand(FieldDef field, Slice slice, boolean masked, long mask) {
        Domain domain() {
            if (slice != null) return field.type() == FieldType.STRING ? Domain.STRING : Domain.BYTES;
            if (field.type().isNumeric()) return Domain.NUMBER;
            if (field.type() == FieldType.STRING) return Domain.STRING;
            return Domain.BYTES;
        }

        NumOrder order() {
            return switch (field.type()) {
                case ABSTIME, RELTIME, INT -> NumOrder.SIGNED;
                case DOUBLE -> NumOrder.DOUBLE;
                default -> NumOrder.UNSIGNED;
            };
        }

        @Override public String toString() {
            return field.name() + (slice == null ? "" : slice.toString()) + (masked ? " & 0x" + Long.toHexString(mask) : "");
        }
    }

    /**
     * A slice as written: {@code [start:length]}, {@code [start-end]} (end inclusive),
     * {@code [start]}, {@code [:length]} or {@code [start:]}. Negative start or end count
     * from the end of the value (-1 is the last element).
     */
    record Slice(int start, Kind kind, int arg) {
        enum Kind { LENGTH, END_INCLUSIVE, TO_END }

        @Override public String toString() {
            return "[" + start + switch (kind) {
                case LENGTH -> ":" + arg;
                case END_INCLUSIVE -> "-" + arg;
                case TO_END -> ":";
            } + "]";
        }
    }

    /** A converted literal. */
    sealed interface Value {
        /** One number in the field's representation (ns for times, double bits for DOUBLE). */
        record Num(long value) implements Value {
            @Override public String toString() { return Long.toUnsignedString(value); }
        }

        /** Closed ranges of numbers (membership sets, CIDR): lo[i]..hi[i] in the field's order. */
        record NumSet(long[] lo, long[] hi) implements Value {
            @Override public String toString() {
                StringBuilder b = new StringBuilder("{");
                for (int i = 0; i < lo.length; i++) {
                    if (i > 0) b.append(' ');
                    b.append(Long.toUnsignedString(lo[i]));
                    if (hi[i] != lo[i]) b.append("..").append(Long.toUnsignedString(hi[i]));
                }
                return b.append('}').toString();
            }
        }

        record Bytes(byte[] value) implements Value {
            @Override public String toString() { return HexFormat.ofDelimiter(":").formatHex(value); }
            @Override public boolean equals(Object o) { return o instanceof Bytes b && Arrays.equals(b.value, value); }
            @Override public int hashCode() { return Arrays.hashCode(value); }
        }

        record BytesSet(List<byte[]> values) implements Value {
            @Override public String toString() {
                return values.stream().map(v -> HexFormat.ofDelimiter(":").formatHex(v)).collect(Collectors.joining(" ", "{", "}"));
            }
        }

        record Str(String value) implements Value {
            @Override public String toString() { return '"' + value + '"'; }
        }

        record StrSet(List<String> values) implements Value {
            @Override public String toString() { return values.stream().map(v -> '"' + v + '"').collect(Collectors.joining(" ", "{", "}")); }
        }

        record Regex(Pattern pattern) implements Value {
            @Override public String toString() { return '"' + pattern.pattern() + '"'; }
        }

        /** For {@link Op#NONZERO}. */
        enum None implements Value { NONE }
    }
}
