package dev.cellscope.wire;

import dev.cellscope.field.FieldDef;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fixed message layout declared once, as data: name, byte order, and slots in offset
 * order. Codecs read and write through its slots, the dissector emits registry fields
 * from it, and UTCP-SBI schema fingerprints hash its {@link #cld() canonical descriptor}.
 */
public final class Layout {
    private final String name;
    private final ByteOrder order;
    private final List<Slot> slots;
    private final Map<String, Slot> byName;
    private final int size;

    private Layout(String name, ByteOrder order, List<Slot> slots, int size) {
        this.name = name;
        this.order = order;
        this.slots = List.copyOf(slots);
        this.size = size;
        Map<String, Slot> m = new LinkedHashMap<>();
        for (Slot s : slots) m.put(s.name(), s);
        this.byName = Map.copyOf(m);
    }

    public static Builder bigEndian(String name) {
        return new Builder(name, ByteOrder.BIG_ENDIAN);
    }

    public static Builder littleEndian(String name) {
        return new Builder(name, ByteOrder.LITTLE_ENDIAN);
    }

    public String name() { return name; }
    public ByteOrder order() { return order; }
    public List<Slot> slots() { return slots; }
    /** Fixed size in bytes (the spine, for variable messages). */
    public int size() { return size; }

    /** The slot of that name; throws when the layout has none (a programming error). */
    public Slot slot(String slotName) {
        Slot s = byName.get(slotName);
        if (s == null) throw new IllegalArgumentException(name + " has no slot " + slotName);
        return s;
    }

    /** The same layout with the other byte order (big-endian Tether headers). */
    public Layout withOrder(ByteOrder other) {
        if (other == order) return this;
        List<Slot> swapped = new ArrayList<>();
        for (Slot s : slots) swapped.add(new Slot(s.name(), s.kind(), s.count(), s.offset(), s.field(), other));
        return new Layout(name, other, swapped, size);
    }

    /** Canonical layout descriptor: {@code Name{field:type@offset;...}}, no spaces. */
    public String cld() {
        StringBuilder b = new StringBuilder(name).append('{');
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.get(i);
            if (i > 0) b.append(';');
            b.append(s.name()).append(':').append(s.cldType()).append('@').append(s.offset());
        }
        return b.append('}').toString();
    }

    @Override
    public String toString() {
        return cld();
    }

    /** Declares slots in order; each starts where the previous ended (no hidden padding). */
    public static final class Builder {
        private final String name;
        private final ByteOrder order;
        private final List<Slot> slots = new ArrayList<>();
        private int offset;

        private Builder(String name, ByteOrder order) {
            this.name = name;
            this.order = order;
        }

        public Builder u8(String slot, FieldDef field) { return add(slot, Slot.Kind.U8, 1, field); }
        public Builder u16(String slot, FieldDef field) { return add(slot, Slot.Kind.U16, 2, field); }
        public Builder u32(String slot, FieldDef field) { return add(slot, Slot.Kind.U32, 4, field); }
        public Builder u64(String slot, FieldDef field) { return add(slot, Slot.Kind.U64, 8, field); }
        public Builder bytes(String slot, int count, FieldDef field) { return add(slot, Slot.Kind.BYTES, count, field); }

        /** Asserts the next slot starts at {@code expected}: the offsets of the spec table, checked at class load. */
        public Builder at(int expected) {
            if (offset != expected) {
                throw new IllegalStateException(name + ": next slot at " + offset + ", spec says " + expected);
            }
            return this;
        }

        public Layout build() {
            return new Layout(name, order, slots, offset);
        }

        private Builder add(String slot, Slot.Kind kind, int count, FieldDef field) {
            int width = kind == Slot.Kind.BYTES ? count : kind.width;
            slots.add(new Slot(slot, kind, count, offset, field, order));
            offset += width;
            return this;
        }
    }
}
