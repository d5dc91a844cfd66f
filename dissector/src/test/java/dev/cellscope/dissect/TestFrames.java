package dev.cellscope.dissect;

import dev.cellscope.crypto.Crc64GoIso;
import dev.cellscope.io.Packet;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Frames written byte by byte from the tables of PROTOCOLS.md with ByteBuffer puts at the
 * documented offsets — deliberately not through the project's layouts or codecs, so the
 * dissector is checked against the document rather than against itself.
 */
final class TestFrames {
    private TestFrames() {}

    static final long MAC_A = 0x020000000001L, MAC_B = 0x020000000002L;

    static byte[] eth(long dst, long src, int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
        putMac(b, dst);
        putMac(b, src);
        b.putShort((short) type).put(payload);
        return b.array();
    }

    /** Pads to the Ethernet minimum of 60 bytes (without FCS), as a NIC does. */
    static byte[] padded(byte[] frame) {
        if (frame.length >= 60) return frame;
        byte[] out = new byte[60];
        System.arraycopy(frame, 0, out, 0, frame.length);
        return out;
    }

    static byte[] vlanEth(long dst, long src, int[] tpids, int[] vids, int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + 4 * tpids.length + payload.length);
        putMac(b, dst);
        putMac(b, src);
        for (int i = 0; i < tpids.length; i++) {
            b.putShort((short) tpids[i]);
            b.putShort((short) ((5 << 13) | vids[i]));
        }
        b.putShort((short) type).put(payload);
        return b.array();
    }

    static void putMac(ByteBuffer b, long mac) {
        for (int i = 5; i >= 0; i--) b.put((byte) (mac >>> (8 * i)));
    }

    static byte[] cellId(int fill) {
        byte[] id = new byte[16];
        for (int i = 0; i < 16; i++) id[i] = (byte) (fill + i);
        return id;
    }

    /** UTCP: src@0 dst@16 seq@32 u32 BE, flags@36 u16 BE, payload_len@38 u16 BE, payload@40. */
    static byte[] utcp(byte[] src, byte[] dst, long seq, int flags, int payloadLen, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(40 + payload.length).order(ByteOrder.BIG_ENDIAN);
        b.put(src).put(dst).putInt((int) seq).putShort((short) flags).putShort((short) payloadLen).put(payload);
        return b.array();
    }

    static byte[] utcp(long seq, int flags, byte[] payload) {
        return utcp(cellId(0x10), cellId(0x40), seq, flags, payload.length, payload);
    }

    static byte[] nackPayload(long... firstCount) {
        ByteBuffer b = ByteBuffer.allocate(4 * firstCount.length);
        for (long v : firstCount) b.putInt((int) v);
        return b.array();
    }

    /** Tether header fields by offset, little-endian (PROTOCOLS.md section 3). */
    static byte[] tether(int flow, int flags, long sender, long target, long slot, long grant, long nackSlot, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(64 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x4F424F4C);
        b.putShort(4, (short) flow);
        b.put(6, (byte) flags);
        b.putInt(8, (int) (sender >>> 16));
        b.putShort(12, (short) sender);
        b.putShort(14, (short) (target >>> 32));
        b.putInt(16, (int) target);
        b.putInt(20, 123_456_789);
        b.putLong(24, slot);
        b.putLong(32, grant);
        b.putLong(40, nackSlot);
        b.putLong(56, (1L << 62) + 1_764_361_337L + 37); // 2025-11-28T20:22:17Z as a TAI64 label
        b.put(64, payload);
        byte[] frame = b.array();
        return withChecksum(frame);
    }

    static byte[] withChecksum(byte[] tetherFrame) {
        long crc = Crc64GoIso.tetherChecksum(MemorySegment.ofArray(tetherFrame), 0, tetherFrame.length);
        ByteBuffer.wrap(tetherFrame).order(ByteOrder.LITTLE_ENDIAN).putLong(48, crc);
        return tetherFrame;
    }

    /** A control payload: tag u32, reserved u32, body, zero-padded to whole 64-byte blocks. */
    static byte[] control(int tag, byte[] body) {
        int len = 8 + body.length;
        ByteBuffer b = ByteBuffer.allocate((len + 63) / 64 * 64).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(tag).putInt(0).put(body);
        return b.array();
    }

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** An SBI message: frame_len u32 BE, op, preamble ("SB", version 1, flags 0, container_len LE, schema), container. */
    static byte[] sbi(int op, byte[] schema, byte[] container) {
        ByteBuffer b = ByteBuffer.allocate(5 + 24 + container.length);
        b.putInt(24 + container.length).put((byte) op);
        b.put((byte) 'S').put((byte) 'B').put((byte) 1).put((byte) 0);
        b.order(ByteOrder.LITTLE_ENDIAN).putInt(container.length).put(schema).put(container);
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) b.put(p);
        return b.array();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static ProtoTree dissect(byte[] frame) {
        return dissect(new Dissector(), frame);
    }

    static ProtoTree dissect(Dissector dissector, byte[] frame) {
        ProtoTree tree = new ProtoTree();
        dissector.dissect(Packet.of(1, 1_000_000_000L, frame), new FrameTiming(1_000_000_000L, 1_000_000_000L), tree);
        return tree;
    }

    static List<String> values(ProtoTree tree, dev.cellscope.field.FieldDef f) {
        return tree.find(f).stream().map(ProtoNode::plainValue).toList();
    }

    static String value(ProtoTree tree, dev.cellscope.field.FieldDef f) {
        List<String> v = values(tree, f);
        if (v.size() != 1) throw new AssertionError(f.name() + " occurs " + v.size() + " times: " + v);
        return v.getFirst();
    }

    static List<String> experts(ProtoTree tree) {
        return tree.experts().stream().map(n -> n.expert().toString()).toList();
    }
}
