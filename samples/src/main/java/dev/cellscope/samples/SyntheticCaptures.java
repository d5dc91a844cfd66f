package dev.cellscope.samples;

import dev.cellscope.crypto.Blake3;
import dev.cellscope.field.TetherFields;
import dev.cellscope.io.PcapngWriter;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.LinkLayouts;
import dev.cellscope.wire.NackRange;
import dev.cellscope.wire.SbiAck;
import dev.cellscope.wire.SbiBlockPut;
import dev.cellscope.wire.SbiBlockWant;
import dev.cellscope.wire.SbiDagSync;
import dev.cellscope.wire.SbiHandshake;
import dev.cellscope.wire.Tai64n;
import dev.cellscope.wire.TetherControl;
import dev.cellscope.wire.TetherHeader;
import dev.cellscope.wire.UdpEncapsulation;
import dev.cellscope.wire.UtcpLayouts;
import dev.cellscope.wire.UtcpNack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;

import static dev.cellscope.field.UtcpFields.*;
import static dev.cellscope.samples.FrameRecorder.*;

/**
 * Captures built frame by frame with the project's codecs (not by the endpoint stack): a small
 * tour of every protocol feature for the quick start, and a large uniform capture for benchmarks.
 * Deterministic: the same arguments give the same bytes.
 */
public final class SyntheticCaptures {
    private SyntheticCaptures() {}

    /** 2026-11-28T12:00:00Z: fixed so that the files are reproducible. */
    static final long START = 1_795_867_200_000_000_000L;
    static final long MICROS = 1_000L;

