package dev.cellscope.filter;

import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FieldFormat;
import dev.cellscope.field.FieldType;
import dev.cellscope.filter.Expr.NumOrder;
import dev.cellscope.filter.Expr.Op;
import dev.cellscope.filter.Expr.Quantifier;
import dev.cellscope.filter.Expr.Slice;
import dev.cellscope.filter.Expr.Value;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The compiled form of a filter: a tree of small predicate objects over a {@link FilterSink}'s
 * arrays. Numeric tests of every operator reduce to "the key of the value lies in one of these
 * closed ranges", with keys ordered as signed longs (unsigned values have their sign bit
 * flipped, doubles are mapped to order-preserving bits), so evaluation is a few compares per
 * occurrence and allocates nothing.
 */
final class Compiled {
    private Compiled() {}

    abstract static class Pred {
        abstract boolean test(FilterSink s);
    }

    /** Builds the predicate; {@code slots} maps each field read to its slot in the sink. */
    static Pred compile(Expr e, Map<FieldDef, Integer> slots) {
        return switch (e) {
            case Expr.And a -> new All(compileAll(Expr.operands(a), slots));
            case Expr.Or o -> new AnyOf(compileAll(Expr.operands(o), slots));
            case Expr.Xor x -> new Parity(compileAll(Expr.operands(x), slots));
            case Expr.Not n -> new Not(compile(n.operand(), slots));
            case Expr.Exists x -> new Exists(slots.get(x.field()));
            case Expr.Test t -> test(t, slots.get(t.operand().field()));
        };
    }

    /**
     * A chain of one operator becomes one n-ary predicate, so neither compiling nor evaluating
     * recurses along the chain; recursion is left to nesting, which the parser bounds.
     */
    private static Pred[] compileAll(List<Expr> operands, Map<FieldDef, Integer> slots) {
        Pred[] out = new Pred[operands.size()];
        for (int i = 0; i < out.length; i++) out[i] = compile(operands.get(i), slots);
        return out;
    }

    private static Pred test(Expr.Test t, int slot) {
        boolean all = t.quantifier() == Quantifier.ALL;
        Expr.Operand o = t.operand();
        FieldDef f = o.field();
        Slice sl = o.slice();
        return switch (o.domain()) {
            case NUMBER -> switch (t.op()) {
                case NONZERO -> new NumNonZero(slot, o.mask(), all);
                case MATCHES -> new NumMatches(slot, f, ((Value.Regex) t.value()).pattern(), all);
                default -> numeric(t, slot, all);
            };
            case BYTES -> new BytesTest(slot, f, sl, t.op(), byteValues(t), t.value() instanceof Value.Regex r ? r.pattern() : null, all);
            case STRING -> new StrTest(slot, sl, t.op(), strValues(t), t.value() instanceof Value.Regex r ? r.pattern() : null, all);
        };
    }

    private static byte[][] byteValues(Expr.Test t) {
        return switch (t.value()) {
            case Value.Bytes b -> new byte[][] {b.value()};
            case Value.BytesSet s -> s.values().toArray(new byte[0][]);
            default -> new byte[0][];
        };
    }

    private static String[] strValues(Expr.Test t) {
        return switch (t.value()) {
            case Value.Str s -> new String[] {s.value()};
            case Value.StrSet s -> s.values().toArray(new String[0]);
            default -> new String[0];
        };
    }

    // ---- numbers ----

    static long key(NumOrder order, long v) {
        return switch (order) {
            case UNSIGNED -> v ^ Long.MIN_VALUE;
            case SIGNED -> v;
            case DOUBLE -> v ^ ((v >> 63) & Long.MAX_VALUE);
        };
    }

    private static Pred numeric(Expr.Test t, int slot, boolean all) {
        NumOrder order = t.operand().order();
        long[] lo, hi;
        if (t.value() instanceof Value.NumSet set) {
            lo = new long[set.lo().length];
            hi = new long[set.hi().length];
            for (int i = 0; i < lo.length; i++) {
                lo[i] = key(order, set.lo()[i]);
                hi[i] = key(order, set.hi()[i]);
            }
        } else {
            long k = key(order, ((Value.Num) t.value()).value());
            long[] r = switch (t.op()) {
                case EQ, NE -> new long[] {k, k};
                case LT -> k == Long.MIN_VALUE ? new long[] {1, 0} : new long[] {Long.MIN_VALUE, k - 1};
                case LE -> new long[] {Long.MIN_VALUE, k};
                case GT -> k == Long.MAX_VALUE ? new long[] {1, 0} : new long[] {k + 1, Long.MAX_VALUE};
                case GE -> new long[] {k, Long.MAX_VALUE};
                default -> throw new IllegalStateException(t.op().toString());
            };
            lo = new long[] {r[0]};
            hi = new long[] {r[1]};
        }
        boolean want = t.op() != Op.NE;
        int kind = switch (order) {
            case UNSIGNED -> 0;
            case SIGNED -> 1;
            case DOUBLE -> 2;
        };
        long mask = t.operand().mask();
        if (lo.length == 1) return new NumRange(slot, mask, kind, lo[0], hi[0], all, want);
        return new NumRanges(slot, mask, kind, lo, hi, all, want);
    }

