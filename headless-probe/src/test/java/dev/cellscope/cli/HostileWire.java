package dev.cellscope.cli;

import dev.cellscope.crypto.Crc64GoIso;
import dev.cellscope.crypto.SchemaFingerprints;
import dev.cellscope.io.CaptureReader;
import dev.cellscope.io.Packet;
import dev.cellscope.io.PcapngWriter;
import dev.cellscope.protocol.sbi.SbiOps;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A capture of structurally hostile frames, one or more per single-packet check of PROTOCOLS.md:
 * truncated headers, lengths that lie, reserved bits, bad CRC-64, a big-endian Tether header,
 * frame_len out of range and the legacy-JSON case, unknown tags, ops and schemas, malformed
 * containers, messages split across packets, VLAN tags and the UDP encapsulation. Bytes are laid
 * out here by hand (not through the codecs) so that they can be wrong.
 */
final class HostileWire {
    private HostileWire() {}

    /** A UDP port only "decode as" makes UTCP/Tether. */
    static final int DECODE_AS_PORT = 5556;
    static final long ALICE = 0x0200_0000_0a11L, BOB = 0x0200_0000_0b0bL;
    static final long SENDER = 0xac1d_6c31_0412L, TARGET = 0xac1d_0000_7777L;
    /** Tether IDs and a MAC in blocks Wireshark's vendor table names (Apple's ac:1d:06, Intel's 00:1b:21). */
    static final long APPLE_SENDER = 0xac1d_0600_1234L, APPLE_TARGET = 0xac1d_0600_5678L, INTEL = 0x001b_2112_3456L;
    private static final long LABEL_2026 = (1L << 62) + 1_795_867_200L + 37;

