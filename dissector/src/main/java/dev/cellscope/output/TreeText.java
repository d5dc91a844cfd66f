package dev.cellscope.output;

import dev.cellscope.dissect.ProtoNode;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.field.FieldType;

import java.util.List;

/** The detail tree as indented text, as {@code tshark -V} prints it. */
public final class TreeText {
    private TreeText() {}

    public static void render(ProtoTree tree, StringBuilder out) {
        render(tree.roots(), null, 0, out);
    }

    private static void render(List<ProtoNode> nodes, ProtoNode parent, int depth, StringBuilder out) {
        for (ProtoNode n : nodes) {
            out.append("    ".repeat(depth));
            if (parent != null && n.field().mask() != 0 && n.expert() == null && parent.field().type() == FieldType.UINT_HEX) {
                out.append(bitPattern(parent.field().bits(), n.field().mask(), parent.number())).append(" = ")
                        .append(n.field().title()).append(": ").append(n.number() != 0 ? "Set" : "Not set");
            } else {
                out.append(n.label());
            }
            out.append('\n');
            render(n.children(), n, depth + 1, out);
        }
    }

    /** Wireshark-style bit picture: {@code .... .... ...1 ....} for mask 0x0010. */
    static String bitPattern(int bits, long mask, long value) {
        StringBuilder b = new StringBuilder();
        for (int i = bits - 1; i >= 0; i--) {
            b.append((mask >>> i & 1) == 0 ? '.' : (value >>> i & 1) != 0 ? '1' : '0');
            if (i > 0 && i % 4 == 0) b.append(' ');
        }
        return b.toString();
    }
}
