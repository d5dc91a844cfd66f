package dev.cellscope.analysis;

import dev.cellscope.crypto.Crc64GoIso;
import dev.cellscope.protocol.BoundedRangeSet;
import dev.cellscope.protocol.tether.TetherSlots;

import java.lang.foreign.MemorySegment;

/**
 * The content checksum of one Tether data flow as the tap saw it, to hold a Manifest's {@code checksum} against
 * (ENDPOINT-TETHER.md: CRC-64/GO-ISO of exactly {@code total_bytes} bytes). Slots arrive in any order, re-sent and
 * interleaved, and a flow may be a gigabyte, so nothing of them is kept. Slots in order are streamed into a register
 * of the content so far (the common case costs the CRC of the bytes and nothing more). A slot ahead of that prefix has
 * its CRC, taken from register 0, shifted by the bytes that follow it in the content and XORed into a second register
 * ({@link Crc64GoIso#shift}); when the prefix reaches such slots it steps over them as if they were zeros, since their
 * part is in the second register. Once every slot is in, the two registers give the content's CRC.
 *
 * <p>A slot is added once, from its first copy the ledger accepts (re-sends carry the same bytes, and a copy XORed in
 * twice would cancel out); the ledger keeps the distinct slots. The check gives up, with the reason, when the content
 * can no longer be known: a frame of the flow cut by snaplen, slot tracking full.
 */
final class TetherContentCheck {
    /** Largest total_bytes checked: beyond it no flow of real frames exists, and slot offsets stay far from overflow. */
    static final long MAX_TOTAL_BYTES = 1L << 48;

    /** Runs of slots held ahead of the prefix (a loss early in a long flow is one run until its re-send). */
    static final int MAX_AHEAD_RANGES = 4_096;

    private final long slotSize, totalBytes, slotCount;
    /** Register over the content before slot {@code nextSlot}, from INIT. */
    private long prefix = Crc64GoIso.INIT, nextSlot;
    /** XOR of the slots ahead of the prefix, each from register 0 and shifted to the content's end. */
    private long ahead;
    private BoundedRangeSet<Void> aheadSlots;
    private long added;
    private String unknown;

    /** For a flow of {@code totalBytes} bytes in slots of {@code slotSize} (both unsigned, as the Define says). */
    TetherContentCheck(long slotSize, long totalBytes) {
        this.slotSize = slotSize;
        this.totalBytes = totalBytes;
        if (slotSize <= 0) {
            slotCount = 0;
            unknown = "the Define's slot size is 0";
        } else if (Long.compareUnsigned(totalBytes, MAX_TOTAL_BYTES) > 0) {
            slotCount = 0;
            unknown = "the Define announces " + Long.toUnsignedString(totalBytes) + " bytes";
        } else {
            slotCount = TetherSlots.count(totalBytes, slotSize);
        }
    }

    /** Content bytes slot {@code slot} holds, or -1 when it is not a slot of this flow (the rule: {@link TetherSlots}). */
    long slotBytes(long slot) {
        return TetherSlots.within(slot, slotCount) ? TetherSlots.length(slot, slotSize, totalBytes) : -1;
    }

    /** Payload bytes a data frame of slot {@code slot} carries: its content, zero-padded to whole blocks; -1 as above. */
    long payloadBytes(long slot) {
        return TetherSlots.within(slot, slotCount) ? TetherSlots.payloadLength(slot, slotSize, totalBytes) : -1;
    }

    /** Adds the first accepted copy of {@code slot}, whose content starts {@code payload} (at least slotBytes long). */
    void add(long slot, MemorySegment payload) {
        long n = slotBytes(slot);
        if (unknown != null || n < 0 || slot < nextSlot || (aheadSlots != null && aheadSlots.contains(slot))) return;
        added++;
        if (slot == nextSlot) {
            prefix = Crc64GoIso.update(prefix, payload, 0, n);
            nextSlot++;
            for (BoundedRangeSet.Range<Void> run; aheadSlots != null && (run = aheadSlots.lowest()) != null && run.first() == nextSlot; ) {
                aheadSlots.removeRange(run.first());
                prefix = Crc64GoIso.shift(prefix, offset(run.last() + 1) - offset(run.first()));
                nextSlot = run.last() + 1;
            }
            return;
        }
        if (aheadSlots == null) aheadSlots = BoundedRangeSet.ofNumbers(MAX_AHEAD_RANGES, BoundedRangeSet.WhenFull.REFUSE);
        if (!aheadSlots.add(slot, null)) {
            lose("slots came too far out of order to follow");
            return;
        }
        ahead ^= Crc64GoIso.shift(Crc64GoIso.update(0, payload, 0, n), totalBytes - offset(slot) - n);
    }

    /** Content offset of slot {@code slot} (the content's end for the slot past the last). */
    private long offset(long slot) {
        return Math.min(slot * slotSize, totalBytes);
    }

    /** From now on the content cannot be known (a frame cut by snaplen, slots no longer tracked). */
    void lose(String why) {
        if (unknown == null) unknown = why;
    }

    /** Why the content cannot be checked (yet), or null when it can: every slot added. */
    String uncheckable() {
        if (unknown != null) return unknown;
        if (added < slotCount) return added + " of " + slotCount + " slots seen";
        return null;
    }

    /** The content's CRC-64/GO-ISO; valid when {@link #uncheckable()} is null. */
    long checksum() {
        return Crc64GoIso.finish(Crc64GoIso.shift(prefix, totalBytes - offset(nextSlot)) ^ ahead);
    }
}