    /** Writes every frame of {@code captures} (Ethernet only) and then the hostile frames into one pcapng. */
    static int write(Path out, List<Path> captures) throws IOException {
        int frames = 0;
        try (PcapngWriter w = new PcapngWriter(out)) {
            w.addInterface(Packet.LINKTYPE_ETHERNET, 0, "merged");
            long t = 1_795_867_200_000_000_000L;
            for (Path capture : captures) {
                try (CaptureReader r = CaptureReader.open(capture)) {
                    for (Packet p = r.next(); p != null; p = r.next()) {
                        if (p.linkType() != Packet.LINKTYPE_ETHERNET) continue;
                        w.write(0, p.timestampNanos(), p.originalLength(),
                                MemorySegment.ofArray(p.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)), p.comment());
                        frames++;
                    }
                }
            }
            for (Frame f : frames()) {
                w.write(0, t += 1_000_000, f.wireLength, MemorySegment.ofArray(f.bytes), null);
                frames++;
            }
        }
        return frames;
    }

    /**
     * Copies {@code in} to {@code out} as a capture with a short snaplen would have recorded it: frame i keeps its
     * first {@code snaplens[i % snaplens.length]} bytes and its length on the wire (what editcap -s N does).
     */
    static void cut(Path in, Path out, int[] snaplens) throws IOException {
        try (CaptureReader r = CaptureReader.open(in); PcapngWriter w = new PcapngWriter(out)) {
            w.addInterface(Packet.LINKTYPE_ETHERNET, 0, "cut");
            int i = 0;
            for (Packet p = r.next(); p != null; p = r.next(), i++) {
                byte[] data = p.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                int keep = Math.min(data.length, snaplens[i % snaplens.length]);
                w.write(0, p.timestampNanos(), p.originalLength(), MemorySegment.ofArray(java.util.Arrays.copyOf(data, keep)), p.comment());
            }
        }
    }

    /** Copies {@code in} (one link type) to {@code out}, each frame's bytes passed through {@code edit}. */
    static void rewrite(Path in, Path out, java.util.function.UnaryOperator<byte[]> edit) throws IOException {
        try (CaptureReader r = CaptureReader.open(in); PcapngWriter w = new PcapngWriter(out)) {
            boolean first = true;
            for (Packet p = r.next(); p != null; p = r.next()) {
                if (first) w.addInterface(p.linkType(), 0, "rewritten");
                first = false;
                byte[] data = edit.apply(p.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                w.write(0, p.timestampNanos(), p.originalLength(), MemorySegment.ofArray(data), p.comment());
            }
        }
    }

    record Frame(byte[] bytes, int wireLength) {
        static Frame of(byte[] b) {
            return new Frame(b, b.length);
        }
    }

    static List<Frame> frames() {
        byte[] okAck = sbi(SbiOps.ACK, schema(SbiOps.ACK), ack(3, 0));
        byte[] cut = eth(ALICE, BOB, 0x88B5, utcp(0x0010, 9, 146, new byte[26]));
        return List.of(
                // UTCP
                Frame.of(eth(ALICE, BOB, 0x88B5, utcp(0x0001, 1000, 0, new byte[0]))),
                Frame.of(eth(ALICE, BOB, 0x88B5, utcp(0x0110, 1001, okAck.length, okAck))),
                Frame.of(eth(ALICE, BOB, 0x88B5, new byte[20])),
                Frame.of(eth(ALICE, BOB, 0x88B5, utcp(0x0010, 1002, 500, new byte[10]))),
                new Frame(cut, 200),
                Frame.of(eth(ALICE, BOB, 0x88B5, utcp(0x0008, 7, 12, concat(be32(5), be32(0), new byte[4])))),
                Frame.of(eth(ALICE, BOB, 0x88B5, utcp(0x0008, 7, 24, concat(be32(5), be32(1), be32(9), be32(3), be32(-2), be32(4))))),
                Frame.of(eth(ALICE, BOB, 0x88B5, utcp(0x0002, 8, 6, "abcdef".getBytes(StandardCharsets.US_ASCII)))),
                Frame.of(eth(ALICE, BOB, 0x88B5, dataPacket(concat(be32(10), new byte[] {1}, new byte[10])))),
                Frame.of(eth(ALICE, BOB, 0x88B5, dataPacket("{\"op\":\"hello\",\"v\":1}".getBytes(StandardCharsets.US_ASCII)))),
                Frame.of(eth(ALICE, BOB, 0x88B5, dataPacket(concat(
                        sbi(SbiOps.HANDSHAKE, schema(SbiOps.HANDSHAKE), handshake(0x31)),
                        sbi(SbiOps.BLOCK_WANT, schema(SbiOps.BLOCK_WANT), want(5)),
                        sbi(SbiOps.BLOCK_PUT, schema(SbiOps.BLOCK_PUT), put(7, new byte[10])),
                        sbi(SbiOps.BLOCK_PUT, schema(SbiOps.BLOCK_PUT), put(15, new byte[0])),
                        sbi(SbiOps.DAG_SYNC, schema(SbiOps.DAG_SYNC), dag(2, 1)))))),
                Frame.of(eth(ALICE, BOB, 0x88B5, dataPacket(concat(
                        sbi(SbiOps.NACK, schema(SbiOps.NACK), nack(1, 7, 5, "block_not_found".substring(0, 3))),
                        sbi(SbiOps.NACK, schema(SbiOps.NACK), nack(2, 99, -1, "whatever")),
                        sbi(SbiOps.NACK, schema(SbiOps.NACK), nack(3, 7, -1, "not the name")),
                        sbi(SbiOps.NACK, schema(SbiOps.NACK), nack(4, 7, -1, "block_not_found")),
                        sbi(SbiOps.ACK, schema(SbiOps.ACK), new byte[5]),
                        sbi(0x05, schema(SbiOps.ACK), new byte[4]),
                        sbi(0x30, new byte[16], new byte[0]))))),
                Frame.of(eth(ALICE, BOB, 0x88B5, dataPacket(concat(
                        preamble(0x0F, 0x5858, 2, 1, 99, schema(SbiOps.BLOCK_WANT), ack(1, 0)),
                        sbi(SbiOps.ACK, blake("not a schema"), ack(2, 1)),
                        sbi(SbiOps.BLOCK_WANT, schema(SbiOps.BLOCK_WANT), want(2)))))),
                Frame.of(eth(ALICE, BOB, 0x88B5, dataPacket(concat(be32(1000), new byte[] {0x11}, new byte[95])))),
                Frame.of(eth(ALICE, BOB, 0x88B5, dataPacket(concat(okAck, new byte[] {0, 0, 1})))),
                Frame.of(eth(ALICE, BOB, 0x88A8, concat(vlan(3, 0x8100), vlan(5, 0x88B5), utcp(0x0010, 1003, okAck.length, okAck)))),
                Frame.of(eth(ALICE, BOB, 0x0800, ipv4Udp(34997, 40000, utcp(0x0010, 1004, okAck.length, okAck)))),
                Frame.of(eth(ALICE, BOB, 0x0800, ipv4Udp(5555, DECODE_AS_PORT, utcp(0x0010, 4242, okAck.length, okAck)))),
                // Tether
                Frame.of(eth(TARGET, SENDER, 0x88B5, tether(false, 0, 0x01, 0, SENDER, TARGET, LABEL_2026, 5, 128, 0,
                        control(1, le(8).putInt(1).putInt(0).array()), true))),
                Frame.of(eth(TARGET, SENDER, 0x88B5, tether(false, 0, 0, 0, SENDER, TARGET, LABEL_2026, 5, 0, 0,
                        control(1, le(8).putInt(1).putInt(0).array()), false))),
                Frame.of(eth(TARGET, SENDER, 0x88B5, tether(true, 0, 0, 0, SENDER, TARGET, LABEL_2026, 5, 4096, 0,
                        control(2, le(16).putShort((short) 3).putShort((short) 0).putInt(65536).putLong(1 << 20).array()), true))),
                Frame.of(eth(TARGET, SENDER, 0x88B5, concat(tether(false, 3, 0, 0, SENDER, TARGET, LABEL_2026, 0, 0, 0, new byte[0], true),
                        new byte[10]))),
                Frame.of(eth(TARGET, SENDER, 0x88B5, tether(false, 3, 0x84, 3, SENDER, TARGET, 5, 2_000_000_000, 0, 7, new byte[0], true))),
                Frame.of(eth(BOB, ALICE, 0x88B5, tether(false, 9, 0x02, 0, SENDER, TARGET, 0, 0, 0, 0, new byte[64], true))),
                Frame.of(eth(TARGET, SENDER, 0x88B5, tether(false, 0, 0, 0, SENDER, TARGET, LABEL_2026, 5, 0, 0,
                        control(9, new byte[8]), true))),
                Frame.of(eth(TARGET, SENDER, 0x88B5, tether(false, 0, 0, 0, SENDER, TARGET, LABEL_2026, 5, 0, 0,
                        control(4, le(24).putShort((short) 3).putShort((short) 0).putInt(100).putLong(17).putLong(-2L).array()), true))),
                Frame.of(eth(TARGET, SENDER, 0x88B5, tether(false, 0, 0, 0, SENDER, TARGET, LABEL_2026, 5, 0, 0,
                        control(5, le(24).putShort((short) 3).putShort((short) 0x8001).putInt(2).putLong(4).putLong(5).array()), true))),
                Frame.of(eth(TARGET, SENDER, 0x88B5, tether(false, 0, 0, 0, SENDER, TARGET, LABEL_2026, 5, 0, 0,
                        control(3, le(32).putShort((short) 3).putShort((short) 0).putInt(0xdeadbeef).putInt(0x01020304).putInt(0)
                                .putLong(16).putLong(17).array()), true))),
                Frame.of(eth(TARGET, SENDER, 0x88B5, new byte[30])),
                Frame.of(eth(TARGET, SENDER, 0x88B5, concat(new byte[] {0x4C, 0x4F, 0x42, 0x4F}, new byte[30]))),
                // Addresses whose first three bytes the vendor table names (00:1b:21 Intel, ac:1d:06 Apple): compared as
                // bytes, and shown as hex, not as Wireshark's resolved "IntelCor_12:34:56"
                Frame.of(eth(TARGET, INTEL, 0x88B5, tether(false, 0, 0, 0, SENDER, TARGET, LABEL_2026, 5, 0, 0,
                        control(1, le(8).putInt(1).putInt(0).array()), true))),
                Frame.of(eth(APPLE_TARGET, APPLE_SENDER, 0x88B5, tether(false, 0, 0, 0, APPLE_SENDER, APPLE_TARGET, LABEL_2026, 5, 0, 0,
                        control(1, le(8).putInt(1).putInt(0).array()), true))),
                Frame.of(eth(INTEL, APPLE_SENDER, 0x88B5, tether(false, 0, 0, 0, APPLE_SENDER, APPLE_TARGET, LABEL_2026, 5, 0, 0,
                        control(1, le(8).putInt(1).putInt(0).array()), true))),
                Frame.of(eth(TARGET, SENDER, 0x8100, concat(vlan(7, 0x88B5), tether(false, 0, 0, 0, SENDER, TARGET, LABEL_2026, 5, 128, 0,
                        control(1, le(8).putInt(1).putInt(0).array()), true)))),
                Frame.of(eth(ALICE, BOB, 0x0800, ipv4Udp(40001, 34997, tether(false, 0, 0, 0, SENDER, TARGET, LABEL_2026, 5, 0, 0,
                        control(1, le(8).putInt(1).putInt(0).array()), true)))));
    }

    // ---- builders ----

    static byte[] eth(long dst, long src, int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
        putMac(b, dst);
        putMac(b, src);
        b.putShort((short) type).put(payload);
        return b.array();
    }

    static void putMac(ByteBuffer b, long mac) {
        for (int i = 5; i >= 0; i--) b.put((byte) (mac >>> (8 * i)));
    }

    static byte[] vlan(int id, int type) {
        return ByteBuffer.allocate(4).putShort((short) (0x2000 | id)).putShort((short) type).array();
    }

    static byte[] utcp(int flags, long seq, int payloadLen, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(40 + payload.length);
        for (int i = 0; i < 16; i++) b.put((byte) (0x70 + i));
        for (int i = 0; i < 16; i++) b.put((byte) (0xf0 - i));
        b.putInt((int) seq).putShort((short) flags).putShort((short) payloadLen).put(payload);
        return b.array();
    }

    static byte[] dataPacket(byte[] payload) {
        return utcp(0x0010, 2000, payload.length, payload);
    }

    static byte[] ipv4Udp(int srcPort, int dstPort, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(28 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (28 + payload.length)).putShort((short) 1).putShort((short) 0)
                .put((byte) 64).put((byte) 17).putShort((short) 0).putInt(0x0a000001).putInt(0x0a000002);
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload.length)).putShort((short) 0).put(payload);
        return b.array();
    }

    static byte[] schema(int op) {
        return SchemaFingerprints.forOp(op);
    }

    static byte[] blake(String s) {
        return SchemaFingerprints.of(s);
    }

    /** A whole message: envelope, a correct preamble, the container. */
    static byte[] sbi(int op, byte[] schema, byte[] container) {
        return preamble(op, 0x5342, 1, 0, container.length, schema, container);
    }

    static byte[] preamble(int op, int magic, int version, int flags, int containerLen, byte[] schema, byte[] container) {
        ByteBuffer b = ByteBuffer.allocate(5 + 24 + container.length);
        b.putInt(24 + container.length).put((byte) op);
        b.putShort((short) magic).put((byte) version).put((byte) flags);
        b.order(ByteOrder.LITTLE_ENDIAN).putInt(containerLen).order(ByteOrder.BIG_ENDIAN);
        b.put(schema).put(container);
        return b.array();
    }

    static byte[] handshake(int caps) {
        ByteBuffer b = le(52);
        for (int i = 0; i < 32; i++) b.put((byte) i);
        return b.putInt(caps).putInt(1).putInt(2).putInt(65536).putShort((short) 1).put((byte) 3).put((byte) 0).array();
    }

    static byte[] want(int priority) {
        ByteBuffer b = le(33);
        for (int i = 0; i < 32; i++) b.put((byte) (0x3f - i));
        return b.put((byte) priority).array();
    }

    static byte[] put(int algo, byte[] data) {
        ByteBuffer b = le(40 + data.length);
        for (int i = 0; i < 32; i++) b.put((byte) (0x10 + i));
        return b.putInt(4).put((byte) algo).put((byte) 3).putShort((short) 0).put(data).array();
    }

    static byte[] dag(int nodeCount, int nodesPresent) {
        ByteBuffer b = le(36 + 32 * nodesPresent);
        for (int i = 0; i < 32; i++) b.put((byte) (0xa0 + i));
        b.putShort((short) 1).putShort((short) nodeCount);
        for (int i = 0; i < 32 * nodesPresent; i++) b.put((byte) i);
        return b.array();
    }

    static byte[] ack(int ref, int status) {
        return le(8).putInt(ref).put((byte) status).put(new byte[3]).array();
    }

    /** NACK container; {@code errorLen} -1 for the text's own length. */
    static byte[] nack(int ref, int code, int errorLen, String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        return le(8 + t.length).putInt(ref).putShort((short) code).putShort((short) (errorLen < 0 ? t.length : errorLen)).put(t).array();
    }

    static byte[] control(int tag, byte[] body) {
        int len = 8 + body.length;
        int padded = (len + 63) / 64 * 64;
        return le(padded).putInt(tag).putInt(0).put(body).array();
    }

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] tether(boolean bigEndian, int flow, int flags, int reserved, long sender, long target, long label, int nano,
                         long grant, long nackSlot, byte[] payload, boolean goodCrc) {
        ByteBuffer b = ByteBuffer.allocate(64 + payload.length).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x4F424F4C).putShort((short) flow).put((byte) flags).put((byte) reserved);
        b.putInt((int) (sender >>> 16)).putShort((short) sender);
        b.putShort((short) (target >>> 32)).putInt((int) target);
        b.putInt(nano).putLong(flow == 0 ? 0 : 2).putLong(grant).putLong(nackSlot).putLong(0).putLong(label);
        b.put(payload);
        byte[] f = b.array();
        long crc = Crc64GoIso.tetherChecksum(MemorySegment.ofArray(f), 0, f.length) ^ (goodCrc ? 0 : 0x5A);
        ByteBuffer.wrap(f).order(b.order()).putLong(48, crc);
        return f;
    }

    static byte[] be32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
