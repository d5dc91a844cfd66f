package dev.cellscope.dissect;

import dev.cellscope.expert.Expert;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.LinkFields;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/** A sink that builds a frame's full detail tree, with summary columns and findings. */
public final class ProtoTree implements FieldSink {
    private final List<ProtoNode> roots = new ArrayList<>();
    private final List<ProtoNode> experts = new ArrayList<>();
    private final Deque<List<ProtoNode>> levels = new ArrayDeque<>();
    private final Deque<ProtoNode> open = new ArrayDeque<>();
    private ProtoNode last;
    private String protocol = "", source = "", destination = "", info = "";

    public ProtoTree() {
        levels.push(roots);
    }

    public List<ProtoNode> roots() { return roots; }
    /** Every finding in tree order. */
    public List<ProtoNode> experts() { return experts; }
    public String protocolColumn() { return protocol; }
    public String sourceColumn() { return source; }
    public String destinationColumn() { return destination; }
    public String infoColumn() { return info; }

    @Override
    public boolean wantsSummary() {
        return true;
    }

    /** Wireshark's either-direction fields (ip.addr, …) are for filters and -e columns: the tree shows source and destination. */
    @Override
    public boolean wants(FieldDef field) {
        return !LinkFields.eitherDirection(field);
    }

    @Override
    public void protocol(FieldDef field, int offset, int length) {
        add(new ProtoNode(field, offset, length, 0, null, null, null));
    }

    @Override
    public void number(FieldDef field, int offset, int length, long value) {
        add(new ProtoNode(field, offset, length, value, null, null, null));
    }

    @Override
    public void bytes(FieldDef field, int offset, int length, MemorySegment seg, long from, int count) {
        add(new ProtoNode(field, offset, length, 0, seg.asSlice(from, count).toArray(ValueLayout.JAVA_BYTE), null, null));
    }

    @Override
    public void text(FieldDef field, int offset, int length, String value) {
        add(new ProtoNode(field, offset, length, 0, null, value, null));
    }

    /** Appends to the item whose subtree is open (a layer), or to the last item at the top level. */
    @Override
    public void appendText(String text) {
        ProtoNode target = open.isEmpty() ? last : open.peek();
        if (target != null) target.append(text);
    }

    @Override
    public void push() {
        if (last != null) {
            levels.push(last.children());
            open.push(last);
        }
    }

    @Override
    public void pop() {
        if (levels.size() > 1) {
            levels.pop();
            open.pop();
        }
    }

    @Override
    public void expert(Expert expert, int offset, int length) {
        ProtoNode node = new ProtoNode(dev.cellscope.field.ExpertFields.EXPERT, offset, length, 0, null, null, expert);
        levels.peek().add(node);
        experts.add(node);
    }

    @Override
    public void summary(String protocol, String source, String destination, String info) {
        this.protocol = protocol;
        this.source = source;
        this.destination = destination;
        this.info = info;
    }

    private void add(ProtoNode node) {
        // frame.* fields reported after the layers (frame.protocols) belong under the frame item.
        List<ProtoNode> level = levels.size() == 1 && node.field().name().startsWith("frame.") && !roots.isEmpty()
                ? roots.getFirst().children() : levels.peek();
        level.add(node);
        last = node;
    }

    /** Visits every node depth-first. */
    public void forEach(Consumer<ProtoNode> visitor) {
        walk(roots, visitor);
    }

    private static void walk(List<ProtoNode> nodes, Consumer<ProtoNode> visitor) {
        for (ProtoNode n : nodes) {
            visitor.accept(n);
            walk(n.children(), visitor);
        }
    }

    /** All values of one field in tree order. */
    public List<ProtoNode> find(FieldDef field) {
        List<ProtoNode> out = new ArrayList<>();
        forEach(n -> {
            if (n.expert() == null && n.field().equals(field)) out.add(n);
        });
        return out;
    }
}
