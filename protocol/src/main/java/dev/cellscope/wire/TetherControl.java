package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

import static dev.cellscope.protocol.tether.TetherControlTags.*;
import static dev.cellscope.wire.TetherLayouts.BLOCK;
import static dev.cellscope.wire.TetherLayouts.CTRL_BODY;

/**
 * A control message on Tether flow 0: {@code {tag u32, reserved u32}} then the body from payload
 * byte 8, every begun 64-byte block zero-padded. Control payloads are little-endian, as
 * PROTOCOLS.md states for them, whatever the header's order. Decoding ignores the reserved
 * word, reserved body fields and the padding (the dissector judges those); encoding writes zeros.
 */
public sealed interface TetherControl {

    /** The tag as on the wire: 1 Hail ... 5 Sideband, anything else unknown. */
    long tag();

    /** Bytes of the body, from payload byte 8, before padding. */
    int bodySize();

    /** Writes the body at {@code bodyOffset} (payload byte 8); the prefix and padding are written by {@link #encodeTo}. */
    void encodeBody(MemorySegment dst, long bodyOffset);

    /** Prefix and body, rounded up to whole blocks. */
    default int encodedSize() {
        return roundUp(CTRL_BODY + bodySize());
    }

    default void encodeTo(MemorySegment dst, long offset) {
        dst.asSlice(offset, encodedSize()).fill((byte) 0);
        TetherControlCodec.TAG.set(dst, offset, tag());
        encodeBody(dst, offset + CTRL_BODY);
    }

    default byte[] encode() {
        byte[] out = new byte[encodedSize()];
        encodeTo(MemorySegment.ofArray(out), 0);
        return out;
    }

    /**
     * Decodes a control payload of {@code length} bytes (whole blocks). The result's length is
     * the blocks the message begins; an unknown tag yields {@link UnknownControl}, not Invalid.
     */
    static Decoded<TetherControl> decode(MemorySegment seg, long offset, long length) {
        long n = Input.usable(seg, offset, length);
        if (n < 0) return Input.badWindow(seg, offset, length);
        if (n < length) return Input.truncated("control payload", length, n);
        if (length == 0 || length % BLOCK != 0) {
            return Decoded.invalid("control payload length " + length + " is not whole 64-byte blocks", 0);
        }
        if (length > Integer.MAX_VALUE - BLOCK) return Decoded.invalid("control payload length " + length + " too large", 0);
        long tag = TetherControlCodec.TAG.get(seg, offset);
        long body = offset + CTRL_BODY;
        long room = length - CTRL_BODY;
        Decoded<? extends TetherControl> d = switch ((int) tag) {
            case HAIL -> Hail.decodeBody(seg, body, room);
            case DEFINE -> Define.decodeBody(seg, body, room);
            case MANIFEST -> Manifest.decodeBody(seg, body, room);
            case NACK -> BulkNack.decodeBody(seg, body, room);
            case SIDEBAND -> Sideband.decodeBody(seg, body, room);
            default -> Decoded.ok(new UnknownControl(tag, Bytes.copyOf(seg, body, (int) room)), 0);
        };
        return switch (d) {
            case Decoded.Ok<? extends TetherControl> ok -> Decoded.ok(ok.value(), ok.value().encodedSize());
            default -> d.<TetherControl>failure().shifted(CTRL_BODY);
        };
    }

