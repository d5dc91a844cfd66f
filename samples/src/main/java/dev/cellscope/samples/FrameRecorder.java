package dev.cellscope.samples;

import dev.cellscope.crypto.Crc64GoIso;
import dev.cellscope.crypto.SchemaFingerprints;
import dev.cellscope.io.PcapngWriter;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.EthernetHeader;
import dev.cellscope.wire.LinkLayouts;
import dev.cellscope.wire.SbiContainer;
import dev.cellscope.wire.SbiMessage;
import dev.cellscope.wire.TetherControl;
import dev.cellscope.wire.TetherFrame;
import dev.cellscope.wire.TetherHeader;
import dev.cellscope.wire.UtcpHeader;
import dev.cellscope.wire.UtcpPacket;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Builds frames with the project's codecs and records them, with a clock and optional
 * comments, into a pcapng file: the tap of a synthetic capture.
 */
final class FrameRecorder {
    static final int ETH_MIN = 60;

    private final PcapngWriter out;
    private final int iface;
    private long nowNanos;
    private long frames;

    FrameRecorder(PcapngWriter out, long startNanos) throws IOException {
        this.out = out;
        this.iface = out.addInterface(1, 262_144, "synthetic-tap");
        this.nowNanos = startNanos;
    }

    long now() {
        return nowNanos;
    }

    long frames() {
        return frames;
    }

    /** Advances the clock. */
    FrameRecorder after(long nanos) {
        nowNanos += nanos;
        return this;
    }

    /** Records an Ethernet frame, padding it to the 60-byte minimum as a NIC would. */
    void record(byte[] frame, String comment) throws IOException {
        byte[] wire = frame.length >= ETH_MIN ? frame : java.util.Arrays.copyOf(frame, ETH_MIN);
        out.write(iface, nowNanos, wire.length, MemorySegment.ofArray(wire), comment);
        frames++;
    }

    static byte[] ethernet(long src, long dst, List<Integer> vlans, int etherType, byte[] payload) {
        List<dev.cellscope.wire.VlanTag> tags = vlans.stream()
                .map(v -> new dev.cellscope.wire.VlanTag(LinkLayouts.ETHERTYPE_VLAN, 0, 0, v)).toList();
        EthernetHeader h = new EthernetHeader(dst, src, tags, etherType);
        byte[] frame = new byte[h.encodedSize() + payload.length];
        h.encodeTo(MemorySegment.ofArray(frame), 0);
        System.arraycopy(payload, 0, frame, h.encodedSize(), payload.length);
        return frame;
    }

    static byte[] utcp(Peer from, Peer to, long seq, int flags, byte[] payload) {
        return new UtcpPacket(new UtcpHeader(Bytes.of(from.cellId()), Bytes.of(to.cellId()), seq, flags, payload.length),
                Bytes.of(payload)).encode();
    }

    static byte[] sbi(SbiContainer container) {
        return SbiMessage.of(container, Bytes.of(SchemaFingerprints.forOp(container.op()))).encode();
    }

    static byte[] tether(TetherHeader header, TetherControl control) {
        return TetherFrame.control(header, control).encodeWithChecksum(FrameRecorder::crc);
    }

    static byte[] tether(TetherHeader header, byte[] payload) {
        return new TetherFrame(header, Bytes.of(payload)).encodeWithChecksum(FrameRecorder::crc);
    }

    private static long crc(MemorySegment frame) {
        return Crc64GoIso.tetherChecksum(frame, 0, frame.byteSize());
    }
}
