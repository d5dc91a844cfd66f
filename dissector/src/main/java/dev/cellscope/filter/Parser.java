package dev.cellscope.filter;

import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FieldRegistry;
import dev.cellscope.field.FieldType;
import dev.cellscope.filter.Expr.Domain;
import dev.cellscope.filter.Expr.NumOrder;
import dev.cellscope.filter.Expr.Op;
import dev.cellscope.filter.Expr.Operand;
import dev.cellscope.filter.Expr.Quantifier;
import dev.cellscope.filter.Expr.Slice;
import dev.cellscope.filter.Expr.Value;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Recursive-descent parser and type checker: text → {@link Expr} with resolved fields and
 * literals converted to the representation of the field they meet. See package-info for
 * the grammar.
 */
final class Parser {
    private static final Set<String> KEYWORDS = Set.of("and", "or", "not", "xor", "in", "contains", "matches", "eq", "ne",
            "gt", "lt", "ge", "le", "any_eq", "all_ne", "all_eq", "any_ne", "bitand", "bitwise_and", "any", "all");
    private static final Pattern SLICE_LEN = Pattern.compile("(-?\\d+):(\\d+)");
    private static final Pattern SLICE_TO_END = Pattern.compile("(-?\\d+):");
    private static final Pattern SLICE_HEAD = Pattern.compile(":(\\d+)");
    private static final Pattern SLICE_RANGE = Pattern.compile("(-?\\d+)-(-?\\d+)");
    private static final Pattern SLICE_ONE = Pattern.compile("-?\\d+");

    /**
     * Parentheses and {@code not}s open at once, at most. The parser recurses once per level and
     * so does every walk over the tree, so the limit keeps a hostile filter off the stack.
     * Wireshark's parser allows about 100 levels of parentheses (its Lemon parser stack holds
     * 100 entries; 98 are "unexpected" in tshark 4.0); cellscope allows 100 and says so.
     * Long chains of {@code and}/{@code or}/{@code xor} do not nest: they are walked in loops.
     */
    static final int MAX_NESTING = 100;

    private final String src;
    private final List<Token> tokens;
    private int at;
    private int depth;

    private Parser(String src) {
        this.src = src;
        this.tokens = Lexer.lex(src);
    }

    /** The checked tree, or null for a blank filter (which matches every frame). */
    static Expr parse(String src) {
        Parser p = new Parser(src);
        if (p.peek().kind() == Token.Kind.END) return null;
        Expr e = p.or();
        Token t = p.peek();
        if (t.kind() != Token.Kind.END) {
            if (t.is(")")) throw p.error(t, "unexpected ')' at column " + col(t));
            throw p.error(t, "expected 'and', 'or' or the end of the filter at column " + col(t) + ", found " + t.quoted());
        }
        return e;
    }

    // ---- logical levels: not > and > xor > or (wireshark-filter(4), "Logical expressions") ----

    private Expr or() {
        Expr e = xor();
        while (peek().is("or") || peek().is("||")) {
            next();
            e = new Expr.Or(e, xor());
        }
        return e;
    }

    private Expr xor() {
        Expr e = and();
        while (peek().is("xor") || peek().is("^^")) {
            next();
            e = new Expr.Xor(e, and());
        }
        return e;
    }

    private Expr and() {
        Expr e = not();
        while (peek().is("and") || peek().is("&&")) {
            next();
            e = new Expr.And(e, not());
        }
        return e;
    }

    private Expr not() {
        if (peek().is("not") || peek().is("!")) {
            enter(next());
            Expr e = new Expr.Not(not());
            depth--;
            return e;
        }
        return primary();
    }

    /** One more level of nesting opened by {@code t}; past {@link #MAX_NESTING} the filter is refused. */
    private void enter(Token t) {
        if (++depth > MAX_NESTING) {
            throw error(t, "filter nested too deeply at column " + col(t) + ": at most " + MAX_NESTING
                    + " levels of parentheses and 'not'");
        }
    }

