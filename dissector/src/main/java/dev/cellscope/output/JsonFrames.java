package dev.cellscope.output;

import dev.cellscope.dissect.ProtoNode;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.field.FieldType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Frames as one JSON array, shaped like {@code tshark -T json}: each frame is
 * {@code {"_index":"frames","_source":{"layers":{...}}}}, layers hold registry fields by
 * name with their plain values, subtrees sit under {@code "<field>_tree"}, a repeated name
 * becomes an array, and findings are under {@code "expert"} in the layer they belong to.
 */
public final class JsonFrames {
    private JsonFrames() {}

    public static void begin(StringBuilder out) {
        out.append("[\n");
    }

    public static void frame(ProtoTree tree, boolean first, StringBuilder out) {
        if (!first) out.append(",\n");
        out.append("  {\n    \"_index\": \"frames\",\n    \"_source\": {\n      \"layers\": ");
        object(tree.roots(), 4, out);
        out.append("\n    }\n  }");
    }

    public static void end(StringBuilder out) {
        out.append("\n]\n");
    }

    /** Writes nodes as one object keyed by field name. */
    private static void object(List<ProtoNode> nodes, int depth, StringBuilder out) {
        Map<String, List<Object>> members = new LinkedHashMap<>();
        for (ProtoNode n : nodes) {
            if (n.expert() != null) {
                Map<String, String> e = new LinkedHashMap<>();
                e.put("expert.severity", n.expert().severity().label());
                e.put("expert.group", n.expert().group().label());
                e.put("expert.message", n.expert().message());
                members.computeIfAbsent("expert", k -> new ArrayList<>()).add(e);
                continue;
            }
            String name = n.field().name();
            if (n.field().type() == FieldType.PROTOCOL) {
                members.computeIfAbsent(name, k -> new ArrayList<>()).add(n.children());
            } else {
                members.computeIfAbsent(name, k -> new ArrayList<>()).add(n.plainValue());
                if (!n.children().isEmpty()) members.computeIfAbsent(name + "_tree", k -> new ArrayList<>()).add(n.children());
            }
        }
        String pad = "  ".repeat(depth);
        out.append("{");
        boolean firstMember = true;
        for (var m : members.entrySet()) {
            out.append(firstMember ? "\n" : ",\n").append(pad).append("  ");
            firstMember = false;
            Json.quote(m.getKey(), out);
            out.append(": ");
            List<Object> vs = m.getValue();
            if (vs.size() == 1) {
                value(vs.getFirst(), depth + 1, out);
            } else {
                out.append('[');
                for (int i = 0; i < vs.size(); i++) {
                    if (i > 0) out.append(", ");
                    value(vs.get(i), depth + 1, out);
                }
                out.append(']');
            }
        }
        out.append(firstMember ? "}" : "\n" + pad + "}");
    }

    @SuppressWarnings("unchecked")
    private static void value(Object v, int depth, StringBuilder out) {
        switch (v) {
            case String s -> Json.quote(s, out);
            case Map<?, ?> m -> {
                out.append('{');
                boolean first = true;
                for (var e : ((Map<String, String>) m).entrySet()) {
                    if (!first) out.append(", ");
                    first = false;
                    Json.quote(e.getKey(), out);
                    out.append(": ");
                    Json.quote(e.getValue(), out);
                }
                out.append('}');
            }
            case List<?> children -> object((List<ProtoNode>) children, depth, out);
            default -> throw new IllegalArgumentException(String.valueOf(v));
        }
    }
}
