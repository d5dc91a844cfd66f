package dev.cellscope.filter;

import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.field.ExpertFields;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FieldFormat;
import dev.cellscope.field.FieldType;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * For random filters over the fields that occur in the fixture frames (literals drawn from the
 * values actually there, and random ones), the compiled predicate over the selective sink and
 * the reference evaluator over the full tree agree on every frame.
 */
class FilterAgreementProperties {

    /** Every field seen in the fixture, with the plain text of each value seen. */
    private static final Map<FieldDef, List<Object>> SEEN = seen();

    private static Map<FieldDef, List<Object>> seen() {
        Map<FieldDef, List<Object>> out = new LinkedHashMap<>();
        for (ProtoTree t : FilterTables.trees()) {
            t.forEach(n -> {
                if (n.expert() != null) return;
                out.computeIfAbsent(n.field(), k -> new ArrayList<>());
            });
            for (FieldDef f : List.copyOf(out.keySet())) {
                List<Object> vs = ReferenceEvaluator.occurrences(f, t);
                if (vs.size() > 0) out.get(f).addAll(vs.subList(0, Math.min(vs.size(), 3)));
            }
            for (FieldDef f : List.of(ExpertFields.EXPERT, ExpertFields.SEVERITY, ExpertFields.GROUP, ExpertFields.MESSAGE, ExpertFields.ID)) {
                out.computeIfAbsent(f, k -> new ArrayList<>()).addAll(ReferenceEvaluator.occurrences(f, t));
            }
        }
        return out;
    }

    @Provide
    Arbitrary<String> filters() {
        return Arbitraries.randomValue(r -> expr(r, 3));
    }

    @Property(tries = 1500)
    void compiledAndReferenceAgreeOnEveryFrame(@ForAll("filters") String expression) {
        DisplayFilter f;
        try {
            f = DisplayFilter.compile(expression);
        } catch (FilterException e) {
            // Random literals can be out of range for their field; those filters are rejected, not run.
            net.jqwik.api.Assume.that(false);
            return;
        }
        Dissector d = new Dissector();
        java.util.TreeSet<Long> compiled = FilterTables.compiled(f, d);
        assertEquals(FilterTables.reference(f), compiled, expression + "  parsed as  " + f);
        net.jqwik.api.statistics.Statistics.collect(compiled.isEmpty() ? "matches none" : compiled.size() == 34 ? "matches all" : "matches some");
    }

    private static final List<FieldDef> FIELDS = List.copyOf(SEEN.keySet());

    private static String expr(Random r, int depth) {
        if (depth == 0 || r.nextInt(3) == 0) return atom(r);
        return switch (r.nextInt(6)) {
            case 0 -> expr(r, depth - 1) + pick(r, " and ", " && ") + expr(r, depth - 1);
            case 1 -> expr(r, depth - 1) + pick(r, " or ", " || ") + expr(r, depth - 1);
            case 2 -> expr(r, depth - 1) + pick(r, " xor ", " ^^ ") + expr(r, depth - 1);
            case 3 -> pick(r, "!", "not ") + expr(r, depth - 1);
            default -> "(" + expr(r, depth - 1) + ")";
        };
    }

    private static String pick(Random r, String... options) {
        return options[r.nextInt(options.length)];
    }

