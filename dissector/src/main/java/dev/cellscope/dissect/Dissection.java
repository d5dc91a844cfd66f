package dev.cellscope.dissect;

import dev.cellscope.expert.Expert;
import dev.cellscope.expert.ExpertInfo;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FrameFields;
import dev.cellscope.io.Packet;
import dev.cellscope.wire.Layout;
import dev.cellscope.wire.Slot;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;

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
    /** Conversation analysis of the capture being read, or null for a stateless dissection. */
    final dev.cellscope.analysis.FrameAnalysis analysis;
    /** Frame offset of {@code seg}'s byte 0, or -1 when {@code seg} is not the frame (reassembled data). */
    private final int origin;

    /** Ethernet addresses of a raw 0x88B5 frame, or -1 when the cell protocol came over UDP. */
    long ethSrc = -1, ethDst = -1;

    String protocolColumn = "";
    String sourceColumn = "";
    String destinationColumn = "";
    String infoColumn = "";
    /** frame.protocols being built, or null when the sink does not read it (most outputs: no text per frame). */
    private final StringBuilder protocols;

    Dissection(DissectorConfig config, Packet packet, FieldSink sink, dev.cellscope.analysis.FrameAnalysis analysis) {
        this.config = config;
        this.packet = packet;
        this.seg = packet.data();
        this.capLen = packet.capturedLength();
        this.sink = sink;
        this.summary = sink.wantsSummary();
        this.analysis = analysis;
        this.origin = 0;
        this.protocols = sink.wants(FrameFields.PROTOCOLS) ? new StringBuilder(32) : null;
    }

    private Dissection(Dissection parent, MemorySegment other) {
        this.config = parent.config;
        this.packet = parent.packet;
        this.seg = other;
        this.capLen = (int) Math.min(Integer.MAX_VALUE, other.byteSize());
        this.sink = parent.sink;
        this.summary = parent.summary;
        this.analysis = parent.analysis;
        this.origin = -1;
        this.protocols = parent.protocols;
        this.depth = 0;
    }

    /** A view for decoding bytes that are not the frame's (a reassembled message): fields get offset -1. */
    Dissection over(MemorySegment other) {
        return new Dissection(this, other);
    }

    /**
     * Bytes of the frame on the wire that snaplen cut (0 when captured whole, and for reassembled data): the protocol at
     * the end of the frame lost that many bytes, whose values are unknown (DECISIONS.md, "Snaplen").
     */
    int uncaptured() {
        return origin < 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(0, packet.wireLength() - capLen));
    }

    /** The frame offset of {@code off} in {@code seg}, or -1 when {@code seg} is not the frame. */
    int at(long off) {
        return origin < 0 ? -1 : (int) (origin + off);
    }

    /** Adds a heading item (subtree root) without a value. */
    void protocol(FieldDef f, int offset, int length) {
        sink.protocol(f, at(offset), length);
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
        sink.protocol(proto, at(offset), length);
        push();
    }

    void addToStack(String stackName) {
        if (protocols == null) return;
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
        return protocols == null ? "" : protocols.toString();
    }

    void number(FieldDef f, int offset, int length, long value) {
        if (sink.wants(f)) sink.number(f, at(offset), length, value);
    }

    void bytes(FieldDef f, int offset, int length) {
        if (sink.wants(f)) sink.bytes(f, at(offset), length, seg, offset, length);
    }

    void text(FieldDef f, int offset, int length, String value) {
        if (sink.wants(f)) sink.text(f, at(offset), length, value);
    }

    void expert(ExpertInfo kind, String message, int offset, int length) {
        sink.expert(new Expert(kind, message), at(offset), length);
    }

    void expert(Expert e, int offset, int length) {
        sink.expert(e, at(offset), length);
    }

    /** Emits every slot of {@code layout} that feeds a registry field, for the structure at {@code base}. */
    void emit(Layout layout, int base) {
        List<Slot> slots = layout.slots();
        for (int i = 0; i < slots.size(); i++) emit(slots.get(i), base); // indexed: no iterator per frame
    }

    /** Emits one slot of the structure at {@code base} (nothing for slots without a field); returns integer values. */
    long emit(Slot slot, int base) {
        FieldDef f = slot.field();
        boolean integer = slot.kind() != Slot.Kind.BYTES;
        long v = integer ? slot.get(seg, base) : 0;
        if (f == null || !sink.wants(f)) return v;
        int pos = base + slot.offset();
        if (f.type().isNumeric()) {
            sink.number(f, at(pos), slot.size(), integer ? v : beValue(pos, slot.size()));
        } else {
            sink.bytes(f, at(pos), slot.size(), seg, pos, slot.size());
        }
        return v;
    }

    /** Emits the flag bits of {@code value} as children of the item just added. */
    void flagBits(long value, int offset, int length, FieldDef... bits) {
        push();
        for (FieldDef bit : bits) {
            if (sink.wants(bit)) sink.number(bit, at(offset), length, (value & bit.mask()) != 0 ? 1 : 0);
        }
        pop();
    }

    void columns(String protocol, String source, String destination) {
        protocolColumn = protocol;
        sourceColumn = source;
        destinationColumn = destination;
    }
}