    private Expr primary() {
        Token t = peek();
        if (t.is("(")) {
            enter(next());
            Expr e = or();
            depth--;
            Token close = peek();
            if (close.kind() == Token.Kind.END) throw error(t, "unclosed '(' at column " + col(t));
            if (!close.is(")")) {
                throw error(close, "expected ')' at column " + col(close) + ", found " + close.quoted());
            }
            next();
            return e;
        }
        if (t.is(")")) throw error(t, "unexpected ')' at column " + col(t));
        return test();
    }

    // ---- tests ----

    private Expr test() {
        Token t = peek();
        Quantifier explicit = null;
        if ((t.is("any") || t.is("all")) && tokens.get(at + 1).kind() == Token.Kind.WORD) {
            explicit = t.is("any") ? Quantifier.ANY : Quantifier.ALL;
            next();
            t = peek();
        }
        if (t.kind() != Token.Kind.WORD || KEYWORDS.contains(t.text())) {
            if (t.kind() == Token.Kind.END) throw error(t, "expected a field name at column " + col(t) + ", found the end of the filter");
            throw error(t, "expected a field name at column " + col(t) + ", found " + t.quoted());
        }
        next();
        FieldDef field = FieldRegistry.byName(t.text());
        if (field == null) {
            String hint = FieldRegistry.suggest(t.text());
            throw error(t, "unknown field '" + t.text() + "' at column " + col(t) + (hint == null ? "" : "; did you mean '" + hint + "'?"));
        }
        Slice slice = null;
        if (peek().is("[")) slice = slice(field, next());
        Operand operand = new Operand(field, slice, false, -1L);

        Token op = peek();
        Quantifier q;
        Op kind;
        switch (op.kind() == Token.Kind.STRING ? "" : op.text()) {
            case "==", "eq", "any_eq" -> { q = Quantifier.ANY; kind = Op.EQ; }
            case "!=", "ne", "all_ne" -> { q = Quantifier.ALL; kind = Op.NE; }
            case "===", "all_eq" -> { q = Quantifier.ALL; kind = Op.EQ; }
            case "!==", "~=", "any_ne" -> { q = Quantifier.ANY; kind = Op.NE; }
            case "<", "lt" -> { q = Quantifier.ANY; kind = Op.LT; }
            case "<=", "le" -> { q = Quantifier.ANY; kind = Op.LE; }
            case ">", "gt" -> { q = Quantifier.ANY; kind = Op.GT; }
            case ">=", "ge" -> { q = Quantifier.ANY; kind = Op.GE; }
            case "contains" -> { q = Quantifier.ANY; kind = Op.CONTAINS; }
            case "matches", "~" -> { q = Quantifier.ANY; kind = Op.MATCHES; }
            case "in" -> { q = Quantifier.ANY; kind = Op.IN; }
            case "&", "bitand", "bitwise_and" -> { q = Quantifier.ANY; kind = Op.NONZERO; }
            default -> {
                if (explicit != null || slice != null) {
                    throw error(op, "expected a comparison after '" + src.substring(tokens.get(firstOf(t, explicit)).pos(), prevEnd())
                            + "' at column " + col(op) + (op.kind() == Token.Kind.END ? "" : ", found " + op.quoted()));
                }
                return new Expr.Exists(field);
            }
        }
        next();
        if (field.type() == FieldType.PROTOCOL) {
            throw error(op, field.name() + " is a protocol; it can only be tested for presence (at column " + col(op) + ")");
        }
        if (explicit != null) q = explicit;

        if (kind == Op.NONZERO) {
            operand = mask(operand, op);
            Token rel = peek();
            Op then = relational(rel);
            if (then == null) return new Expr.Test(q, operand, Op.NONZERO, Value.None.NONE);
            next();
            Quantifier relQ = rel.is("!=") || rel.is("ne") || rel.is("all_ne") || rel.is("===") || rel.is("all_eq") ? Quantifier.ALL : Quantifier.ANY;
            if (explicit != null) relQ = explicit;
            return new Expr.Test(relQ, operand, then, comparisonValue(operand, rel, then));
        }
        return switch (kind) {
            case CONTAINS -> {
                if (operand.domain() == Domain.NUMBER) {
                    throw error(op, "contains needs a byte or string field; " + field.name() + " is " + Literals.describe(field)
                            + " (at column " + col(op) + ")");
                }
                yield new Expr.Test(q, operand, kind, containsValue(operand, op));
            }
            case MATCHES -> new Expr.Test(q, operand, kind, regex(op));
            case IN -> new Expr.Test(q, operand, kind, set(operand, op));
            default -> new Expr.Test(q, operand, kind, comparisonValue(operand, op, kind));
        };
    }

