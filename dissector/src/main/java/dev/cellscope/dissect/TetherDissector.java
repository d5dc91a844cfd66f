package dev.cellscope.dissect;

import dev.cellscope.analysis.TetherFrameResult;
import dev.cellscope.crypto.Crc64GoIso;
import dev.cellscope.expert.TetherExperts;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FieldFormat;
import dev.cellscope.wire.Layout;
import dev.cellscope.wire.Slot;
import dev.cellscope.wire.Tai64n;

import java.nio.ByteOrder;
import java.util.List;

import static dev.cellscope.field.TetherFields.*;
import static dev.cellscope.protocol.tether.TetherLimits.BLOCK;
import static dev.cellscope.wire.TetherLayouts.HEADER;

/** Tether: the 64-byte header block, checksum, identities, then control or data blocks. */
final class TetherDissector {
    private TetherDissector() {}

    private static final Layout HEADER_BE = HEADER.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int CHECKSUM_OFFSET = HEADER.slot("checksum").offset();
    private static final Slot CHECKSUM_LE = HEADER.slot("checksum"), CHECKSUM_BE = HEADER_BE.slot("checksum");
    /** The flag bits shown under flags, as one array (a varargs call would allocate one per frame). */
    private static final FieldDef[] FLAG_BITS = {FLAGS_LAMP, FLAGS_SYNC};

