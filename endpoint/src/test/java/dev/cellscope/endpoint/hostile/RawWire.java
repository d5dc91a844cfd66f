package dev.cellscope.endpoint.hostile;

import dev.cellscope.crypto.Blake3;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Attack traffic written byte by byte from PROTOCOLS.md (sections 2 and 4), not with the
 * endpoint's or the wire codecs' classes: a hostile peer must not share our bugs. Only BLAKE3
 * (for the schema fingerprints and block hashes) is borrowed. Used by the endpoint's hostile-peer
 * tests over the simulated wire and by the CLI's over UDP loopback.
 */
public final class RawWire {
    public static final int SYN = 0x0001, ACK = 0x0002, FIN = 0x0004, NACK = 0x0008, DATA = 0x0010;
    public static final int OP_HANDSHAKE = 0x01, OP_BLOCK_WANT = 0x10, OP_BLOCK_PUT = 0x11, OP_DAG_SYNC = 0x20;
    /** PROTOCOLS.md section 4, exactly (no spaces, no newline). */
    static final String CLD_HANDSHAKE = "SbiHandshake{peer_id:[32]u8@0;capabilities:u32@32;required_features:u32@36;"
            + "optional_features:u32@40;block_size:u32@44;version:u16@48;replica_count:u8@50;_pad:u8@51}";
    static final String CLD_BLOCK_WANT = "SbiBlockWant{block_hash:[32]u8@0;priority:u8@32}";
    static final String CLD_BLOCK_PUT = "SbiBlockPut{block_hash:[32]u8@0;chunk_index:u32@32;comp_algo:u8@36;comp_level:u8@37;_pad:[2]u8@38}";
    static final String CLD_DAG_SYNC = "SbiDagSync{root_hash:[32]u8@0;depth:u16@32;node_count:u16@34}";
    /** UTCP DATA payload we cut the SBI stream into (PROTOCOLS.md leaves it to the sender; ours fits a 1500 MTU). */
    public static final int MSS = 1400;

    private RawWire() {}

    /** A UTCP packet: src, dst (16 bytes each), seq u32 BE, flags u16 BE, payload_len u16 BE, payload. */
    public static byte[] utcp(byte[] src, byte[] dst, long seq, int flags, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(40 + payload.length).order(ByteOrder.BIG_ENDIAN);
        b.put(src).put(dst).putInt((int) seq).putShort((short) flags).putShort((short) payload.length).put(payload);
        return b.array();
    }

    /** frame_len u32 BE | op | preamble ("SB", version 1, flags 0, container_len u32 LE, fingerprint) | container. */
    public static byte[] sbi(int op, String cld, byte[] container) {
        ByteBuffer b = ByteBuffer.allocate(5 + 24 + container.length);
        b.order(ByteOrder.BIG_ENDIAN).putInt(24 + container.length).put((byte) op);
        b.put((byte) 'S').put((byte) 'B').put((byte) 1).put((byte) 0);
        b.order(ByteOrder.LITTLE_ENDIAN).putInt(container.length);
        b.put(Arrays.copyOf(Blake3.hash(cld.getBytes(StandardCharsets.US_ASCII)), 16)).put(container);
        return b.array();
    }

    /** HANDSHAKE: peer_id = CellID + 16 zero bytes, no features required, version 1. */
    public static byte[] handshake(byte[] cellId, long capabilities, int blockSize) {
        ByteBuffer c = ByteBuffer.allocate(52).order(ByteOrder.LITTLE_ENDIAN);
        c.put(Arrays.copyOf(cellId, 32)).putInt((int) capabilities).putInt(0).putInt(0).putInt(blockSize)
                .putShort((short) 1).put((byte) 1).put((byte) 0);
        return sbi(OP_HANDSHAKE, CLD_HANDSHAKE, c.array());
    }

    public static byte[] blockWant(byte[] hash) {
        return sbi(OP_BLOCK_WANT, CLD_BLOCK_WANT, Arrays.copyOf(hash, 33));
    }

    /** BLOCK_PUT of raw (comp_algo 0) data. */
    public static byte[] blockPut(byte[] hash, int chunkIndex, byte[] data) {
        ByteBuffer c = ByteBuffer.allocate(40 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        c.put(hash).putInt(chunkIndex).put((byte) 0).put((byte) 0).putShort((short) 0).put(data);
        return sbi(OP_BLOCK_PUT, CLD_BLOCK_PUT, c.array());
    }

    /** DAG_SYNC whose root is BLAKE3 of the concatenated nodes (a valid offer). */
    public static byte[] dagSyncOffer(List<byte[]> nodes) {
        ByteArrayOutputStream cat = new ByteArrayOutputStream();
        nodes.forEach(cat::writeBytes);
        byte[] root = Blake3.hash(cat.toByteArray());
        ByteBuffer c = ByteBuffer.allocate(36 + 32 * nodes.size()).order(ByteOrder.LITTLE_ENDIAN);
        c.put(root).putShort((short) 1).putShort((short) nodes.size()).put(cat.toByteArray());
        return sbi(OP_DAG_SYNC, CLD_DAG_SYNC, c.array());
    }

    /** Cuts a byte stream into DATA payloads of at most {@link #MSS} bytes. */
    public static List<byte[]> segments(byte[] stream) {
        List<byte[]> out = new ArrayList<>();
        for (int off = 0; off < stream.length; off += MSS) out.add(Arrays.copyOfRange(stream, off, Math.min(stream.length, off + MSS)));
        return out;
    }

    /**
     * One UTCP connection as a hostile peer drives it: SYN, then at once the ACK of the responder's
     * SYN (without waiting for it: the responder answers our SYN before it reads our ACK), then DATA
     * in seq order. It never NACKs what it receives.
     */
    public static final class Session {
        private final byte[] src, dst;
        private final Consumer<byte[]> out;
        private long seq;

        public Session(byte[] src, byte[] dst, long isn, Consumer<byte[]> out) {
            this.src = src.clone();
            this.dst = dst.clone();
            this.seq = isn;
            this.out = out;
        }

        /** SYN(isn), ACK(isn + 1): the connection is open at the responder. */
        public Session open() {
            out.accept(utcp(src, dst, seq, SYN, new byte[0]));
            seq++;
            out.accept(utcp(src, dst, seq, ACK, new byte[0]));
            return this;
        }

        /** Sends {@code stream} as DATA packets, each taking the next seq. */
        public Session send(byte[] stream) {
            for (byte[] s : segments(stream)) out.accept(utcp(src, dst, seq++, DATA, s));
            return this;
        }

        public long nextSeq() {
            return seq;
        }
    }

    /** Concatenates messages into one stream. */
    public static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        parts.forEach(b::writeBytes);
        return b.toByteArray();
    }
}