    private static String atom(Random r) {
        FieldDef f = FIELDS.get(r.nextInt(FIELDS.size()));
        FieldType t = f.type();
        if (t == FieldType.PROTOCOL || r.nextInt(8) == 0) return f.name();
        String quant = r.nextInt(6) == 0 ? pick(r, "any ", "all ") : "";
        String name = quant + f.name();
        if (t.isNumeric()) {
            String op = pick(r, "==", "!=", "~=", "===", "<", "<=", ">", ">=", "eq", "ne", "gt", "lt", "in", "&", "matches");
            if (op.equals("in")) return name + " in {" + numLit(r, f) + " " + numLit(r, f) + ", " + numLit(r, f) + "}";
            if (op.equals("&")) {
                boolean integer = switch (t) {
                    case UINT, UINT_HEX, ENUM, SYMBOL, BOOLEAN, FRAMENUM -> true;
                    default -> false;
                };
                if (!integer) return name + " == " + numLit(r, f);
                long mask = f.bits() >= 63 ? r.nextLong() & Long.MAX_VALUE : r.nextLong() & ((1L << f.bits()) - 1);
                return name + " & 0x" + Long.toHexString(mask) + (r.nextBoolean() ? "" : " == 0x" + Long.toHexString(mask & r.nextLong()));
            }
            if (op.equals("matches")) return name + " matches \"" + regexFrom(r, numText(f, seenNumber(r, f))) + "\"";
            if ((op.equals("<") || op.equals(">") || op.equals("<=") || op.equals(">=")) && t == FieldType.IPV4) {
                return name + " " + op + " " + FieldFormat.ipv4((int) seenNumber(r, f));
            }
            return name + " " + op + " " + numLit(r, f);
        }
        if (t == FieldType.STRING) {
            String v = seenString(r, f);
            String slice = r.nextInt(4) == 0 ? "[" + r.nextInt(6) + ":" + (1 + r.nextInt(5)) + "]" : "";
            String lit = slice.isEmpty() ? v : v.substring(0, Math.min(v.length(), r.nextInt(6)));
            return switch (r.nextInt(5)) {
                case 0 -> name + slice + " == " + quote(lit);
                case 1 -> name + slice + " != " + quote(lit);
                case 2 -> name + slice + " contains " + quote(v.isEmpty() ? "x" : v.substring(r.nextInt(v.length())));
                case 3 -> name + slice + " matches " + quote(regexFrom(r, v));
                default -> name + slice + pick(r, " < ", " > ", " >= ") + quote(lit);
            };
        }
        byte[] v = seenBytes(r, f);
        String slice = "";
        if (r.nextInt(3) == 0 && v.length > 0) {
            int start = r.nextInt(v.length);
            int len = 1 + r.nextInt(Math.min(6, v.length - start));
            slice = r.nextBoolean() ? "[" + start + ":" + len + "]" : "[" + (start - v.length) + "-" + (start + len - 1) + "]";
            byte[] part = java.util.Arrays.copyOfRange(v, start, start + len);
            if (r.nextBoolean()) v = part;
            else v = randomBytes(r, len);
        }
        String hex = HexFormat.ofDelimiter(pick(r, ":", "-", ".")).formatHex(v);
        if (hex.isEmpty()) hex = "00";
        return switch (r.nextInt(6)) {
            case 0 -> name + slice + " == " + hex;
            case 1 -> name + slice + " != " + hex;
            case 2 -> name + slice + " contains " + (v.length > 2 ? HexFormat.ofDelimiter(":").formatHex(v, 1, Math.min(v.length, 4)) : "00");
            case 3 -> name + slice + " in {" + hex + " " + HexFormat.of().formatHex(randomBytes(r, v.length)) + "}";
            case 4 -> name + slice + " matches \"" + regexFrom(r, HexFormat.of().formatHex(v)) + "\"";
            default -> name + slice + pick(r, " < ", " >= ") + hex;
        };
    }

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[Math.max(1, n)];
        r.nextBytes(b);
        return b;
    }

    private static long seenNumber(Random r, FieldDef f) {
        List<Object> vs = SEEN.get(f);
        List<Object> nums = vs.stream().filter(o -> o instanceof Long).toList();
        if (nums.isEmpty()) return 0;
        return (Long) nums.get(r.nextInt(nums.size()));
    }

    private static String seenString(Random r, FieldDef f) {
        List<Object> vs = SEEN.get(f).stream().filter(o -> o instanceof String).toList();
        return vs.isEmpty() ? "" : (String) vs.get(r.nextInt(vs.size()));
    }

    private static byte[] seenBytes(Random r, FieldDef f) {
        List<Object> vs = SEEN.get(f).stream().filter(o -> o instanceof byte[]).toList();
        return vs.isEmpty() ? randomBytes(r, 4) : (byte[]) vs.get(r.nextInt(vs.size()));
    }

    /** The text a literal of {@code v} is written as for field {@code f}. */
    private static String numText(FieldDef f, long v) {
        return switch (f.type()) {
            case ENUM -> f.nameOf(v) != null ? f.nameOf(v) : Long.toUnsignedString(v);
            default -> FieldFormat.plain(f, v);
        };
    }

    private static String numLit(Random r, FieldDef f) {
        long v = seenNumber(r, f);
        switch (r.nextInt(4)) {
            case 0 -> {
                // a random value of the field's width (may be out of range for booleans: then rejected)
                if (f.type() == FieldType.ABSTIME || f.type() == FieldType.RELTIME) v += r.nextInt(2_000_000) - 1_000_000;
                else if (f.type() == FieldType.BOOLEAN) v = r.nextInt(2);
                else if (f.bits() < 64) v = r.nextLong() & ((1L << f.bits()) - 1);
                else v = r.nextLong();
            }
            case 1 -> {
                if (f.type() != FieldType.ABSTIME && f.type() != FieldType.RELTIME && f.type() != FieldType.BOOLEAN
                        && (f.bits() >= 64 || v + 1 < (1L << f.bits()))) v += 1;
            }
            default -> { }
        }
        if (f.type() == FieldType.ABSTIME || f.type() == FieldType.RELTIME) return FieldFormat.seconds(v);
        if ((f.type() == FieldType.UINT || f.type() == FieldType.FRAMENUM) && r.nextBoolean()) return "0x" + Long.toHexString(v);
        return numText(f, v);
    }

    private static String regexFrom(Random r, String v) {
        if (v.isEmpty()) return "^$";
        int a = r.nextInt(v.length()), b = a + 1 + r.nextInt(Math.min(5, v.length() - a));
        String part = Pattern.quote(v.substring(a, b));
        return (r.nextBoolean() ? "(?i)" : "") + (a == 0 && r.nextBoolean() ? "^" : "") + part.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
