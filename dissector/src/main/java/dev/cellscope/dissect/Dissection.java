package dev.cellscope.dissect;

import dev.cellscope.field.FieldDef;
import dev.cellscope.io.Packet;
import dev.cellscope.wire.Layout;
import dev.cellscope.wire.Slot;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The state of one frame being dissected: its bytes, the sink, and the summary columns
 * the layers fill in. Protocol dissectors read bytes and report fields through here.
 */
final class Dissection {
    private static final ValueLayout.OfShort U16_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    final DissectorConfig config;
    final Packet packet;
    final MemorySegment seg;
    final int capLen;
    final FieldSink sink;
    final boolean summary;

    /** Ethernet addresses of a raw 0x88B5 frame, or -1 when the cell protocol came over UDP. */
    long ethSrc = -1, ethDst = -1;

    String protocolColumn = "";
    String sourceColumn = "";
    String destinationColumn = "";
    String infoColumn = "";
    private final StringBuilder protocols = new StringBuilder();

    Dissection(DissectorConfig config, Packet packet, FieldSink sink) {
        this.config = config;
        this.packet = packet;
        this.seg = packet.data();
        this.capLen = packet.capturedLength();
        this.sink = sink;
        this.summary = sink.wantsSummary();
    }

    int u8(int off) {
        return seg.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }

    int u16(int off) {
        return seg.get(U16_BE, off) & 0xFFFF;
    }

    long u32(int off) {
        return seg.get(U32_BE, off) & 0xFFFF_FFFFL;
    }

    long u64(int off, ByteOrder order) {
        return seg.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order), off);
    }

    /** Big-endian unsigned value of {@code count} (≤ 8) bytes. */
    long beValue(long off, int count) {
        long v = 0;
        for (int i = 0; i < count; i++) v = (v << 8) | (seg.get(ValueLayout.JAVA_BYTE, off + i) & 0xFF);
        return v;
    }

    private int depth;

    /** Records a layer in frame.protocols and opens its subtree. */
    void beginLayer(FieldDef proto, int offset, int length, String stackName) {
        addToStack(stackName);
        sink.protocol(proto, offset, length);
        push();
    }

    void addToStack(String stackName) {
        if (!protocols.isEmpty()) protocols.append(':');
        protocols.append(stackName);
    }

    void endLayer() {
        pop();
    }

    void push() {
        depth++;
        sink.push();
    }

    void pop() {
        depth--;
        sink.pop();
    }

    /** Closes every open subtree (after a dissector bug was caught mid-frame). */
    void unwind() {
        while (depth > 0) pop();
    }

    String protocolStack() {
        return protocols.toString();
    }

    void number(FieldDef f, int offset, int length, long value) {
        if (sink.wants(f)) sink.number(f, offset, length, value);
    }

    void bytes(FieldDef f, int offset, int length) {
        if (sink.wants(f)) sink.bytes(f, offset, length, seg, offset, length);
    }

    void text(FieldDef f, int offset, int length, String value) {
        if (sink.wants(f)) sink.text(f, offset, length, value);
    }

    void expert(Severity severity, ExpertGroup group, String message, int offset, int length) {
        sink.expert(new Expert(severity, group, message), offset, length);
    }

    /** Emits every slot of {@code layout} that feeds a registry field, for the structure at {@code base}. */
    void emit(Layout layout, int base) {
        for (Slot slot : layout.slots()) emit(slot, base);
    }

    /** Emits one slot of the structure at {@code base} (nothing for slots without a field); returns integer values. */
    long emit(Slot slot, int base) {
        FieldDef f = slot.field();
        boolean integer = slot.kind() != Slot.Kind.BYTES;
        long v = integer ? slot.get(seg, base) : 0;
        if (f == null || !sink.wants(f)) return v;
        int at = base + slot.offset();
        if (f.type().isNumeric()) {
            sink.number(f, at, slot.size(), integer ? v : beValue(at, slot.size()));
        } else {
            sink.bytes(f, at, slot.size(), seg, at, slot.size());
        }
        return v;
    }

    /** Emits the flag bits of {@code value} as children of the item just added. */
    void flagBits(long value, int offset, int length, FieldDef... bits) {
        push();
        for (FieldDef bit : bits) {
            if (sink.wants(bit)) sink.number(bit, offset, length, (value & bit.mask()) != 0 ? 1 : 0);
        }
        pop();
    }

    void columns(String protocol, String source, String destination) {
        protocolColumn = protocol;
        sourceColumn = source;
        destinationColumn = destination;
    }
}
