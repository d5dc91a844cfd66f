package dev.cellscope.dissect;

import dev.cellscope.expert.Expert;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FieldFormat;
import dev.cellscope.field.FieldType;

import java.util.ArrayList;
import java.util.List;

/**
 * One item of a frame's detail tree: a field with its value and byte range, a layer, or an
 * expert finding. Values are copied out of the frame so the tree outlives the capture mapping.
 */
public final class ProtoNode {
    private final FieldDef field;
    private final int offset, length;
    private final long number;
    private final byte[] bytes;
    private final String text;
    private final Expert expert;
    private static final int TREE_HEX_LIMIT = 64;
    private final List<ProtoNode> children = new ArrayList<>(0);
    private String appended = "";

    ProtoNode(FieldDef field, int offset, int length, long number, byte[] bytes, String text, Expert expert) {
        this.field = field;
        this.offset = offset;
        this.length = length;
        this.number = number;
        this.bytes = bytes;
        this.text = text;
        this.expert = expert;
    }

    public FieldDef field() { return field; }
    /** Offset in the frame, or -1 when the value does not come from the frame's bytes. */
    public int offset() { return offset; }
    public int length() { return length; }
    public long number() { return number; }
    public byte[] bytes() { return bytes; }
    public String text() { return text; }
    /** The finding, for expert nodes; null otherwise. */
    public Expert expert() { return expert; }
    public List<ProtoNode> children() { return children; }
    public String appendedText() { return appended; }

    void append(String s) { appended += s; }

    /** Plain value as in {@code -T fields} ("" for layers). */
    public String plainValue() {
        if (expert != null) return expert.message();
        FieldType t = field.type();
        if (t == FieldType.PROTOCOL) return "";
        if (t.isNumeric()) return FieldFormat.plain(field, number);
        if (bytes != null) return FieldFormat.plainBytes(field, java.lang.foreign.MemorySegment.ofArray(bytes), 0, bytes.length);
        return text == null ? "" : text;
    }

    /** The tree label: {@code Title: value} for fields, the title and summary for layers. */
    public String label() {
        if (expert != null) {
            return "Expert Info (" + capitalize(expert.severity().label()) + "/" + capitalize(expert.group().label()) + "): " + expert.message();
        }
        FieldType t = field.type();
        if (t == FieldType.PROTOCOL) return field.title() + appended;
        String value = t.isNumeric() ? FieldFormat.readable(field, number) : plainValue();
        // Long byte strings are cut in the tree, as Wireshark does; -T fields and JSON keep them whole.
        if (t == FieldType.BYTES && value.length() > TREE_HEX_LIMIT) {
            value = value.substring(0, TREE_HEX_LIMIT) + "… [" + bytes.length + " bytes]";
        }
        return field.title() + ": " + value + appended;
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