    private int firstOf(Token fieldToken, Quantifier explicit) {
        int i = tokens.indexOf(fieldToken);
        return explicit != null ? i - 1 : i;
    }

    private int prevEnd() {
        return tokens.get(at - 1).end();
    }

    private static Op relational(Token t) {
        if (t.kind() != Token.Kind.WORD && t.kind() != Token.Kind.SYMBOL) return null;
        return switch (t.text()) {
            case "==", "eq", "any_eq", "===", "all_eq" -> Op.EQ;
            case "!=", "ne", "all_ne", "!==", "~=", "any_ne" -> Op.NE;
            case "<", "lt" -> Op.LT;
            case "<=", "le" -> Op.LE;
            case ">", "gt" -> Op.GT;
            case ">=", "ge" -> Op.GE;
            default -> null;
        };
    }

    // ---- slices and masks ----

    private Slice slice(FieldDef field, Token open) {
        FieldType type = field.type();
        boolean sliceable = type.isBytes() || type == FieldType.STRING || type == FieldType.ETHER
                || type == FieldType.TETHER_ID || type == FieldType.IPV4;
        if (!sliceable) {
            throw error(open, field.name() + " is " + Literals.describe(field)
                    + "; slices apply to byte, address and string fields (at column " + col(open) + ")");
        }
        Token spec = next();
        Token close = peek();
        if (spec.kind() != Token.Kind.WORD || !close.is("]")) {
            if (spec.kind() == Token.Kind.WORD || spec.is("]")) {
                Token bad = spec.is("]") ? spec : close;
                if (spec.is("]")) throw error(open, "empty slice at column " + col(open));
                throw error(bad, "expected ']' at column " + col(bad) + (bad.kind() == Token.Kind.END ? "" : ", found " + bad.quoted()));
            }
            throw error(spec, "expected a slice like [0:4] at column " + col(spec) + (spec.kind() == Token.Kind.END ? "" : ", found " + spec.quoted()));
        }
        next();
        String s = spec.text();
        Matcher m;
        try {
            if ((m = SLICE_LEN.matcher(s)).matches()) {
                return new Slice(Integer.parseInt(m.group(1)), Slice.Kind.LENGTH, Integer.parseInt(m.group(2)));
            }
            if ((m = SLICE_TO_END.matcher(s)).matches()) return new Slice(Integer.parseInt(m.group(1)), Slice.Kind.TO_END, 0);
            if ((m = SLICE_HEAD.matcher(s)).matches()) return new Slice(0, Slice.Kind.LENGTH, Integer.parseInt(m.group(1)));
            if ((m = SLICE_RANGE.matcher(s)).matches()) {
                return new Slice(Integer.parseInt(m.group(1)), Slice.Kind.END_INCLUSIVE, Integer.parseInt(m.group(2)));
            }
            if (SLICE_ONE.matcher(s).matches()) return new Slice(Integer.parseInt(s), Slice.Kind.LENGTH, 1);
        } catch (NumberFormatException e) {
            // too large: reported below
        }
        throw error(spec, "invalid slice '[" + s + "]' at column " + col(spec) + "; expected [i:len], [i-j], [i], [:len] or [i:]");
    }

    private Operand mask(Operand operand, Token op) {
        FieldDef f = operand.field();
        boolean integer = switch (f.type()) {
            case UINT, INT, UINT_HEX, ENUM, SYMBOL, BOOLEAN, FRAMENUM -> true;
            default -> false;
        };
        if (operand.slice() != null || !integer) {
            throw error(op, "bitwise and needs an integer field; " + f.name() + " is "
                    + (operand.slice() != null ? "sliced" : Literals.describe(f)) + " (at column " + col(op) + ")");
        }
        Token m = next();
        if (m.kind() != Token.Kind.WORD) throw missingValue(op, m);
        BigInteger v = Literals.integer(m.text());
        if (v == null) throw error(m, "expected an integer mask after '" + op.text() + "' at column " + col(m) + ", found " + m.quoted());
        checkWidth(f, v, m);
        return new Operand(f, null, true, v.longValue());
    }

