package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.Optional;

/**
 * Tether header (64 bytes). Little-endian normally; a header whose magic reads as big-endian
 * is decoded too and keeps {@code byteOrder} BIG_ENDIAN, so it re-encodes as found. The
 * 48-bit sender and target are split on the wire (hi:32|lo:16 and hi:16|lo:32).
 */
public record TetherHeader(int flowId, int flags, int reserved, long sender, long target, long tai64nNano,
                           long slotId, long grantAmount, long nackSlot, long checksum, long tai64nSec,
                           ByteOrder byteOrder) {
    public static final int SIZE = TetherLayouts.HEADER.size();

    /** The header's slots in one byte order. */
    private record Slots(Slot magic, Slot flow, Slot flags, Slot reserved, Slot senderHi, Slot senderLo,
                         Slot targetHi, Slot targetLo, Slot nano, Slot slot, Slot grant, Slot nack, Slot checksum,
                         Slot sec) {
        static Slots of(Layout l) {
            return new Slots(l.slot("magic"), l.slot("flow_id"), l.slot("flags"), l.slot("reserved"),
                    l.slot("sender_id_hi"), l.slot("sender_id_lo"), l.slot("target_id_hi"), l.slot("target_id_lo"),
                    l.slot("tai64n_nano"), l.slot("slot_id"), l.slot("grant_amount"), l.slot("nack_slot"),
                    l.slot("checksum"), l.slot("tai64n_sec"));
        }
    }

    private static final Slots LE = Slots.of(TetherLayouts.HEADER.withOrder(ByteOrder.LITTLE_ENDIAN));
    private static final Slots BE = Slots.of(TetherLayouts.HEADER.withOrder(ByteOrder.BIG_ENDIAN));

    public TetherHeader {
        Require.unsigned(flowId, 16, "flowId");
        Require.unsigned(flags, 8, "flags");
        Require.unsigned(reserved, 8, "reserved");
        Require.unsigned(sender, 48, "sender");
        Require.unsigned(target, 48, "target");
        Require.unsigned(tai64nNano, 32, "tai64nNano");
        Objects.requireNonNull(byteOrder, "byteOrder");
    }

    /** A little-endian header, the normal case. */
    public TetherHeader(int flowId, int flags, int reserved, long sender, long target, long tai64nNano, long slotId,
                        long grantAmount, long nackSlot, long checksum, long tai64nSec) {
        this(flowId, flags, reserved, sender, target, tai64nNano, slotId, grantAmount, nackSlot, checksum, tai64nSec,
                ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The byte order whose magic the input starts with, if any: the EtherType 0x88B5 heuristic
     * ({@code 4C 4F 42 4F} little-endian, {@code 4F 42 4F 4C} big-endian, else UTCP).
     */
    public static Optional<ByteOrder> magicOrder(MemorySegment seg, long offset, long available) {
        long n = Input.usable(seg, offset, available);
        if (n < LE.magic().end()) return Optional.empty();
        if (LE.magic().get(seg, offset) == Integer.toUnsignedLong(TetherLayouts.MAGIC_VALUE)) {
            return Optional.of(ByteOrder.LITTLE_ENDIAN);
        }
        if (BE.magic().get(seg, offset) == Integer.toUnsignedLong(TetherLayouts.MAGIC_VALUE)) {
            return Optional.of(ByteOrder.BIG_ENDIAN);
        }
        return Optional.empty();
    }

    public static Decoded<TetherHeader> decode(MemorySegment seg, long offset, long available) {
        long n = Input.usable(seg, offset, available);
        if (n < 0) return Input.badWindow(seg, offset, available);
        if (n < SIZE) return Input.truncated("Tether header", SIZE, n);
        Optional<ByteOrder> order = magicOrder(seg, offset, n);
        if (order.isEmpty()) {
            return Decoded.invalid(String.format("bad Tether magic 0x%08x", LE.magic().get(seg, offset)), LE.magic().offset());
        }
        Slots s = order.get() == ByteOrder.BIG_ENDIAN ? BE : LE;
        long sender = s.senderHi().get(seg, offset) << 16 | s.senderLo().get(seg, offset);
        long target = s.targetHi().get(seg, offset) << 32 | s.targetLo().get(seg, offset);
        return Decoded.ok(new TetherHeader(s.flow().getInt(seg, offset), s.flags().getInt(seg, offset),
                s.reserved().getInt(seg, offset), sender, target, s.nano().get(seg, offset), s.slot().get(seg, offset),
                s.grant().get(seg, offset), s.nack().get(seg, offset), s.checksum().get(seg, offset),
                s.sec().get(seg, offset), order.get()), SIZE);
    }

    public static Decoded<TetherHeader> decode(byte[] bytes) {
        return decode(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    public int encodedSize() {
        return SIZE;
    }

    public void encodeTo(MemorySegment dst, long offset) {
        Slots s = slots();
        s.magic().set(dst, offset, TetherLayouts.MAGIC_VALUE);
        s.flow().set(dst, offset, flowId);
        s.flags().set(dst, offset, flags);
        s.reserved().set(dst, offset, reserved);
        s.senderHi().set(dst, offset, sender >>> 16);
        s.senderLo().set(dst, offset, sender);
        s.targetHi().set(dst, offset, target >>> 32);
        s.targetLo().set(dst, offset, target);
        s.nano().set(dst, offset, tai64nNano);
        s.slot().set(dst, offset, slotId);
        s.grant().set(dst, offset, grantAmount);
        s.nack().set(dst, offset, nackSlot);
        s.checksum().set(dst, offset, checksum);
        s.sec().set(dst, offset, tai64nSec);
    }

    public byte[] encode() {
        byte[] out = new byte[encodedSize()];
        encodeTo(MemorySegment.ofArray(out), 0);
        return out;
    }

    public TetherHeader withChecksum(long newChecksum) {
        return new TetherHeader(flowId, flags, reserved, sender, target, tai64nNano, slotId, grantAmount, nackSlot,
                newChecksum, tai64nSec, byteOrder);
    }

    /** Overwrites only the checksum field of an encoded header at {@code offset}. */
    void putChecksum(MemorySegment dst, long offset, long value) {
        slots().checksum().set(dst, offset, value);
    }

    private Slots slots() {
        return byteOrder == ByteOrder.BIG_ENDIAN ? BE : LE;
    }
}
