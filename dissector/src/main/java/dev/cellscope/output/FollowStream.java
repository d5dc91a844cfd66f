package dev.cellscope.output;

import dev.cellscope.dissect.ProtoNode;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.expert.Expert;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FieldType;
import dev.cellscope.field.FrameFields;
import dev.cellscope.field.SbiFields;
import dev.cellscope.field.UtcpFields;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * {@code -z follow,utcp,STREAM}: one conversation's reassembled UTCP-SBI messages in order, as
 * tshark's follow streams prints them: the first node's lines flush left, the other's indented.
 */
public final class FollowStream implements CaptureStatistic {
    private ProtoTree tree = new ProtoTree();
    private final long stream;
    private final StringBuilder body = new StringBuilder();
    private String node0, node1;
    private long messages;

    public FollowStream(long stream) {
        this.stream = stream;
    }

    // Each frame is built as a tree; the followed stream's messages are taken from it at the frame's end.
    @Override public boolean wantsSummary() { return true; }
    @Override public void protocol(FieldDef f, int offset, int length) { tree.protocol(f, offset, length); }
    @Override public void number(FieldDef f, int offset, int length, long v) { tree.number(f, offset, length, v); }
    @Override public void bytes(FieldDef f, int offset, int length, MemorySegment seg, long from, int count) { tree.bytes(f, offset, length, seg, from, count); }
    @Override public void text(FieldDef f, int offset, int length, String v) { tree.text(f, offset, length, v); }
    @Override public void appendText(String text) { tree.appendText(text); }
    @Override public void push() { tree.push(); }
    @Override public void pop() { tree.pop(); }
    @Override public void expert(Expert e, int offset, int length) { tree.expert(e, offset, length); }

    @Override
    public void endFrame() {
        List<ProtoNode> number = tree.find(FrameFields.NUMBER);
        if (!number.isEmpty()) frame(number.getFirst().number(), tree);
        tree = new ProtoTree();
    }

    /** Takes the SBI messages of a frame's tree when it belongs to the followed stream. */
    private void frame(long number, ProtoTree tree) {
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

    @Override
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