    // ---- values ----

    private FilterException missingValue(Token op, Token found) {
        return error(found, "expected a value after '" + op.text() + "' at column " + col(found)
                + (found.kind() == Token.Kind.END ? "" : ", found " + found.quoted()));
    }

    private Token valueToken(Token op) {
        Token v = peek();
        if (v.kind() != Token.Kind.WORD && v.kind() != Token.Kind.STRING) throw missingValue(op, v);
        if (v.kind() == Token.Kind.WORD && KEYWORDS.contains(v.text()) && !v.is("all") && !v.is("any")) throw missingValue(op, v);
        return next();
    }

    private Value comparisonValue(Operand operand, Token op, Op kind) {
        Token v = valueToken(op);
        return switch (operand.domain()) {
            case NUMBER -> {
                long[] range = number(operand, v, kind == Op.EQ || kind == Op.NE);
                yield range[0] == range[1] ? new Value.Num(range[0]) : new Value.NumSet(new long[] {range[0]}, new long[] {range[1]});
            }
            case BYTES -> new Value.Bytes(bytes(operand, v, false));
            case STRING -> new Value.Str(string(operand, v));
        };
    }

    private Value containsValue(Operand operand, Token op) {
        Token v = valueToken(op);
        if (operand.domain() == Domain.STRING) return new Value.Str(string(operand, v));
        return new Value.Bytes(bytes(operand, v, true));
    }

    private Value regex(Token op) {
        Token v = peek();
        if (v.kind() != Token.Kind.STRING) {
            if (v.kind() == Token.Kind.END || v.kind() == Token.Kind.SYMBOL) throw missingValue(op, v);
            throw error(v, "matches needs a regular expression in double quotes at column " + col(v) + ", found " + v.quoted());
        }
        next();
        try {
            return new Value.Regex(Pattern.compile(v.value()));
        } catch (PatternSyntaxException e) {
            int idx = e.getIndex() < 0 ? 0 : Math.min(e.getIndex(), v.value().length());
            int pos = Math.min(v.pos() + 1 + idx, v.end() - 1);
            throw new FilterException(src, pos, "invalid regular expression at column " + (pos + 1) + ": " + e.getDescription());
        }
    }