    static Decoded<TetherControl> decode(byte[] bytes) {
        return decode(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    private static int roundUp(long bytes) {
        return (int) ((bytes + BLOCK - 1) / BLOCK * BLOCK);
    }

    /** Hail (tag 1): protocol version and capability bits. */
    record Hail(long version, long capabilities) implements TetherControl {
        private static final Slot VERSION = TetherLayouts.HAIL.slot("version"),
                CAPABILITIES = TetherLayouts.HAIL.slot("capabilities");

        public Hail {
            Require.unsigned(version, 32, "version");
            Require.unsigned(capabilities, 32, "capabilities");
        }

        static Decoded<Hail> decodeBody(MemorySegment seg, long body, long room) {
            if (room < TetherLayouts.HAIL.size()) return Input.truncated("Hail body", TetherLayouts.HAIL.size(), room);
            return Decoded.ok(new Hail(VERSION.get(seg, body), CAPABILITIES.get(seg, body)), TetherLayouts.HAIL.size());
        }

        @Override public long tag() { return HAIL; }
        @Override public int bodySize() { return TetherLayouts.HAIL.size(); }

        @Override
        public void encodeBody(MemorySegment dst, long body) {
            VERSION.set(dst, body, version);
            CAPABILITIES.set(dst, body, capabilities);
        }
    }

    /** Define (tag 2): slot size and total size of a data flow. */
    record Define(int targetFlow, long slotSize, long totalBytes) implements TetherControl {
        private static final Layout L = TetherLayouts.DEFINE;
        private static final Slot FLOW = L.slot("target_flow"), SLOT_SIZE = L.slot("slot_size"),
                TOTAL_BYTES = L.slot("total_bytes");

        public Define {
            Require.unsigned(targetFlow, 16, "targetFlow");
            Require.unsigned(slotSize, 32, "slotSize");
        }

        static Decoded<Define> decodeBody(MemorySegment seg, long body, long room) {
            if (room < L.size()) return Input.truncated("Define body", L.size(), room);
            return Decoded.ok(new Define(FLOW.getInt(seg, body), SLOT_SIZE.get(seg, body), TOTAL_BYTES.get(seg, body)),
                    L.size());
        }

        @Override public long tag() { return DEFINE; }
        @Override public int bodySize() { return L.size(); }

        @Override
        public void encodeBody(MemorySegment dst, long body) {
            FLOW.set(dst, body, targetFlow);
            SLOT_SIZE.set(dst, body, slotSize);
            TOTAL_BYTES.set(dst, body, totalBytes);
        }
    }

    /** Manifest (tag 3): closes a flow with its checksum (lo/hi halves on the wire) and totals. */
    record Manifest(int targetFlow, long checksum, long totalSlots, long totalFrames) implements TetherControl {
        private static final Layout L = TetherLayouts.MANIFEST;
        private static final Slot FLOW = L.slot("target_flow"), CHECKSUM_LO = L.slot("checksum_lo"),
                CHECKSUM_HI = L.slot("checksum_hi"), TOTAL_SLOTS = L.slot("total_slots"),
                TOTAL_FRAMES = L.slot("total_frames");

        public Manifest {
            Require.unsigned(targetFlow, 16, "targetFlow");
        }

        static Decoded<Manifest> decodeBody(MemorySegment seg, long body, long room) {
            if (room < L.size()) return Input.truncated("Manifest body", L.size(), room);
            long checksum = CHECKSUM_HI.get(seg, body) << 32 | CHECKSUM_LO.get(seg, body);
            return Decoded.ok(new Manifest(FLOW.getInt(seg, body), checksum, TOTAL_SLOTS.get(seg, body),
                    TOTAL_FRAMES.get(seg, body)), L.size());
        }

        @Override public long tag() { return MANIFEST; }
        @Override public int bodySize() { return L.size(); }

        @Override
        public void encodeBody(MemorySegment dst, long body) {
            FLOW.set(dst, body, targetFlow);
            CHECKSUM_LO.set(dst, body, checksum);
            CHECKSUM_HI.set(dst, body, checksum >>> 32);
            TOTAL_SLOTS.set(dst, body, totalSlots);
            TOTAL_FRAMES.set(dst, body, totalFrames);
        }
    }

    /** Bulk Nack (tag 4): the slots of a flow the sender misses; they may span several blocks. */
    record BulkNack(int targetFlow, long[] slots) implements TetherControl {
        private static final TetherControlCodec.U64List LIST = new TetherControlCodec.U64List(TetherLayouts.NACK, "target_flow", "reserved", "Nack");

        public BulkNack {
            Require.unsigned(targetFlow, 16, "targetFlow");
            slots = LIST.checked(slots).clone();
        }

        static Decoded<BulkNack> decodeBody(MemorySegment seg, long body, long room) {
            return LIST.decode(seg, body, room, (flow, ignored, values) -> new BulkNack(flow, values));
        }

        @Override public long[] slots() { return slots.clone(); }
        @Override public long tag() { return NACK; }
        @Override public int bodySize() { return LIST.size(slots); }
        @Override public void encodeBody(MemorySegment dst, long body) { LIST.encode(dst, body, targetFlow, 0, slots); }

        @Override
        public boolean equals(Object o) {
            return o instanceof BulkNack(int f, long[] s) && f == targetFlow && Arrays.equals(s, slots);
        }

        @Override public int hashCode() { return 31 * targetFlow + Arrays.hashCode(slots); }
        @Override public String toString() { return "BulkNack[targetFlow=" + targetFlow + ", slots=" + Arrays.toString(slots) + "]"; }
    }

    /** Sideband (tag 5): an attention code and tranches for a flow. */
    record Sideband(int targetFlow, int attention, long[] tranches) implements TetherControl {
        private static final TetherControlCodec.U64List LIST = new TetherControlCodec.U64List(TetherLayouts.SIDEBAND, "target_flow", "attention",
                "Sideband");

        public Sideband {
            Require.unsigned(targetFlow, 16, "targetFlow");
            Require.unsigned(attention, 16, "attention");
            tranches = LIST.checked(tranches).clone();
        }

        static Decoded<Sideband> decodeBody(MemorySegment seg, long body, long room) {
            return LIST.decode(seg, body, room, Sideband::new);
        }

        @Override public long[] tranches() { return tranches.clone(); }
        @Override public long tag() { return SIDEBAND; }
        @Override public int bodySize() { return LIST.size(tranches); }
        @Override public void encodeBody(MemorySegment dst, long body) { LIST.encode(dst, body, targetFlow, attention, tranches); }

        @Override
        public boolean equals(Object o) {
            return o instanceof Sideband(int f, int a, long[] t) && f == targetFlow && a == attention
                    && Arrays.equals(t, tranches);
        }

        @Override public int hashCode() { return (31 * targetFlow + attention) * 31 + Arrays.hashCode(tranches); }

        @Override
        public String toString() {
            return "Sideband[targetFlow=" + targetFlow + ", attention=" + attention + ", tranches="
                    + Arrays.toString(tranches) + "]";
        }
    }

    /**
     * A tag this version does not know (0 or above 5): {@code raw} is the rest of the payload
     * after the prefix, padding included, so 8 + raw is whole blocks and re-encodes exactly.
     */
    record UnknownControl(long tag, Bytes raw) implements TetherControl {
        public UnknownControl {
            Require.unsigned(tag, 32, "tag");
            if (known(tag)) throw new IllegalArgumentException("tag " + tag + " is known");
            Objects.requireNonNull(raw, "raw");
            if ((CTRL_BODY + raw.length()) % BLOCK != 0) {
                throw new IllegalArgumentException("8 + raw (" + raw.length() + " bytes) is not whole blocks");
            }
        }

        @Override public int bodySize() { return raw.length(); }
        @Override public void encodeBody(MemorySegment dst, long body) { raw.copyTo(dst, body); }
    }
}