    /**
     * Returns the bytes the Tether frame claims: all of them. Tether has no length field and its CRC covers every byte,
     * so a trailing partial block belongs to the frame (flagged {@code tether.len_not_blocks}), not to Ethernet's padding
     * (the independent encoder's finding: it was shown as {@code eth.padding}). Blocks and payload count whole blocks.
     */
    static int dissect(Dissection d, int off, int avail, boolean bigEndian) {
        if (avail < BLOCK) {
            IpDissector.truncated(d, TETHER, "tether", off, avail, BLOCK, TetherExperts.TRUNCATED);
            d.columns("Tether", d.sourceColumn, d.destinationColumn);
            return avail;
        }
        Layout h = bigEndian ? HEADER_BE : HEADER;
        // Snaplen (DECISIONS.md): a Tether frame runs to the end of the frame, so its length on the wire is what was
        // captured plus what was cut; the cut bytes are unknown, so the length is judged, the checksum and payload are not.
        int uncaptured = d.uncaptured();
        int onWire = avail + uncaptured;
        int frameLen = uncaptured > 0 ? avail : avail - avail % BLOCK;
        // The CRC, when anything reads it: the status field, the findings, or the ledger, which leaves a frame with a
        // bad one unaccounted. Over every byte of the frame (a length that is not whole blocks is its own finding); not
        // over a cut frame, whose missing bytes are unknown.
        boolean crcChecked = uncaptured == 0 && d.config.verifyChecksums()
                && (d.analysis != null || d.sink.wantsExperts() || d.sink.wants(CHECKSUM_STATUS_FIELD));
        long crcComputed = crcChecked ? Crc64GoIso.tetherChecksum(d.seg, off, avail) : 0;
        boolean crcBad = crcChecked && crcComputed != (bigEndian ? CHECKSUM_BE : CHECKSUM_LE).get(d.seg, off);
        // The ledger sees every Tether frame, whatever this sink wants: credit spans the capture.
        TetherFrameResult credit = d.analysis == null ? null : d.analysis.tether(d.packet.number(), d.packet.timestampNanos(),
                d.seg, off, avail - avail % BLOCK, onWire - onWire % BLOCK, bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN, crcBad);
        if (!d.sink.wantsLayer(TETHER)) {
            d.addToStack("tether");
            d.protocol(TETHER, off, avail); // presence only
            return avail;
        }
        d.beginLayer(TETHER, off, avail, "tether");
        if (bigEndian) {
            d.expert(TetherExperts.BIG_ENDIAN, "Big-endian Tether header (the wire order is little-endian); decoded as big-endian", off, 4);
        }
        if (onWire % BLOCK != 0) {
            d.expert(TetherExperts.LEN_NOT_BLOCKS, "Tether length " + onWire + " is not a multiple of 64 (" + (onWire % BLOCK)
                    + " trailing bytes)", uncaptured > 0 ? off + avail : off + frameLen, uncaptured > 0 ? 0 : avail % BLOCK);
        }

        long flow = 0, flags = 0, senderHi = 0, targetHi = 0, sender = 0, target = 0, slotId = 0, grant = 0, nackSlot = 0,
                nano = 0, checksum = 0;
        List<Slot> slots = h.slots();
        for (int i = 0; i < slots.size(); i++) { // indexed: no iterator per frame
            Slot slot = slots.get(i);
            long v = d.emit(slot, off);
            switch (slot.name()) {
                case "flow_id" -> flow = v;
                case "flags" -> {
                    flags = v;
                    d.flagBits(v, off + slot.offset(), 1, FLAG_BITS);
                    if ((v & ~(LAMP | SYNC)) != 0) {
                        d.expert(TetherExperts.UNDEFINED_FLAGS, "Undefined Tether flag bits set: " + FieldFormat.hex(v, 8), off + 6, 1);
                    }
                }
                case "reserved" -> {
                    if (v != 0) d.expert(TetherExperts.RESERVED_NONZERO, "Reserved byte is " + v + ", must be 0", off + 7, 1);
                }
                case "sender_id_hi" -> senderHi = v;
                case "sender_id_lo" -> {
                    sender = (senderHi << 16) | v;
                    d.number(SENDER, off + 8, 6, sender);
                }
                case "target_id_hi" -> targetHi = v;
                case "target_id_lo" -> {
                    target = (targetHi << 32) | v;
                    d.number(TARGET, off + 14, 6, target);
                }
                case "tai64n_nano" -> nano = v;
                case "slot_id" -> slotId = v;
                case "grant_amount" -> grant = v;
                case "nack_slot" -> nackSlot = v;
                case "checksum" -> {
                    checksum = v;
                    checksumStatus(d, off, avail, uncaptured, v, crcChecked, crcComputed, credit != null);
                }
                case "tai64n_sec" -> sendTime(d, off + slot.offset(), v, nano);
                default -> { }
            }
        }
        d.number(BLOCKS, off, frameLen, frameLen / BLOCK);
        identityChecks(d, off, sender, target);
        if (credit != null && credit.tracked()) ledgerFields(d, off, credit);

        String tag = credit == null || !credit.tracked() ? "" : (credit.overrun() ? "[Overrun] " : "") + (credit.retransmission() ? "[Re-sent] " : "");
        String info = !d.summary ? "" : tag + (flow != 0 ? "FLOW=" + flow + " SLOT=" + Long.toUnsignedString(slotId) + " " : "")
                + (grant != 0 ? "GRANT=" + Long.toUnsignedString(grant) + " " : "")
                + (nackSlot != 0 ? "NACKSLOT=" + Long.toUnsignedString(nackSlot) + " " : "")
                + ((flags & LAMP) != 0 ? "LAMP " : "") + ((flags & SYNC) != 0 ? "SYNC " : "");
        if (d.summary) {
            d.sink.appendText(", Flow: " + flow + ", Sender: " + FieldFormat.mac(sender) + ", Target: " + FieldFormat.mac(target)
                    + (grant != 0 ? ", Grant: " + Long.toUnsignedString(grant) : ""));
        }

        int payloadOff = off + BLOCK, payloadLen = frameLen - BLOCK;
        if (flow == 0 && payloadLen > 0 && uncaptured == 0) {
            info += TetherControlDissector.dissect(d, payloadOff, payloadLen);
        } else if (payloadLen > 0) {
            d.bytes(PAYLOAD, payloadOff, payloadLen);
            if (d.summary) info += "len=" + payloadLen;
        }
        d.endLayer();
        if (d.summary) {
            d.columns("Tether", FieldFormat.mac(sender), FieldFormat.mac(target));
            d.infoColumn = info.strip();
        }
        return avail;
    }