    private static long key(int kind, long v) {
        return kind == 0 ? v ^ Long.MIN_VALUE : kind == 1 ? v : v ^ ((v >> 63) & Long.MAX_VALUE);
    }

    /** One closed range: the common case (==, !=, <, >, …). */
    static final class NumRange extends Pred {
        private final int slot, kind;
        private final long mask, lo, hi;
        private final boolean all, want;

        NumRange(int slot, long mask, int kind, long lo, long hi, boolean all, boolean want) {
            this.slot = slot;
            this.mask = mask;
            this.kind = kind;
            this.lo = lo;
            this.hi = hi;
            this.all = all;
            this.want = want;
        }

        @Override
        boolean test(FilterSink s) {
            int n = s.count[slot];
            if (n == 0) return false;
            long[] a = s.nums[slot];
            for (int i = 0; i < n; i++) {
                long k = key(kind, a[i] & mask);
                boolean in = k >= lo && k <= hi;
                if (all) {
                    if (in != want) return false;
                } else if (in == want) {
                    return true;
                }
            }
            return all;
        }
    }

    /** Several ranges: membership sets. */
    static final class NumRanges extends Pred {
        private final int slot, kind;
        private final long mask;
        private final long[] lo, hi;
        private final boolean all, want;

        NumRanges(int slot, long mask, int kind, long[] lo, long[] hi, boolean all, boolean want) {
            this.slot = slot;
            this.mask = mask;
            this.kind = kind;
            this.lo = lo;
            this.hi = hi;
            this.all = all;
            this.want = want;
        }

        @Override
        boolean test(FilterSink s) {
            int n = s.count[slot];
            if (n == 0) return false;
            long[] a = s.nums[slot];
            for (int i = 0; i < n; i++) {
                long k = key(kind, a[i] & mask);
                boolean in = false;
                for (int j = 0; j < lo.length && !in; j++) in = k >= lo[j] && k <= hi[j];
                if (all) {
                    if (in != want) return false;
                } else if (in == want) {
                    return true;
                }
            }
            return all;
        }
    }

    static final class NumNonZero extends Pred {
        private final int slot;
        private final long mask;
        private final boolean all;

        NumNonZero(int slot, long mask, boolean all) {
            this.slot = slot;
            this.mask = mask;
            this.all = all;
        }

        @Override
        boolean test(FilterSink s) {
            int n = s.count[slot];
            if (n == 0) return false;
            long[] a = s.nums[slot];
            for (int i = 0; i < n; i++) {
                boolean set = (a[i] & mask) != 0;
                if (all != set) return set;
            }
            return all;
        }
    }

    /** matches on a number: the regex runs over the value's text (its name for enumerations). */
    static final class NumMatches extends Pred {
        private final int slot;
        private final FieldDef field;
        private final Pattern pattern;
        private final boolean all;

        NumMatches(int slot, FieldDef field, Pattern pattern, boolean all) {
            this.slot = slot;
            this.field = field;
            this.pattern = pattern;
            this.all = all;
        }

        @Override
        boolean test(FilterSink s) {
            int n = s.count[slot];
            if (n == 0) return false;
            long[] a = s.nums[slot];
            for (int i = 0; i < n; i++) {
                String name = field.type() == FieldType.ENUM ? field.nameOf(a[i]) : null;
                boolean m = pattern.matcher(name != null ? name : FieldFormat.plain(field, a[i])).find();
                if (all != m) return m;
            }
            return all;
        }
    }

    // ---- slices ----

    /** Bounds [a, b) of a slice of a value of {@code len} elements packed as a << 32 | b, or -1 when it does not fit. */
    static long bounds(Slice sl, int len) {
        if (sl == null) return len;
        int a = sl.start() < 0 ? len + sl.start() : sl.start();
        if (a < 0 || a >= len) return -1;
        long b = switch (sl.kind()) {
            case LENGTH -> (long) a + sl.arg();
            case END_INCLUSIVE -> (sl.arg() < 0 ? len + sl.arg() : sl.arg()) + 1L;
            case TO_END -> len;
        };
        if (b <= a || b > len) return -1;
        return ((long) a << 32) | b;
    }

    // ---- byte strings ----

    static final class BytesTest extends Pred {
        private final int slot;
        private final FieldDef field;
        private final Slice slice;
        private final Op op;
        private final byte[][] values;
        private final Pattern pattern;
        private final boolean all;

        BytesTest(int slot, FieldDef field, Slice slice, Op op, byte[][] values, Pattern pattern, boolean all) {
            this.slot = slot;
            this.field = field;
            this.slice = slice;
            this.op = op;
            this.values = values;
            this.pattern = pattern;
            this.all = all;
        }

