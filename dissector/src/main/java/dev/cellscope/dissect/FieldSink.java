package dev.cellscope.dissect;

import dev.cellscope.expert.Expert;
import dev.cellscope.field.FieldDef;

import java.lang.foreign.MemorySegment;

/**
 * Receives what a dissector finds, in frame order. One dissection code path feeds every
 * output: a tree builder for -V/-x/JSON/GUI, a value collector for -T fields and filters,
 * statistics. Offsets and lengths are relative to the frame start; an offset of -1 means
 * the value does not come from this frame's bytes (e.g. reassembled data).
 *
 * <p>After {@link #push()}, items are children of the last item added until {@link #pop()}.
 */
public interface FieldSink {

    /** False lets the dissector skip computing a value nobody reads. Protocol items are always added. */
    default boolean wants(FieldDef field) {
        return true;
    }

    /**
     * False lets the dissector skip a whole layer (its fields, its findings and the layers it
     * carries): a {@code -T fields} run that asks only for UTCP fields need not decode SBI.
     */
    default boolean wantsLayer(FieldDef protocol) {
        return true;
    }

    /** False lets the dissector skip checks whose only product is a finding (e.g. the Tether CRC). */
    default boolean wantsExperts() {
        return true;
    }

    /** Whether the sink reads the summary columns (building Info text costs time). */
    default boolean wantsSummary() {
        return false;
    }

    /** A layer or a subtree heading with no value. */
    void protocol(FieldDef field, int offset, int length);

    /** A numeric value (integers, booleans, enums, times in ns, MAC/Tether ids, IPv4). */
    void number(FieldDef field, int offset, int length, long value);

    /** A byte-string value: {@code length} bytes of {@code seg} from {@code from}. */
    void bytes(FieldDef field, int offset, int length, MemorySegment seg, long from, int count);

    /** A text value. */
    void text(FieldDef field, int offset, int length, String value);

    /** Adds words to the label of the item whose subtree is open (a layer's one-line summary). */
    default void appendText(String text) {}

    /** Subsequent items become children of the last item added. */
    default void push() {}

    /** Returns to the parent level. */
    default void pop() {}

    /** A finding attached at the current level. */
    void expert(Expert expert, int offset, int length);

    /** Summary columns, set once per frame after dissection. */
    default void summary(String protocol, String source, String destination, String info) {}

    /**
     * The items that follow belong to datagram {@code index} (from 0) of a UDP GSO train that the capture holds as one
     * frame ({@link dev.cellscope.wire.GsoTrain}); on the wire it is a packet of {@code wireLength} bytes. Sinks
     * that count packets (flow rows, series) close the previous datagram here; the rest need not care: a frame may
     * carry several UTCP packets, as a Wireshark frame may carry several PDUs.
     */
    default void gsoSegment(int index, int wireLength) {}

    /** The frame is complete: every item of it has been reported (statistics update here). */
    default void endFrame() {}

    /**
     * The items since the last end were not a frame but one UTCP-SBI message released when the
     * capture ended (see {@link Dissector#dissectReleased}): its SBI layer, with {@code frame.number}
     * and {@code frame.time} of the frame that completed it and the UTCP CellIDs. By default it is
     * ended like a frame; a sink that counts frames tells the two apart.
     */
    default void endReleased() {
        endFrame();
    }

    /** A sink that wants nothing: for dissecting only to feed conversation analysis. */
    static FieldSink discard() {
        return Discard.INSTANCE;
    }

    /** The sink behind {@link #discard()}. */
    final class Discard implements FieldSink {
        static final Discard INSTANCE = new Discard();

        private Discard() {}

        @Override public boolean wants(FieldDef field) { return false; }
        @Override public boolean wantsLayer(FieldDef protocol) { return false; }
        @Override public boolean wantsExperts() { return false; }
        @Override public void protocol(FieldDef field, int offset, int length) {}
        @Override public void number(FieldDef field, int offset, int length, long value) {}
        @Override public void bytes(FieldDef field, int offset, int length, MemorySegment seg, long from, int count) {}
        @Override public void text(FieldDef field, int offset, int length, String value) {}
        @Override public void expert(Expert expert, int offset, int length) {}
    }
}
