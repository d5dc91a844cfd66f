package dev.cellscope.output;

import dev.cellscope.dissect.ProtoNode;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.field.FieldType;
import dev.cellscope.field.SbiFields;
import dev.cellscope.field.UtcpFields;

import java.util.List;

/**
 * {@code -z follow,utcp,STREAM}: one conversation's reassembled UTCP-SBI messages in order, as
 * tshark's follow streams prints them: the first node's lines flush left, the other's indented.
 */
public final class FollowStream {
    private final long stream;
    private final StringBuilder body = new StringBuilder();
    private String node0, node1;
    private long messages;

    public FollowStream(long stream) {
        this.stream = stream;
    }

    /** Takes the SBI messages of a frame's tree when it belongs to the followed stream. */
    public void frame(long number, ProtoTree tree) {
        List<ProtoNode> ids = tree.find(UtcpFields.STREAM);
        if (ids.isEmpty() || ids.getFirst().number() != stream) return;
        String src = tree.find(UtcpFields.SRC).getFirst().plainValue(), dst = tree.find(UtcpFields.DST).getFirst().plainValue();
        if (node0 == null) {
            node0 = src;
            node1 = dst;
        }
        boolean second = src.equals(node1);
        for (ProtoNode layer : tree.find(SbiFields.SBI)) {
            messages++;
            if (second) body.append('\t');
            body.append("frame ").append(number);
            StringBuilder fields = new StringBuilder();
            String index = "?", op = "?";
            for (ProtoNode n : layer.children()) {
                if (n.expert() != null || n.field().type() == FieldType.PROTOCOL) continue;
                String name = n.field().name();
                if (n.field() == SbiFields.MSG_INDEX) index = n.plainValue();
                else if (n.field() == SbiFields.OP) op = SbiFields.OP_NAMES.getOrDefault(n.number(), "op " + n.plainValue());
                else if (shown(name)) fields.append(' ').append(name.substring(name.indexOf('.') + 1)).append('=').append(n.plainValue());
            }
            body.append("  msg ").append(index).append("  ").append(op).append(fields).append('\n');
        }
    }

    /** Container fields and links; not the envelope, preamble bookkeeping or the raw block bytes. */
    private static boolean shown(String name) {
        return !name.equals("sbi.frame_len") && !name.equals("sbi.put.data") && !name.startsWith("sbi.segment")
                && !name.equals("sbi.container");
    }

    public void print(StringBuilder out) {
        out.append("===================================================================\n");
        out.append("Follow: utcp,sbi\n");
        out.append("Filter: utcp.stream eq ").append(stream).append('\n');
        out.append("Node 0: ").append(node0 == null ? "(stream not found)" : node0).append('\n');
        out.append("Node 1: ").append(node1 == null ? "" : node1).append('\n');
        out.append(body);
        out.append(messages).append(" messages\n");
        out.append("===================================================================\n");
    }
}