    // Public keys of RFC 8032 test vectors: real Ed25519 keys with published values.
    static final Peer ALICE = Peer.of("alice", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", 0x020000000A11L);
    static final Peer BOB = Peer.of("bob", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", 0x020000000B0BL);
    static final Peer CAROL = Peer.of("carol", "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", 0x020000000CA7L);
    static final Peer MALLORY = Peer.of("mallory", "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e", 0x020000000BADL);
    static final Peer MALLORY_TETHER = Peer.tetherNode("mallory", "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e");
    static final int SLOT_SIZE = 256;
    static final Peer LAMP = Peer.tetherNode("lamp", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    static final Peer DOCK = Peer.tetherNode("dock", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");

    public static final List<String> NAMES = List.of("quickstart", "bulk", "mesh");

    public static String describe(String name) {
        return switch (name) {
            case "quickstart" -> "a tour of UTCP, UTCP-SBI and Tether: handshake, blocks, DAG sync, NACK recovery, Lamp, grants, slots, findings";
            case "bulk" -> "uniform UTCP-SBI BLOCK_PUT traffic with NACKs and Tether slots, sized by --size (for benchmarks)";
            case "mesh" -> "a mesh transfer: 64 KiB blocks, zstd/deflate/none, spanning packets, ACKed, sized by --size (for benchmarks)";
            default -> throw new IllegalArgumentException("no synthetic capture named " + name);
        };
    }

    public static void generate(String name, Path out, long frames, long seed) throws IOException {
        try (PcapngWriter w = new PcapngWriter(out)) {
            switch (name) {
                case "quickstart" -> quickstart(new FrameRecorder(w, START));
                case "bulk" -> bulk(new FrameRecorder(w, START), frames, seed);
                case "mesh" -> mesh(new FrameRecorder(w, START), frames, seed);
                default -> throw new IllegalArgumentException("no synthetic capture named " + name);
            }
        }
    }

    static void quickstart(FrameRecorder r) throws IOException {
        byte[] block1 = text("Hello from the content store: block one.\n", 400);
        byte[] block2 = text("Second block, sent raw.\n", 300);
        byte[] block3 = text("Third block of the object.\n", 200);
        Bytes h1 = hash(block1), h2 = hash(block2), h3 = hash(block3);
        Bytes root = hash(concat(h1.toArray(), h2.toArray(), h3.toArray()));

        ab(r, 1000, SYN, new byte[0], "Alice opens UTCP towards Bob (initial seq 1000)");
        ba(r, 5000, SYN, new byte[0], null);
        ab(r, 1001, DATA, sbi(handshake(ALICE, 0b0011, 0)), "SBI HANDSHAKE: deflate+zstd, nothing required");
        ba(r, 5001, DATA, sbi(handshake(BOB, 0b0111, 0b0001)), null);
        ab(r, 1002, DATA, sbi(new SbiBlockWant(h1, 1)), "Alice wants block one (high priority)");
        ba(r, 5002, DATA, sbi(new SbiBlockPut(h1, 0, 1, 6, Bytes.of(deflate(block1)))), "BLOCK_PUT, deflate (zlib stream)");
        ab(r, 1003, DATA, sbi(new SbiAck(1, 0)), "ACK of Bob's message 1");
        ab(r, 1004, DATA, sbi(new SbiDagSync(root, 1, List.of(h1))), "DAG_SYNC: Alice has chunk one of three");
        ba(r, 5003, DATA, sbi(new SbiDagSync(root, 1, List.of(h2, h3))), "DAG_SYNC reply: the chunks Alice lacks");
        // seq 5004 is lost on the wire before the tap sees it.
        ba(r, 5005, DATA, sbi(new SbiBlockPut(h3, 2, 0, 0, Bytes.of(block3))), "Bob's seq 5004 was dropped on the wire before this");
        // A NACK carries the sender's next unused seq without consuming it.
        ab(r, 1005, NACK, new UtcpNack(List.of(new NackRange(5004, 1))).encode(), "Alice NACKs the missing seq");
        ba(r, 5004, DATA, sbi(new SbiBlockPut(h2, 1, 0, 0, Bytes.of(block2))), "retransmission of seq 5004");
        ab(r, 1005, DATA, sbi(new SbiAck(4, 0)), null);
        ab(r, 1006, FIN, new byte[0], "Alice closes her direction");
        ba(r, 5006, ACK, new byte[0], null);

        tetherTour(r);
        findings(r);
    }

    /** A credit-correct Tether exchange: Lamp, Define, 16 slots, singleton and bulk NACK recovery, Manifest. */
    private static void tetherTour(FrameRecorder r) throws IOException {
        r.after(2_000 * MICROS);
        tether(r, LAMP, DOCK, 0, TetherFields.LAMP, 0, 128, 0, new TetherControl.Hail(1, 0x3), "Lamp: cold-start Hail funding a 128-byte reply");
        tether(r, DOCK, LAMP, 0, 0, 0, 4096, 0, new TetherControl.Hail(1, 0x1), "Hail reply granting 4096 bytes, paid from the Lamp's 128");
        tether(r, LAMP, DOCK, 0, 0, 0, 4096, 0, new TetherControl.Define(1, SLOT_SIZE, 16 * SLOT_SIZE),
                "Define flow 1: 16 slots of 256 bytes; grants the dock 4096 bytes of control credit");
        tether(r, DOCK, LAMP, 1, TetherFields.LAMP, 0, 8192, 0, null, "header-only grant of 8192 bytes on flow 1");
        long[] lost = {1, 4, 5, 6, 7, 9, 11, 13};
        for (int slot = 0; slot < 16; slot++) {
            boolean isLost = java.util.Arrays.binarySearch(lost, slot) >= 0;
            tetherData(r, LAMP, DOCK, 1, slot, SLOT_SIZE, slot == 0 ? "data slot 0 (320 bytes of credit)" : isLost ? "lost after the tap" : null);
        }
        tether(r, DOCK, LAMP, 1, TetherFields.LAMP, 0, 0, 1, null, "singleton NACK of slot 1");
        tetherData(r, LAMP, DOCK, 1, 1, SLOT_SIZE, "slot 1 re-sent");
        tether(r, DOCK, LAMP, 0, 0, 0, 0, 0, new TetherControl.BulkNack(1, java.util.Arrays.copyOfRange(lost, 1, lost.length)),
                "bulk Nack of 7 slots: the list spans two blocks");
        for (int i = 1; i < lost.length; i++) tetherData(r, LAMP, DOCK, 1, lost[i], SLOT_SIZE, i == 1 ? "re-sends answering the bulk Nack" : null);
        byte[] content = new byte[16 * SLOT_SIZE];
        for (int slot = 0; slot < 16; slot++) System.arraycopy(slotBytes(slot, SLOT_SIZE), 0, content, slot * SLOT_SIZE, SLOT_SIZE);
        tether(r, LAMP, DOCK, 0, 0, 0, 0, 0, new TetherControl.Manifest(1, dev.cellscope.crypto.Crc64GoIso.compute(content), 16, 24),
                "Manifest closes flow 1: its checksum is the CRC-64 of the 4096 bytes");
    }

    /** Frames that each show one expert finding. */
    private static void findings(FrameRecorder r) throws IOException {
        r.after(3_000 * MICROS);
        byte[] bad = FrameRecorder.tether(header(LAMP, DOCK, 0, 0, 0, 512, 0, r), new TetherControl.Hail(1, 0));
        bad[70] ^= 0x20;
        r.record(ethernet(LAMP.mac(), DOCK.mac(), List.of(), LinkLayouts.ETHERTYPE_CELL, bad), "one bit flipped after the checksum was computed");
        r.after(100 * MICROS).record(ethernet(CAROL.mac(), ALICE.mac(), List.of(42), LinkLayouts.ETHERTYPE_CELL,
                utcp(CAROL, ALICE, 1, (int) SYN, new byte[0])), "mirror traffic tagged VLAN 42");
        r.after(100 * MICROS).record(UdpEncapsulation.overIpv4(ALICE.mac(), CAROL.mac(), 0x0A000001, 0x0A000002,
                Bytes.of(utcp(ALICE, CAROL, 7, (int) SYN, new byte[0]))), "UTCP over UDP port 34997 across a routed network");
        r.after(100 * MICROS).record(UdpEncapsulation.overIpv4(ALICE.mac(), BOB.mac(), 0x0A000001, 0x0A000035, 53000, 53,
                Bytes.of(new byte[24])), "legacy IPv4 traffic sharing the wire");
        byte[] json = "{\"op\":\"block_want\",\"cid\":\"bafy...\"}".getBytes(StandardCharsets.US_ASCII);
        r.after(100 * MICROS).record(ethernet(CAROL.mac(), BOB.mac(), List.of(), LinkLayouts.ETHERTYPE_CELL,
                utcp(CAROL, BOB, 101, (int) DATA, json)), "a legacy JSON peer");
        tetherData(r, MALLORY_TETHER, DOCK, 7, 0, SLOT_SIZE, "data on flow 7 without any grant: a grant overrun");
        byte[] attack = {(byte) 0x80, 0, 0, 0, 0x11, 0, 0, 0};
        r.after(100 * MICROS).record(ethernet(MALLORY.mac(), BOB.mac(), List.of(), LinkLayouts.ETHERTYPE_CELL,
                utcp(MALLORY, BOB, 201, (int) DATA, attack)), "frame_len 2 GiB: reject before allocate");
    }

    /** Uniform traffic for benchmarks: each cycle of 20 frames has 17 BLOCK_PUTs, 1 NACK, 2 Tether slots. */
    static void bulk(FrameRecorder r, long frames, long seed) throws IOException {
        Random rnd = new Random(seed);
        byte[] block = new byte[1024];
        rnd.nextBytes(block);
        byte[] put = sbi(new SbiBlockPut(hash(block), 0, 0, 0, Bytes.of(block)));
        byte[] data = ethernet(BOB.mac(), ALICE.mac(), List.of(), LinkLayouts.ETHERTYPE_CELL, utcp(BOB, ALICE, 0, (int) DATA, put));
        byte[] nack = ethernet(ALICE.mac(), BOB.mac(), List.of(), LinkLayouts.ETHERTYPE_CELL,
                utcp(ALICE, BOB, 1, (int) NACK, new UtcpNack(List.of(new NackRange(0, 1))).encode()));
        var seqSlot = UtcpLayouts.HEADER.slot("seq");
        var first = UtcpLayouts.NACK_RANGE.slot("first");
        long seq = 1;
        for (long i = 0; i < frames; i++) {
            int phase = (int) (i % 20);
            r.after(5 * MICROS + rnd.nextInt(3_000));
            if (phase == 19) {
                first.set(java.lang.foreign.MemorySegment.ofArray(nack), 14 + 40, seq - 3);
                r.record(nack, null);
            } else if (phase == 9 || phase == 18) {
                tetherData(r, LAMP, DOCK, 1, i, 1024, null);
            } else {
                seqSlot.set(java.lang.foreign.MemorySegment.ofArray(data), 14, seq++);
                r.record(data, null);
            }
        }
    }

    /**
     * A long mesh transfer as the spec's sender preference makes it, over a mixed file store:
     * Bob sends 64 KiB blocks to Alice (both support zstd: zstd level 3, or none for the blocks
     * of already-compressed media, four in ten) and to Carol (a deflate-only peer: deflate level
     * 6), four blocks to Alice for each one to Carol, cut into 1400-byte UTCP DATA packets;
     * every eighth block is ACKed.
     */
    static void mesh(FrameRecorder r, long frames, long seed) throws IOException {
        Random rnd = new Random(seed);
        List<byte[]> toAlice = new ArrayList<>(), toCarol = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            boolean incompressible = i % 10 >= 6;
            byte[] block = incompressible ? randomBlock(rnd, 65536) : meshBlock(rnd, 65536);
            toAlice.add(sbi(incompressible ? new SbiBlockPut(hash(block), i, 0, 0, Bytes.of(block))
                    : new SbiBlockPut(hash(block), i, 2, 3, Bytes.of(com.github.luben.zstd.Zstd.compress(block, 3)))));
        }
        for (int i = 0; i < 10; i++) {
            byte[] block = meshBlock(rnd, 65536);
            toCarol.add(sbi(new SbiBlockPut(hash(block), i, 1, 6, Bytes.of(deflate(block)))));
        }
        long[] seqB = {5000, 7000}, seqPeer = {1000, 3000};
        Peer[] peers = {ALICE, CAROL};
        long[][] caps = {{0b0011, 0}, {0b0001, 0}};
        for (int p = 0; p < 2; p++) {
            meshSend(r, BOB, peers[p], seqB[p]++, SYN, new byte[0]);
            meshSend(r, peers[p], BOB, seqPeer[p]++, SYN, new byte[0]);
            meshSend(r, peers[p], BOB, seqPeer[p]++, DATA, sbi(handshake(peers[p], caps[p][0], caps[p][1])));
            meshSend(r, BOB, peers[p], seqB[p]++, DATA, sbi(handshake(BOB, 0b0011, 0)));
        }
        long[] messages = {1, 1};
        for (int b = 0; r.frames() < frames; b++) {
            int p = b % 5 == 4 ? 1 : 0;
            byte[] put = p == 0 ? toAlice.get(b % toAlice.size()) : toCarol.get(b % toCarol.size());
            for (int off = 0; off < put.length && r.frames() < frames; off += 1400) {
                meshSend(r, BOB, peers[p], seqB[p]++, DATA, java.util.Arrays.copyOfRange(put, off, Math.min(put.length, off + 1400)));
            }
            if (++messages[p] % 8 == 0 && r.frames() < frames) meshSend(r, peers[p], BOB, seqPeer[p]++, DATA, sbi(new SbiAck(messages[p] - 1, 0)));
        }
    }

    private static void meshSend(FrameRecorder r, Peer from, Peer to, long seq, long flags, byte[] payload) throws IOException {
        r.after(10 * MICROS).record(ethernet(from.mac(), to.mac(), List.of(), LinkLayouts.ETHERTYPE_CELL,
                utcp(from, to, seq, (int) flags, payload)), null);
    }

    private static byte[] randomBlock(Random rnd, int size) {
        byte[] b = new byte[size];
        rnd.nextBytes(b);
        return b;
    }

    /** Text-like content (a 2,000-word random vocabulary, numbers, punctuation): zstd -3 gets about 2.5:1, like prose or code. */
    private static byte[] meshBlock(Random rnd, int size) {
        if (VOCABULARY.isEmpty()) {
            Random v = new Random(7);
            for (int i = 0; i < 2000; i++) {
                StringBuilder w = new StringBuilder();
                for (int n = 2 + v.nextInt(9); n > 0; n--) w.append((char) ('a' + v.nextInt(26)));
                VOCABULARY.add(w.toString());
            }
        }
        StringBuilder b = new StringBuilder(size + 32);
        while (b.length() < size) {
            int k = rnd.nextInt(100);
            if (k < 85) b.append(VOCABULARY.get((int) Math.abs(rnd.nextGaussian() * 400) % VOCABULARY.size()));
            else if (k < 95) b.append(rnd.nextInt(100_000));
            else b.append(Long.toHexString(rnd.nextLong()));
            b.append(rnd.nextInt(12) == 0 ? ".\n" : rnd.nextInt(8) == 0 ? ", " : " ");
        }
        return b.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }

    private static final List<String> VOCABULARY = new ArrayList<>();

    private static void ab(FrameRecorder r, long seq, long flags, byte[] payload, String comment) throws IOException {
        r.after(150 * MICROS).record(ethernet(ALICE.mac(), BOB.mac(), List.of(), LinkLayouts.ETHERTYPE_CELL,
                utcp(ALICE, BOB, seq, (int) flags, payload)), comment);
    }

    private static void ba(FrameRecorder r, long seq, long flags, byte[] payload, String comment) throws IOException {
        r.after(150 * MICROS).record(ethernet(BOB.mac(), ALICE.mac(), List.of(), LinkLayouts.ETHERTYPE_CELL,
                utcp(BOB, ALICE, seq, (int) flags, payload)), comment);
    }

    private static TetherHeader header(Peer from, Peer to, int flow, int flags, long slot, long grant, long nackSlot, FrameRecorder r) {
        long now = r.now();
        return new TetherHeader(flow, flags, 0, from.tetherId(), to.tetherId(), Tai64n.nanoOf(now), slot, grant, nackSlot, 0,
                Tai64n.labelOf(now));
    }

    private static void tether(FrameRecorder r, Peer from, Peer to, int flow, long flags, long slot, long grant, long nackSlot,
                               TetherControl control, String comment) throws IOException {
        TetherHeader h = header(from, to, flow, (int) flags, slot, grant, nackSlot, r);
        byte[] frame = control != null ? FrameRecorder.tether(h, control) : FrameRecorder.tether(h, new byte[0]);
        r.after(200 * MICROS).record(ethernet(from.mac(), to.mac(), List.of(), LinkLayouts.ETHERTYPE_CELL, frame), comment);
    }

    /** The content of a Tether data slot of the tour. */
    private static byte[] slotBytes(long slot, int size) {
        byte[] payload = new byte[size];
        for (int i = 0; i < payload.length; i++) payload[i] = (byte) (slot + i);
        return payload;
    }

    private static void tetherData(FrameRecorder r, Peer from, Peer to, int flow, long slot, int size, String comment) throws IOException {
        byte[] frame = FrameRecorder.tether(header(from, to, flow, 0, slot, 0, 0, r), slotBytes(slot, size));
        r.after(200 * MICROS).record(ethernet(from.mac(), to.mac(), List.of(), LinkLayouts.ETHERTYPE_CELL, frame), comment);
    }

    private static SbiHandshake handshake(Peer p, long caps, long required) {
        byte[] peerId = new byte[32];
        System.arraycopy(p.cellId(), 0, peerId, 0, 16);
        return new SbiHandshake(Bytes.of(peerId), caps, required, 0, 65536, 1, 3);
    }

    static Bytes hash(byte[] content) {
        return Bytes.of(Blake3.hash(content));
    }

    private static byte[] text(String line, int bytes) {
        StringBuilder b = new StringBuilder();
        while (b.length() < bytes) b.append(line);
        return b.substring(0, bytes).getBytes(StandardCharsets.US_ASCII);
    }

    /** zlib-wrapped deflate at level 6, as PROTOCOLS.md decides for comp_algo 1. */
    static byte[] deflate(byte[] in) {
        Deflater d = new Deflater(6);
        d.setInput(in);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!d.finished()) out.write(buf, 0, d.deflate(buf));
        d.end();
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

}
