package dev.cellscope.filter;

import dev.cellscope.dissect.ProtoNode;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.field.ExpertFields;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FieldFormat;
import dev.cellscope.field.FieldType;
import dev.cellscope.filter.Expr.Op;
import dev.cellscope.filter.Expr.Slice;
import dev.cellscope.filter.Expr.Value;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;

/**
 * Evaluates a filter's tree directly over a frame's full detail tree, the slow obvious way
 * (boxed values, lists, BigInteger for unsigned order). It shares no evaluation code with the
 * compiled predicate, so agreement between the two is evidence for both.
 */
final class ReferenceEvaluator {
    private ReferenceEvaluator() {}

    static boolean matches(DisplayFilter filter, ProtoTree tree) {
        return filter.ast() == null || eval(filter.ast(), tree);
    }

    static boolean eval(Expr e, ProtoTree tree) {
        if (e instanceof Expr.Or o) return eval(o.left(), tree) || eval(o.right(), tree);
        if (e instanceof Expr.And a) return eval(a.left(), tree) && eval(a.right(), tree);
        if (e instanceof Expr.Xor x) return eval(x.left(), tree) ^ eval(x.right(), tree);
        if (e instanceof Expr.Not n) return !eval(n.operand(), tree);
        if (e instanceof Expr.Exists x) return !occurrences(x.field(), tree).isEmpty();
        Expr.Test t = (Expr.Test) e;
        List<Object> values = new ArrayList<>();
        for (Object v : occurrences(t.operand().field(), tree)) {
            Object s = slice(t.operand(), v);
            if (s != null) values.add(s);
        }
        if (values.isEmpty()) return false;
        Predicate<Object> p = v -> holds(t, v);
        return t.quantifier() == Expr.Quantifier.ANY ? values.stream().anyMatch(p) : values.stream().allMatch(p);
    }

    /** Values of a field in the frame: Long, byte[], String, or Boolean.TRUE for protocols. */
    static List<Object> occurrences(FieldDef f, ProtoTree tree) {
        List<Object> out = new ArrayList<>();
        if (f.protocol().equals("expert")) {
            for (ProtoNode n : tree.experts()) {
                if (f == ExpertFields.EXPERT) out.add(Boolean.TRUE);
                else if (f == ExpertFields.SEVERITY) out.add((long) n.expert().severity().ordinal());
                else if (f == ExpertFields.GROUP) out.add((long) n.expert().group().ordinal());
                else if (f == ExpertFields.ID) out.add(n.expert().id());
                else out.add(n.expert().message());
            }
            return out;
        }
        for (ProtoNode n : tree.find(f)) {
            if (f.type() == FieldType.PROTOCOL) out.add(Boolean.TRUE);
            else if (f.type().isNumeric()) out.add(n.number());
            else if (f.type() == FieldType.STRING) out.add(n.text());
            else out.add(n.bytes());
        }
        return out;
    }

    /** The sliced value, or the value itself when not sliced; null when the slice does not fit. */
    private static Object slice(Expr.Operand o, Object v) {
        Slice s = o.slice();
        if (s == null) return v;
        if (v instanceof String str) {
            int[] cps = str.codePoints().toArray();
            int[] r = range(s, cps.length);
            return r == null ? null : new String(cps, r[0], r[1] - r[0]);
        }
        byte[] b;
        if (v instanceof Long n) {
            int width = o.field().type() == FieldType.IPV4 ? 4 : 6;
            b = new byte[width];
            for (int i = 0; i < width; i++) b[i] = (byte) (n >> (8 * (width - 1 - i)));
        } else {
            b = (byte[]) v;
        }
        int[] r = range(s, b.length);
        return r == null ? null : Arrays.copyOfRange(b, r[0], r[1]);
    }

    /** Wireshark's slice forms, spelled out case by case. */
    private static int[] range(Slice s, int len) {
        int start = s.start() >= 0 ? s.start() : len + s.start();
        int endExclusive;
        if (s.kind() == Slice.Kind.TO_END) endExclusive = len;
        else if (s.kind() == Slice.Kind.LENGTH) endExclusive = start + s.arg();
        else endExclusive = (s.arg() >= 0 ? s.arg() : len + s.arg()) + 1;
        boolean fits = start >= 0 && start < len && endExclusive > start && endExclusive <= len;
        return fits ? new int[] {start, endExclusive} : null;
    }

    private static boolean holds(Expr.Test t, Object v) {
        Expr.Operand o = t.operand();
        if (v instanceof Long n) return holdsNumber(t, o.masked() ? n & o.mask() : n);
        if (v instanceof String s) return holdsString(t, s);
        return holdsBytes(t, (byte[]) v);
    }

