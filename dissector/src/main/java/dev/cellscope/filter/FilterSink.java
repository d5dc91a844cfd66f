package dev.cellscope.filter;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.LayerNeeds;
import dev.cellscope.expert.Expert;
import dev.cellscope.field.ExpertFields;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FieldRegistry;
import dev.cellscope.field.FieldType;
import dev.cellscope.field.FrameFields;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;

/**
 * The values one frame holds for the fields a {@link DisplayFilter} reads, in reusable
 * arrays: numbers as longs, byte strings copied into one pool per field, text as Strings.
 * Everything else the dissector reports costs one array lookup, and {@link #wants},
 * {@link #wantsLayer} and {@link #wantsExperts} let the dissector skip what the filter
 * does not read. Obtain one from {@link DisplayFilter#newSink()}; call {@link #reset()}
 * before each frame. Not thread-safe: one sink per thread.
 */
public final class FilterSink implements FieldSink {
    final DisplayFilter owner;
    /** Indexed by field id: the field's slot, or -1 when the filter does not read it. */
    private final int[] slotOf;
    private final FieldDef[] fieldOf;
    /** Occurrences of each slot in the current frame. */
    final int[] count;
    final long[][] nums;
    final byte[][] pool;
    final int[] poolUsed;
    final int[][] offs;
    final int[][] lens;
    final String[][] strs;
    /** Slots of ETHER/TETHER_ID/IPV4 fields that are also sliced: their numbers are kept as bytes too. */
    private final boolean[] numAsBytes;
    private final boolean[] layers;
    private final boolean experts;
    private final int severitySlot, groupSlot, messageSlot, idSlot, expertSlot;

    FilterSink(DisplayFilter owner, List<FieldDef> fields, java.util.Set<FieldDef> sliced) {
        this.owner = owner;
        int n = fields.size();
        slotOf = new int[FieldRegistry.size()];
        Arrays.fill(slotOf, -1);
        fieldOf = fields.toArray(new FieldDef[0]);
        count = new int[n];
        nums = new long[n][];
        pool = new byte[n][];
        poolUsed = new int[n];
        offs = new int[n][];
        lens = new int[n][];
        strs = new String[n][];
        numAsBytes = new boolean[n];
        for (int i = 0; i < n; i++) {
            FieldDef f = fieldOf[i];
            slotOf[f.id()] = i;
            FieldType t = f.type();
            if (t.isNumeric()) nums[i] = new long[4];
            if (t.isBytes() || (t.isNumeric() && sliced.contains(f))) {
                numAsBytes[i] = t.isNumeric();
                pool[i] = new byte[64];
                offs[i] = new int[4];
                lens[i] = new int[4];
            }
            if (t == FieldType.STRING) strs[i] = new String[2];
        }
        severitySlot = slot(ExpertFields.SEVERITY);
        groupSlot = slot(ExpertFields.GROUP);
        messageSlot = slot(ExpertFields.MESSAGE);
        idSlot = slot(ExpertFields.ID);
        expertSlot = slot(ExpertFields.EXPERT);
        // Same rule as -T fields: experts and frame.protocols need every layer decoded.
        boolean everything = fields.stream().anyMatch(f -> f.protocol().equals("expert") || f == FrameFields.PROTOCOLS);
        experts = everything;
        layers = new boolean[FieldRegistry.size()];
        for (FieldDef p : FieldRegistry.all()) {
            if (p.type() != FieldType.PROTOCOL) continue;
            layers[p.id()] = everything || fields.stream().anyMatch(f -> LayerNeeds.needs(p, f));
        }
    }


    /** The slot of a field, or -1. */
    int slot(FieldDef f) {
        return slotOf[f.id()];
    }

    /** Forgets the previous frame's values. */
    public void reset() {
        Arrays.fill(count, 0);
        Arrays.fill(poolUsed, 0);
    }

    @Override
    public boolean wants(FieldDef field) {
        return slotOf[field.id()] >= 0;
    }

    @Override
    public boolean wantsLayer(FieldDef protocol) {
        return layers[protocol.id()];
    }

    @Override
    public boolean wantsExperts() {
        return experts;
    }

    @Override
    public void protocol(FieldDef field, int offset, int length) {
        int s = slotOf[field.id()];
        if (s >= 0) count[s]++;
    }

    @Override
    public void number(FieldDef field, int offset, int length, long value) {
        int s = slotOf[field.id()];
        if (s >= 0) addNumber(s, value);
    }

    private void addNumber(int s, long value) {
        int c = count[s];
        long[] a = nums[s];
        if (a == null) return;
        if (c == a.length) nums[s] = a = Arrays.copyOf(a, c * 2);
        a[c] = value;
        if (numAsBytes[s]) {
            int width = fieldOf[s].type() == FieldType.IPV4 ? 4 : 6;
            int at = reserve(s, c, width);
            byte[] p = pool[s];
            for (int i = 0; i < width; i++) p[at + i] = (byte) (value >>> (8 * (width - 1 - i)));
        }
        count[s] = c + 1;
    }

    /** Makes room for occurrence {@code c}'s {@code len} bytes in slot {@code s}'s pool; returns where they go. */
    private int reserve(int s, int c, int len) {
        if (c == offs[s].length) {
            offs[s] = Arrays.copyOf(offs[s], c * 2);
            lens[s] = Arrays.copyOf(lens[s], c * 2);
        }
        int at = poolUsed[s];
        if (at + len > pool[s].length) pool[s] = Arrays.copyOf(pool[s], Math.max(pool[s].length * 2, at + len));
        offs[s][c] = at;
        lens[s][c] = len;
        poolUsed[s] = at + len;
        return at;
    }

    @Override
    public void bytes(FieldDef field, int offset, int length, MemorySegment seg, long from, int count) {
        int s = slotOf[field.id()];
        if (s < 0 || pool[s] == null || numAsBytes[s]) return;
        int c = this.count[s];
        int at = reserve(s, c, count);
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, from, pool[s], at, count);
        this.count[s] = c + 1;
    }

    @Override
    public void text(FieldDef field, int offset, int length, String value) {
        int s = slotOf[field.id()];
        if (s >= 0) addText(s, value);
    }

    private void addText(int s, String value) {
        String[] a = strs[s];
        if (a == null) return;
        int c = count[s];
        if (c == a.length) strs[s] = a = Arrays.copyOf(a, c * 2);
        a[c] = value;
        count[s] = c + 1;
    }

    @Override
    public void expert(Expert expert, int offset, int length) {
        if (expertSlot >= 0) count[expertSlot]++;
        if (severitySlot >= 0) addNumber(severitySlot, expert.severity().ordinal());
        if (groupSlot >= 0) addNumber(groupSlot, expert.group().ordinal());
        if (messageSlot >= 0) addText(messageSlot, expert.message());
        if (idSlot >= 0) addText(idSlot, expert.id());
    }
}