        @Override
        boolean test(FilterSink s) {
            int n = s.count[slot];
            byte[] p = s.pool[slot];
            int[] offs = s.offs[slot], lens = s.lens[slot];
            boolean seen = false;
            for (int i = 0; i < n; i++) {
                int from = offs[i], len = lens[i];
                if (slice != null) {
                    long ab = bounds(slice, len);
                    if (ab < 0) continue;
                    int a = (int) (ab >>> 32);
                    len = (int) ab - a;
                    from += a;
                }
                seen = true;
                boolean r = holds(p, from, len);
                if (all != r) return r;
            }
            return all && seen;
        }

        private boolean holds(byte[] p, int from, int len) {
            switch (op) {
                case EQ, IN, NE -> {
                    boolean eq = false;
                    for (byte[] v : values) {
                        if (Arrays.equals(p, from, from + len, v, 0, v.length)) {
                            eq = true;
                            break;
                        }
                    }
                    return eq == (op != Op.NE);
                }
                case CONTAINS -> {
                    byte[] v = values[0];
                    outer:
                    for (int i = 0; i + v.length <= len; i++) {
                        for (int j = 0; j < v.length; j++) if (p[from + i + j] != v[j]) continue outer;
                        return true;
                    }
                    return false;
                }
                case MATCHES -> {
                    MemorySegment seg = MemorySegment.ofArray(p);
                    String text = slice == null ? FieldFormat.plainBytes(field, seg, from, len) : FieldFormat.hex(seg, from, len);
                    return pattern.matcher(text).find();
                }
                default -> {
                    int c = Arrays.compareUnsigned(p, from, from + len, values[0], 0, values[0].length);
                    return switch (op) {
                        case LT -> c < 0;
                        case LE -> c <= 0;
                        case GT -> c > 0;
                        case GE -> c >= 0;
                        default -> throw new IllegalStateException(op.toString());
                    };
                }
            }
        }
    }

    // ---- strings ----

    static final class StrTest extends Pred {
        private final int slot;
        private final Slice slice;
        private final Op op;
        private final String[] values;
        private final Pattern pattern;
        private final boolean all;

        StrTest(int slot, Slice slice, Op op, String[] values, Pattern pattern, boolean all) {
            this.slot = slot;
            this.slice = slice;
            this.op = op;
            this.values = values;
            this.pattern = pattern;
            this.all = all;
        }

        @Override
        boolean test(FilterSink s) {
            int n = s.count[slot];
            String[] a = s.strs[slot];
            boolean seen = false;
            for (int i = 0; i < n; i++) {
                String v = a[i];
                if (slice != null) {
                    long ab = bounds(slice, v.codePointCount(0, v.length()));
                    if (ab < 0) continue;
                    int from = v.offsetByCodePoints(0, (int) (ab >>> 32));
                    v = v.substring(from, v.offsetByCodePoints(from, (int) ab - (int) (ab >>> 32)));
                }
                seen = true;
                boolean r = holds(v);
                if (all != r) return r;
            }
            return all && seen;
        }

        private boolean holds(String v) {
            return switch (op) {
                case EQ, IN -> Arrays.asList(values).contains(v);
                case NE -> !Arrays.asList(values).contains(v);
                case CONTAINS -> v.contains(values[0]);
                case MATCHES -> pattern.matcher(v).find();
                case LT -> v.compareTo(values[0]) < 0;
                case LE -> v.compareTo(values[0]) <= 0;
                case GT -> v.compareTo(values[0]) > 0;
                case GE -> v.compareTo(values[0]) >= 0;
                default -> throw new IllegalStateException(op.toString());
            };
        }
    }

    // ---- logic ----

    static final class Exists extends Pred {
        private final int slot;

        Exists(int slot) {
            this.slot = slot;
        }

        @Override
        boolean test(FilterSink s) {
            return s.count[slot] > 0;
        }
    }

    static final class All extends Pred {
        private final Pred[] parts;

        All(Pred[] parts) {
            this.parts = parts;
        }

        @Override
        boolean test(FilterSink s) {
            for (Pred p : parts) if (!p.test(s)) return false;
            return true;
        }
    }

    static final class AnyOf extends Pred {
        private final Pred[] parts;

        AnyOf(Pred[] parts) {
            this.parts = parts;
        }

        @Override
        boolean test(FilterSink s) {
            for (Pred p : parts) if (p.test(s)) return true;
            return false;
        }
    }

    /** {@code a ^^ b ^^ c ...}: true when an odd number of the parts are. */
    static final class Parity extends Pred {
        private final Pred[] parts;

        Parity(Pred[] parts) {
            this.parts = parts;
        }

        @Override
        boolean test(FilterSink s) {
            boolean odd = false;
            for (Pred p : parts) odd ^= p.test(s);
            return odd;
        }
    }

    static final class Not extends Pred {
        private final Pred a;

        Not(Pred a) {
            this.a = a;
        }

        @Override
        boolean test(FilterSink s) {
            return !a.test(s);
        }
    }

    static final class Always extends Pred {
        @Override
        boolean test(FilterSink s) {
            return true;
        }
    }
}