    private static void ledgerFields(Dissection d, int off, TetherFrameResult r) {
        d.protocol(ANALYSIS, off + 32, 8);
        d.push();
        d.number(CREDIT_BEFORE, off + 32, 8, r.creditBefore());
        d.number(SPENT, off + 32, 8, r.spent());
        d.number(CREDIT_AFTER, off + 32, 8, r.creditAfter());
        if (r.overrun()) d.number(OVERRUN, off + 32, 8, 1);
        if (r.retransmission()) d.number(RESENT, off + 24, 8, 1);
        if (r.answersNackInFrame() >= 0) d.number(RESENT_NACK_FRAME, -1, 0, r.answersNackInFrame());
        if (r.hasDelay()) d.number(DELAY, off + 56, 8, r.sendToTapDelayNanos());
        int manifest = manifestMatch(r);
        if (manifest >= 0) d.number(MANIFEST_MATCH, -1, 0, manifest);
        d.pop();
        for (var e : r.findings()) d.expert(e, off, BLOCK);
    }

    /**
     * 1 or 0 when the ledger compared a Manifest in this frame, -1 otherwise. The ledger states
     * the comparison only as its finding ("Manifest for flow N matches" / "says ..."), so the
     * field is read from that finding rather than widening {@link TetherFrameResult}.
     */
    static int manifestMatch(TetherFrameResult r) {
        for (var e : r.findings()) {
            String m = e.message();
            if (m.startsWith("Manifest for flow ")) return m.contains(" matches: ") ? 1 : 0;
        }
        return -1;
    }

    /**
     * {@code len} is the whole Tether frame as it arrived, trailing bytes of a partial block included; {@code uncaptured}
     * bytes of it snaplen cut: a checksum over bytes that were not captured is not verified (as tshark's [unverified]).
     * {@code computed} is the CRC when {@code checked}; {@code ledger} says whether the frame was offered to the ledger.
     */
    private static void checksumStatus(Dissection d, int off, int len, int uncaptured, long carried, boolean checked, long computed,
                                       boolean ledger) {
        if (uncaptured > 0 && d.config.verifyChecksums() && (d.sink.wantsExperts() || d.sink.wants(CHECKSUM_STATUS_FIELD))) {
            d.number(CHECKSUM_STATUS_FIELD, off + CHECKSUM_OFFSET, 8, 0);
            d.expert(TetherExperts.CRC_UNVERIFIED, "CRC-64/GO-ISO not verified: snaplen cut " + uncaptured + " of the frame's "
                    + (len + uncaptured) + " bytes", off + CHECKSUM_OFFSET, 8);
            return;
        }
        if (!checked) {
            d.number(CHECKSUM_STATUS_FIELD, off + CHECKSUM_OFFSET, 8, 0);
            return;
        }
        boolean good = computed == carried;
        d.number(CHECKSUM_STATUS_FIELD, off + CHECKSUM_OFFSET, 8, good ? 1 : 2);
        if (!good) {
            d.expert(TetherExperts.CRC_BAD, "Bad CRC-64/GO-ISO " + FieldFormat.hex(carried, 64) + " (computed "
                    + FieldFormat.hex(computed, 64) + ")" + (ledger ? ": not accounted, its header may be damaged" : ""),
                    off + CHECKSUM_OFFSET, 8);
        }
    }

    private static void sendTime(Dissection d, int at, long label, long nano) {
        if (!Tai64n.plausible(label) || nano >= 1_000_000_000L) {
            if (label != 0 || nano != 0) {
                d.expert(TetherExperts.TIME_IMPLAUSIBLE, "Implausible TAI64N time " + FieldFormat.hex(label, 64) + "." + nano, at, 8);
            }
            return;
        }
        d.number(TAI64N, at, 8, Tai64n.toUtcNanos(label, nano));
    }

    /** Ethernet addresses should equal the Tether identities (PROTOCOLS.md section 3). */
    private static void identityChecks(Dissection d, int off, long sender, long target) {
        if (d.ethSrc >= 0 && d.ethSrc != sender) {
            d.expert(TetherExperts.ETH_SRC_MISMATCH, "Ethernet source " + FieldFormat.mac(d.ethSrc)
                    + " differs from Tether sender " + FieldFormat.mac(sender), off + 8, 6);
        }
        if (d.ethDst >= 0 && d.ethDst != target) {
            d.expert(TetherExperts.ETH_DST_MISMATCH, "Ethernet destination " + FieldFormat.mac(d.ethDst)
                    + " differs from Tether target " + FieldFormat.mac(target), off + 14, 6);
        }
    }
}
