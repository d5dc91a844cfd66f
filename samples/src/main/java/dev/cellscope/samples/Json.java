package dev.cellscope.samples;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tiny ordered JSON writer for ground-truth files: objects keep insertion order (LinkedHashMap),
 * so the output never depends on hash order. Values: String, Number, Boolean, null, Map, Collection.
 */
final class Json {
    private Json() {}

    static Map<String, Object> object() {
        return new LinkedHashMap<>();
    }

    static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value, 0);
        return b.append('\n').toString();
    }

    private static void write(StringBuilder b, Object v, int indent) {
        switch (v) {
            case null -> b.append("null");
            case String s -> string(b, s);
            case Boolean x -> b.append(x);
            case Number n -> b.append(n);
            case Map<?, ?> m -> {
                if (m.isEmpty()) { b.append("{}"); return; }
                b.append("{\n");
                int i = 0;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    pad(b, indent + 1);
                    string(b, e.getKey().toString());
                    b.append(": ");
                    write(b, e.getValue(), indent + 1);
                    if (++i < m.size()) b.append(',');
                    b.append('\n');
                }
                pad(b, indent);
                b.append('}');
            }
            case Collection<?> c -> {
                boolean simple = c.stream().allMatch(x -> x == null || x instanceof Number || x instanceof String || x instanceof Boolean);
                if (c.isEmpty()) { b.append("[]"); return; }
                if (simple) {
                    b.append('[');
                    int i = 0;
                    for (Object x : c) {
                        if (i++ > 0) b.append(", ");
                        write(b, x, indent);
                    }
                    b.append(']');
                    return;
                }
                b.append("[\n");
                int i = 0;
                for (Object x : c) {
                    pad(b, indent + 1);
                    write(b, x, indent + 1);
                    if (++i < c.size()) b.append(',');
                    b.append('\n');
                }
                pad(b, indent);
                b.append(']');
            }
            default -> throw new IllegalArgumentException("not JSON: " + v.getClass());
        }
    }

    private static void pad(StringBuilder b, int indent) {
        b.append("  ".repeat(indent));
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }
}