    private Value set(Operand operand, Token in) {
        Token open = peek();
        if (!open.is("{")) {
            throw error(open, "expected '{' after 'in' at column " + col(open) + (open.kind() == Token.Kind.END ? "" : ", found " + open.quoted()));
        }
        next();
        List<Token> raw = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t.is("}")) break;
            if (t.kind() == Token.Kind.END) throw error(open, "unclosed '{' at column " + col(open));
            if (t.is(",")) {
                next();
                continue;
            }
            if (t.kind() == Token.Kind.SYMBOL) throw error(t, "unexpected " + t.quoted() + " in a set at column " + col(t));
            raw.add(next());
        }
        Token close = next();
        if (raw.isEmpty()) throw error(open, "empty set at column " + col(open));
        // Join "1 .. 5", "1.. 5" and "1 ..5" into one element "1..5".
        List<Token> elements = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            Token t = raw.get(i);
            while (t.kind() == Token.Kind.WORD && i + 1 < raw.size() && raw.get(i + 1).kind() == Token.Kind.WORD
                    && (t.text().endsWith("..") || raw.get(i + 1).text().startsWith(".."))) {
                Token n = raw.get(++i);
                String joined = t.text() + n.text();
                t = new Token(Token.Kind.WORD, joined, joined, t.pos());
            }
            elements.add(t);
        }
        Domain d = operand.domain();
        if (d == Domain.NUMBER) {
            long[] lo = new long[elements.size()], hi = new long[elements.size()];
            for (int i = 0; i < elements.size(); i++) {
                Token e = elements.get(i);
                int dots = e.kind() == Token.Kind.WORD ? e.text().indexOf("..") : -1;
                if (dots < 0) {
                    long[] r = number(operand, e, true);
                    lo[i] = r[0];
                    hi[i] = r[1];
                } else {
                    String a = e.text().substring(0, dots), b = e.text().substring(dots + 2);
                    if (a.isEmpty() || b.isEmpty() || b.startsWith(".")) {
                        throw error(e, "invalid range '" + e.text() + "' at column " + col(e) + "; expected low..high");
                    }
                    long l = number(operand, new Token(Token.Kind.WORD, a, a, e.pos()), false)[0];
                    long h = number(operand, new Token(Token.Kind.WORD, b, b, e.pos() + dots + 2), false)[0];
                    if (compare(operand.order(), l, h) > 0) throw error(e, "empty range '" + e.text() + "' at column " + col(e));
                    lo[i] = l;
                    hi[i] = h;
                }
            }
            return new Value.NumSet(lo, hi);
        }
        for (Token e : elements) {
            if (e.kind() == Token.Kind.WORD && e.text().contains("..")) {
                throw error(e, "ranges in a set need a numeric field; " + operand.field().name() + " is "
                        + (operand.slice() != null ? "sliced" : Literals.describe(operand.field())) + " (at column " + col(e) + ")");
            }
        }
        if (d == Domain.BYTES) return new Value.BytesSet(elements.stream().map(e -> bytes(operand, e, false)).toList());
        return new Value.StrSet(elements.stream().map(e -> string(operand, e)).toList());
    }

    static int compare(NumOrder order, long a, long b) {
        return switch (order) {
            case UNSIGNED -> Long.compareUnsigned(a, b);
            case SIGNED -> Long.compare(a, b);
            case DOUBLE -> Double.compare(Double.longBitsToDouble(a), Double.longBitsToDouble(b));
        };
    }

    /** A numeric literal for the operand's field as a closed range {lo, hi} (lo == hi except for CIDR). */
    private long[] number(Operand operand, Token t, boolean cidrAllowed) {
        FieldDef f = operand.field();
        String w = t.value();
        boolean word = t.kind() == Token.Kind.WORD;
        if (operand.masked()) {
            BigInteger v = word ? Literals.integer(w) : null;
            if (v == null) throw typeError(f, t);
            checkWidth(f, v, t);
            return new long[] {v.longValue(), v.longValue()};
        }
        switch (f.type()) {
            case UINT, UINT_HEX, FRAMENUM -> {
                BigInteger v = word ? Literals.integer(w) : null;
                if (v == null) throw typeError(f, t);
                checkWidth(f, v, t);
                return single(v.longValue());
            }
            case INT -> {
                BigInteger v = word ? Literals.signedInteger(w) : null;
                if (v == null) throw typeError(f, t);
                if (v.bitLength() > 63) throw error(t, t.text() + " is out of range for " + f.name() + " (64-bit signed) at column " + col(t));
                return single(v.longValue());
            }
            case ENUM, SYMBOL -> {
                BigInteger v = word ? Literals.integer(w) : null;
                if (v != null) {
                    checkWidth(f, v, t);
                    return single(v.longValue());
                }
                Long named = valueOfName(f, w);
                if (named == null) {
                    String names = f.valueNames().entrySet().stream().sorted(Map.Entry.comparingByKey())
                            .map(Map.Entry::getValue).collect(Collectors.joining(", "));
                    throw error(t, "unknown value " + t.quoted() + " for " + f.name() + " at column " + col(t)
                            + "; expected a number or one of " + names);
                }
                return single(named);
            }
            case BOOLEAN -> {
                if (word && w.equalsIgnoreCase("true")) return single(1);
                if (word && w.equalsIgnoreCase("false")) return single(0);
                BigInteger v = word ? Literals.integer(w) : null;
                if (v == null || v.bitLength() > 1) {
                    throw error(t, f.name() + " is a boolean; " + t.quoted() + " is not (write true, false, 1 or 0)");
                }
                return single(v.longValue());
            }
            case ETHER, TETHER_ID -> {
                byte[] b = word ? Literals.hexBytes(w) : null;
                if (b == null || b.length != 6) throw typeError(f, t);
                long v = 0;
                for (byte x : b) v = (v << 8) | (x & 0xFF);
                return single(v);
            }
            case IPV4 -> {
                long[] a = word ? Literals.ipv4(w) : null;
                if (a == null) throw typeError(f, t);
                int prefix = (int) a[1];
                if (prefix == 32) return single(a[0]);
                if (!cidrAllowed) throw error(t, "a network (" + w + ") can only be compared with == or != or listed in a set (at column " + col(t) + ")");
                long hostMask = (1L << (32 - prefix)) - 1;
                long net = a[0] & ~hostMask & 0xFFFF_FFFFL;
                return new long[] {net, net | hostMask};
            }
            case ABSTIME -> {
                Long v = word ? Literals.seconds(w) : Literals.isoTime(w);
                if (v == null) throw typeError(f, t);
                return single(v);
            }
            case RELTIME -> {
                Long v = word ? Literals.seconds(w) : null;
                if (v == null) throw typeError(f, t);
                return single(v);
            }
            case DOUBLE -> {
                Long v = word ? Literals.doubleBits(w) : null;
                if (v == null) throw typeError(f, t);
                return single(v);
            }
            default -> throw typeError(f, t);
        }
    }

    private static long[] single(long v) {
        return new long[] {v, v};
    }

    private static Long valueOfName(FieldDef f, String name) {
        for (Map.Entry<Long, String> e : f.valueNames().entrySet()) if (e.getValue().equals(name)) return e.getKey();
        Long found = null;
        for (Map.Entry<Long, String> e : f.valueNames().entrySet().stream().sorted(Comparator.comparing(Map.Entry::getKey)).toList()) {
            if (e.getValue().equalsIgnoreCase(name)) {
                if (found != null) return null;
                found = e.getKey();
            }
        }
        return found;
    }

    private void checkWidth(FieldDef f, BigInteger v, Token t) {
        int bits = f.bits() <= 0 ? 64 : Math.min(64, f.bits());
        if (v.bitLength() > bits) {
            throw error(t, t.text() + " is out of range for " + f.name() + " (" + bits + (bits == 1 ? " bit" : " bits") + ") at column " + col(t));
        }
    }

    /** A byte-string literal for a bytes operand (a bytes field, or any slice). */
    private byte[] bytes(Operand operand, Token t, boolean partial) {
        FieldDef f = operand.field();
        if (t.kind() == Token.Kind.STRING) return t.value().getBytes(StandardCharsets.UTF_8);
        String w = t.value();
        byte[] b = null;
        if (f.type() == FieldType.IPV6 && operand.slice() == null) b = Literals.ipv6(w);
        if (b == null) {
            BigInteger small = w.startsWith("0x") || w.startsWith("0X") ? Literals.integer(w) : null;
            if (small != null && small.bitLength() <= 8) b = new byte[] {small.byteValue()};
            else b = Literals.hexBytes(w);
        }
        if (b == null) throw typeError(operand, t);
        if (!partial && operand.slice() == null) {
            if (f.type() == FieldType.CELLID && b.length != 16) {
                throw error(t, f.name() + " is a CellID (32 hex digits); " + t.quoted() + " is not");
            }
            if (f.type() == FieldType.IPV6 && b.length != 16) throw typeError(operand, t);
        }
        return b;
    }

    private String string(Operand operand, Token t) {
        if (t.kind() != Token.Kind.STRING) {
            throw error(t, (operand.slice() != null ? operand.field().name() + operand.slice() + " is a string"
                    : operand.field().name() + " is a string") + "; " + t.quoted() + " is not (strings are written in double quotes)");
        }
        return t.value();
    }

    private FilterException typeError(Operand operand, Token t) {
        if (operand.slice() != null) {
            return error(t, operand.field().name() + operand.slice() + " is a byte string; " + t.quoted() + " is not");
        }
        return typeError(operand.field(), t);
    }

    private FilterException typeError(FieldDef f, Token t) {
        return error(t, f.name() + " is " + Literals.describe(f) + "; " + t.quoted() + " is not");
    }

    // ---- plumbing ----

    private Token peek() {
        return tokens.get(at);
    }

    private Token next() {
        Token t = tokens.get(at);
        if (t.kind() != Token.Kind.END) at++;
        return t;
    }

    private static int col(Token t) {
        return t.pos() + 1;
    }

    private FilterException error(Token t, String message) {
        return new FilterException(src, t.pos(), message);
    }
}
