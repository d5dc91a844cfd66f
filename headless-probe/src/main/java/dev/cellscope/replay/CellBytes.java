package dev.cellscope.replay;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.expert.Expert;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.LinkFields;
import dev.cellscope.field.TetherFields;
import dev.cellscope.field.UtcpFields;

import java.lang.foreign.MemorySegment;

/**
 * Where a frame's cell-protocol bytes lie (UTCP or Tether: what follows EtherType 0x88B5, or a UDP
 * payload on the cell port), as the dissector found them: the bytes a UDP socket sends for the frame
 * ({@code replay --udp}). Wants only the UDP length; {@link #reset()} before each frame.
 *
 * <p>The bytes start at the UTCP or Tether layer. Over UDP they are the datagram's payload, as long as
 * the UDP length says (what a UDP receiver of the captured datagram got, trailing bytes and all); over
 * Ethernet the layer's own length (the UTCP header and payload_len; Tether, which has no length field, every
 * byte: a frame of 64 bytes or more is never padded), which leaves the Ethernet padding out. Never past the captured bytes. A UDP GSO train (one captured datagram
 * holding several, cut by the dissector) is its datagrams: one piece each, as the sender's kernel sent them.
 */
final class CellBytes implements FieldSink {
    private static final int UDP_HEADER = 8;

    private int udpOffset, udpLength;
    private int[] offsets = new int[4], lengths = new int[4];
    private int count;

    CellBytes() {
        reset();
    }

    void reset() {
        udpOffset = udpLength = -1;
        count = 0;
    }

    /** How many datagrams' worth the frame holds: 0 (no UTCP or Tether), 1, or a GSO train's count. */
    int count() {
        return count;
    }

    /** The frame offset of piece {@code i}'s cell-protocol bytes. */
    int offset(int i) {
        return offsets[i];
    }

    /** How many bytes of piece {@code i} to send, for a frame of {@code frameLength} captured bytes. */
    int length(int i, long frameLength) {
        int cellOffset = offsets[i];
        boolean udpPayload = count == 1 && udpOffset >= 0 && cellOffset == udpOffset + UDP_HEADER && udpLength >= UDP_HEADER;
        long length = udpPayload ? udpLength - UDP_HEADER : lengths[i];
        return (int) Math.max(0, Math.min(length, frameLength - cellOffset));
    }

    @Override public boolean wants(FieldDef field) { return field == LinkFields.UDP_LENGTH; }
    @Override public boolean wantsLayer(FieldDef protocol) { return false; }
    @Override public boolean wantsExperts() { return false; }
    @Override public boolean wantsSummary() { return false; }

    @Override
    public void protocol(FieldDef field, int offset, int length) {
        if (offset < 0) return; // not the frame's bytes
        if (field == LinkFields.UDP_PROTO && count == 0) {
            udpOffset = offset;
            udpLength = -1;
        } else if ((field == UtcpFields.UTCP || field == TetherFields.TETHER) && (count == 0 || udpOffset >= 0)) {
            // Over Ethernet the frame's one cell layer; over UDP every datagram of a GSO train.
            if (count == offsets.length) {
                offsets = java.util.Arrays.copyOf(offsets, count * 2);
                lengths = java.util.Arrays.copyOf(lengths, count * 2);
            }
            offsets[count] = offset;
            lengths[count++] = length;
        }
    }

    @Override
    public void number(FieldDef field, int offset, int length, long value) {
        if (field == LinkFields.UDP_LENGTH && count == 0) udpLength = (int) value;
    }

    @Override public void bytes(FieldDef field, int offset, int length, MemorySegment seg, long from, int count) {}
    @Override public void text(FieldDef field, int offset, int length, String value) {}
    @Override public void expert(Expert expert, int offset, int length) {}
}
