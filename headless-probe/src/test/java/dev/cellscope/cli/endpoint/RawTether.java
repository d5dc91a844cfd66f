package dev.cellscope.cli.endpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Tether frames written from PROTOCOLS.md section 3 alone, not with the endpoint's or the
 * protocol module's classes: a 64-byte little-endian header (magic 0x4F424F4C, flow, flags,
 * sender hi/lo, target hi/lo, TAI64N, slot, grant, nack_slot, CRC-64/GO-ISO over the frame with
 * the checksum field zero), then payload blocks zero-padded to 64 bytes; control payloads
 * {tag u32, reserved u32, body}. What a hostile peer would write from the documents.
 */
final class RawTether {
    static final int LAMP = 0x01, SYNC = 0x02;
    static final int HAIL = 1, DEFINE = 2, MANIFEST = 3;
    /** TAI64 label of 2026-01-01 (2^62 + seconds + 37 s TAI−UTC): any plausible time will do. */
    private static final long TAI64_SEC = (1L << 62) + 1_767_225_600L + 37;

    private RawTether() {
    }

    /** CRC-64/GO-ISO, bit by bit: reflected poly 0xD800000000000000, init and xorout all ones. */
    static long crc64(byte[] b) {
        long crc = -1L;
        for (byte x : b) {
            crc ^= x & 0xFF;
            for (int i = 0; i < 8; i++) crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0xD800000000000000L : crc >>> 1;
        }
        return ~crc;
    }

    static {
        // PROTOCOLS.md's check value: a wrong CRC here would make every test frame a mere CRC drop.
        if (crc64("123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII)) != 0xB90956C775A41001L) {
            throw new AssertionError("CRC-64/GO-ISO check value");
        }
    }

    /** A whole frame: header with the given fields, then {@code payload} padded to whole blocks, checksum filled in. */
    static byte[] frame(int flow, int flags, long sender, long target, long slot, long grant, long nack, byte[] payload) {
        int blocks = (payload.length + 63) / 64;
        ByteBuffer b = ByteBuffer.allocate(64 + blocks * 64).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x4F424F4C);
        b.putShort(4, (short) flow);
        b.put(6, (byte) flags);
        b.putInt(8, (int) (sender >>> 16));
        b.putShort(12, (short) sender);
        b.putShort(14, (short) (target >>> 32));
        b.putInt(16, (int) target);
        b.putInt(20, 0);
        b.putLong(24, slot);
        b.putLong(32, grant);
        b.putLong(40, nack);
        b.putLong(56, TAI64_SEC);
        b.put(64, payload);
        byte[] bytes = b.array();
        b.putLong(48, crc64(bytes)); // computed with the field still zero
        return bytes;
    }

    static byte[] control(int tag, ByteBuffer body) {
        ByteBuffer p = ByteBuffer.allocate(8 + body.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        p.putInt(0, tag);
        p.put(8, body.array());
        return p.array();
    }

    /** A Lamp: LAMP-flagged Hail (version 1, capabilities 0) on flow 0 granting 128, what the reply costs. */
    static byte[] lamp(long sender, long target) {
        ByteBuffer hail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 1).putInt(4, 0);
        return frame(0, LAMP, sender, target, 0, 128, 0, control(HAIL, hail));
    }

    /** A Define on flow 0: target_flow u16, reserved u16, slot_size u32, total_bytes u64; grants the receiver {@code grant} on flow 0. */
    static byte[] define(long sender, long target, int flow, int slotSize, long totalBytes, long grant) {
        ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        d.putShort(0, (short) flow).putInt(4, slotSize).putLong(8, totalBytes);
        return frame(0, 0, sender, target, 0, grant, 0, control(DEFINE, d));
    }

    /** A data slot on {@code flow}. */
    static byte[] data(long sender, long target, int flow, long slot, int flags, byte[] payload) {
        return frame(flow, flags, sender, target, slot, 0, 0, payload);
    }

    /** Sender (bytes 8–13) and target (14–19) of a received frame, as PROTOCOLS.md puts them together. */
    static long sender(byte[] f) {
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        return (b.getInt(8) & 0xFFFFFFFFL) << 16 | (b.getShort(12) & 0xFFFF);
    }

    static int flow(byte[] f) {
        return ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).getShort(4) & 0xFFFF;
    }

    static long grant(byte[] f) {
        return ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).getLong(32);
    }

    /** A 48-bit unicast ID ac:1d:xx:xx:xx:xx from {@code n}. */
    static long unicast(long n) {
        return 0xAC1D00000000L | (n & 0xFFFFFFFFL);
    }

    static String formatId(long id) {
        StringBuilder b = new StringBuilder();
        for (int shift = 40; shift >= 0; shift -= 8) b.append(shift < 40 ? ":" : "").append(String.format("%02x", (id >>> shift) & 0xFF));
        return b.toString();
    }

    /** ac:1d:12:34:56:78 → 0xAC1D12345678. */
    static long parseId(String text) {
        return Long.parseLong(text.replace(":", ""), 16);
    }
}
