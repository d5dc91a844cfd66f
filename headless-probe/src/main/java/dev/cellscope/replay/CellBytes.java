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
 * Ethernet the layer's own length (the UTCP header and payload_len, Tether's whole 64-byte blocks), which
 * leaves the Ethernet padding out. Never past the captured bytes.
 */
final class CellBytes implements FieldSink {
    private static final int UDP_HEADER = 8;

    private int udpOffset, udpLength, cellOffset, cellLength;

    CellBytes() {
        reset();
    }

    void reset() {
        udpOffset = udpLength = cellOffset = cellLength = -1;
    }

    /** The frame offset of the cell-protocol bytes, or -1 when the frame carries none. */
    int offset() {
        return cellOffset;
    }

    /** How many bytes from {@link #offset()} to send, for a frame of {@code frameLength} captured bytes. */
    int length(long frameLength) {
        boolean udpPayload = udpOffset >= 0 && cellOffset == udpOffset + UDP_HEADER && udpLength >= UDP_HEADER;
        long length = udpPayload ? udpLength - UDP_HEADER : cellLength;
        return (int) Math.min(length, frameLength - cellOffset);
    }

    @Override public boolean wants(FieldDef field) { return field == LinkFields.UDP_LENGTH; }
    @Override public boolean wantsLayer(FieldDef protocol) { return false; }
    @Override public boolean wantsExperts() { return false; }
    @Override public boolean wantsSummary() { return false; }

    @Override
    public void protocol(FieldDef field, int offset, int length) {
        if (cellOffset >= 0 || offset < 0) return; // the first cell layer of the frame; -1: not the frame's bytes
        if (field == LinkFields.UDP_PROTO) {
            udpOffset = offset;
            udpLength = -1;
        } else if (field == UtcpFields.UTCP || field == TetherFields.TETHER) {
            cellOffset = offset;
            cellLength = length;
        }
    }

    @Override
    public void number(FieldDef field, int offset, int length, long value) {
        if (field == LinkFields.UDP_LENGTH && cellOffset < 0) udpLength = (int) value;
    }

    @Override public void bytes(FieldDef field, int offset, int length, MemorySegment seg, long from, int count) {}
    @Override public void text(FieldDef field, int offset, int length, String value) {}
    @Override public void expert(Expert expert, int offset, int length) {}
}