    private static BigInteger big(Expr.Operand o, long v) {
        FieldType type = o.field().type();
        if (type == FieldType.ABSTIME || type == FieldType.RELTIME) return BigInteger.valueOf(v);
        return new BigInteger(Long.toUnsignedString(v));
    }

    private static int cmp(Expr.Operand o, long a, long b) {
        if (o.field().type() == FieldType.DOUBLE) return Double.compare(Double.longBitsToDouble(a), Double.longBitsToDouble(b));
        return big(o, a).compareTo(big(o, b));
    }

    private static boolean holdsNumber(Expr.Test t, long v) {
        Expr.Operand o = t.operand();
        if (t.op() == Op.NONZERO) return v != 0;
        if (t.op() == Op.MATCHES) {
            FieldDef f = o.field();
            String text = f.type() == FieldType.ENUM && f.nameOf(v) != null ? f.nameOf(v) : FieldFormat.plain(f, v);
            return ((Value.Regex) t.value()).pattern().matcher(text).find();
        }
        boolean inSet;
        if (t.value() instanceof Value.NumSet set) {
            inSet = false;
            for (int i = 0; i < set.lo().length; i++) {
                if (cmp(o, v, set.lo()[i]) >= 0 && cmp(o, v, set.hi()[i]) <= 0) inSet = true;
            }
            if (t.op() == Op.EQ || t.op() == Op.IN) return inSet;
            if (t.op() == Op.NE) return !inSet;
            throw new IllegalStateException("ordered test against a set");
        }
        long lit = ((Value.Num) t.value()).value();
        int c = cmp(o, v, lit);
        return switch (t.op()) {
            case EQ -> c == 0;
            case NE -> c != 0;
            case LT -> c < 0;
            case LE -> c <= 0;
            case GT -> c > 0;
            case GE -> c >= 0;
            default -> throw new IllegalStateException(t.op().toString());
        };
    }

    private static boolean holdsString(Expr.Test t, String v) {
        List<String> lits = switch (t.value()) {
            case Value.Str s -> List.of(s.value());
            case Value.StrSet s -> s.values();
            default -> List.of();
        };
        return switch (t.op()) {
            case EQ, IN -> lits.contains(v);
            case NE -> !lits.contains(v);
            case CONTAINS -> v.indexOf(lits.getFirst()) >= 0;
            case MATCHES -> ((Value.Regex) t.value()).pattern().matcher(v).find();
            case LT -> v.compareTo(lits.getFirst()) < 0;
            case LE -> v.compareTo(lits.getFirst()) <= 0;
            case GT -> v.compareTo(lits.getFirst()) > 0;
            case GE -> v.compareTo(lits.getFirst()) >= 0;
            default -> throw new IllegalStateException(t.op().toString());
        };
    }

    private static List<Byte> boxed(byte[] b) {
        List<Byte> out = new ArrayList<>(b.length);
        for (byte x : b) out.add(x);
        return out;
    }

    private static boolean holdsBytes(Expr.Test t, byte[] v) {
        List<byte[]> lits = switch (t.value()) {
            case Value.Bytes b -> List.of(b.value());
            case Value.BytesSet s -> s.values();
            default -> List.of();
        };
        String hex = HexFormat.of().formatHex(v);
        boolean equal = lits.stream().anyMatch(l -> HexFormat.of().formatHex(l).equals(hex));
        return switch (t.op()) {
            case EQ, IN -> equal;
            case NE -> !equal;
            case CONTAINS -> Collections.indexOfSubList(boxed(v), boxed(lits.getFirst())) >= 0;
            case MATCHES -> {
                boolean ipv6 = t.operand().field().type() == FieldType.IPV6 && t.operand().slice() == null;
                String text = ipv6 && v.length == 16 ? FieldFormat.plainBytes(t.operand().field(),
                        java.lang.foreign.MemorySegment.ofArray(v), 0, 16) : hex;
                yield ((Value.Regex) t.value()).pattern().matcher(text).find();
            }
            default -> {
                // Unsigned lexicographic order, by hand.
                byte[] l = lits.getFirst();
                int c = 0;
                for (int i = 0; i < Math.min(v.length, l.length) && c == 0; i++) c = Integer.compare(v[i] & 0xFF, l[i] & 0xFF);
                if (c == 0) c = Integer.compare(v.length, l.length);
                int cc = c;
                yield switch (t.op()) {
                    case LT -> cc < 0;
                    case LE -> cc <= 0;
                    case GT -> cc > 0;
                    case GE -> cc >= 0;
                    default -> throw new IllegalStateException(t.op().toString());
                };
            }
        };
    }
}
