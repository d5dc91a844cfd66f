package dev.cellscope.protocol.tether;

/**
 * The slot rule of PROTOCOLS.md section 3: a data flow of {@code total_bytes} (u64) is cut into slots of
 * {@code slot_size} (u32) bytes, slot {@code s} at byte offset {@code s * slot_size}, the last one shorter if the total
 * is not a multiple. Slot IDs, NACKed slots and totals are unsigned 64-bit: compared signed, a slot of 2^63 or more
 * reads as negative and passes a "below the slot count" check (then an offset of -1024; review of the endpoint).
 * Written once here for the receiver, the sender and the analyzer's checks alike.
 */
public final class TetherSlots {
    private TetherSlots() {}

    /** Slots of a flow: ceil(total / slotSize), unsigned; 0 for a slot size of 0 (a malformed Define). */
    public static long count(long totalBytes, long slotSize) {
        if (slotSize == 0) return 0;
        long whole = Long.divideUnsigned(totalBytes, slotSize);
        return Long.remainderUnsigned(totalBytes, slotSize) == 0 ? whole : whole + 1;
    }

    /** Whether {@code slot} names one of {@code slotCount} slots (unsigned comparison). */
    public static boolean within(long slot, long slotCount) {
        return Long.compareUnsigned(slot, slotCount) < 0;
    }

    /**
     * Content bytes slot {@code slot} carries; the slot must be {@link #within} the flow's count, and
     * {@code slot * slotSize} must fit a long (true for any flow whose total does).
     */
    public static long length(long slot, long slotSize, long totalBytes) {
        return Math.min(slotSize, totalBytes - slot * slotSize);
    }

    /**
     * The payload a data frame for that slot carries: its bytes zero-padded to whole blocks. A frame with any other
     * payload length is malformed: longer, it would put more than a slot in the slot (or spill into the next); shorter,
     * the slot would be read past its end.
     */
    public static long payloadLength(long slot, long slotSize, long totalBytes) {
        return TetherCredit.blocks(length(slot, slotSize, totalBytes)) * TetherLimits.BLOCK;
    }

    /**
     * The Tether length of a full slot's data frame: header plus the slot size in whole blocks. A Define whose frame
     * exceeds the largest frame the transport carries describes frames that cannot exist (review: a 2^32−1-byte slot
     * earned 8.59 GB of grants).
     */
    public static long frameLength(long slotSize) {
        return TetherCredit.frameLength(slotSize);
    }
}
