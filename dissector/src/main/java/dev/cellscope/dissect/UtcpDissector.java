package dev.cellscope.dissect;

import dev.cellscope.analysis.UtcpVerdict;
import dev.cellscope.protocol.utcp.UtcpFlags;
import dev.cellscope.protocol.utcp.UtcpSeq;
import dev.cellscope.expert.UtcpExperts;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FieldFormat;
import dev.cellscope.wire.Slot;

import java.util.List;

import static dev.cellscope.field.UtcpFields.*;
import static dev.cellscope.wire.UtcpLayouts.HEADER;
import static dev.cellscope.wire.UtcpLayouts.NACK_RANGE;

/** UTCP header, flags, NACK ranges; DATA payloads go on to UTCP-SBI. */
final class UtcpDissector {
    private UtcpDissector() {}

    private static final Slot FLAGS_SLOT = HEADER.slot("flags");
    /** The flag bits shown under flags, as one array (a varargs call would allocate one per frame). */
    private static final FieldDef[] FLAG_BITS = {FLAGS_SYN, FLAGS_ACK, FLAGS_FIN, FLAGS_NACK, FLAGS_DATA, FLAGS_RESERVED};

    static int dissect(Dissection d, int off, int avail) {
        if (avail < HEADER.size()) {
            IpDissector.truncated(d, UTCP, "utcp", off, avail, HEADER.size(), UtcpExperts.TRUNCATED);
            d.columns("UTCP", d.sourceColumn, d.destinationColumn);
            return avail;
        }
        long seq = d.u32(off + 32);
        int flags = d.u16(off + 36);
        int payloadLen = d.u16(off + 38);
        int present = Math.min(payloadLen, avail - HEADER.size());
        // Analysis sees every UTCP frame, whatever this sink wants: its state spans the capture.
        UtcpVerdict verdict = d.analysis == null ? null
                : d.analysis.utcp(d.packet.number(), d.packet.timestampNanos(), d.seg, off, present, d.at(off + HEADER.size()));
        if (!d.sink.wantsLayer(UTCP)) {
            d.addToStack("utcp");
            d.protocol(UTCP, off, HEADER.size() + present); // presence only
            return HEADER.size() + present;
        }

        d.beginLayer(UTCP, off, HEADER.size() + present, "utcp");
        List<Slot> slots = HEADER.slots();
        for (int i = 0; i < slots.size(); i++) { // indexed: no iterator per frame
            Slot slot = slots.get(i);
            d.emit(slot, off);
            if (slot == FLAGS_SLOT) d.flagBits(flags, off + 36, 2, FLAG_BITS);
        }
        if (d.summary) {
            String src = FieldFormat.hex(d.seg, off, 16), dst = FieldFormat.hex(d.seg, off + 16, 16);
            d.sink.appendText(", Src: " + src + ", Dst: " + dst + ", Seq: " + seq + ", Flags: "
                    + FieldFormat.hex(flags, 16) + " (" + flagNames(flags) + "), Len: " + payloadLen);
            d.columns("UTCP", shortId(src), shortId(dst));
        }
        if ((flags & RESERVED_MASK) != 0) {
            d.expert(UtcpExperts.RESERVED_FLAGS, "Reserved UTCP flag bits set: " + FieldFormat.hex(flags & RESERVED_MASK, 16), off + 36, 2);
        }
        if (payloadLen > present) {
            IpDissector.lengthBeyondCapture(d, "UTCP payload_len", payloadLen, avail - HEADER.size(), off + 38,
                    UtcpExperts.LEN_SNAPLEN, UtcpExperts.LEN_EXCEEDS);
        }
        String tag = verdict != null ? UtcpAnalysisFields.emit(d, verdict, off) : "";
        int payloadOff = off + HEADER.size();
        String info = d.summary ? tag + "SEQ=" + seq + " " + flagNames(flags) + (payloadLen > 0 ? " len=" + payloadLen : "") : "";
        if ((flags & NACK) != 0) {
            info += nackRanges(d, payloadOff, present, payloadLen);
        } else if (present > 0 && (flags & DATA) == 0) {
            d.bytes(PAYLOAD, payloadOff, present);
        }
        if (verdict != null && verdict.rejectedFrameLen() >= 0) {
            d.number(dev.cellscope.field.SbiFields.FRAME_LEN, -1, 0, verdict.rejectedFrameLen());
            if (d.summary) info += present > 0 && d.u8(payloadOff) == '{' ? " legacy JSON peer" : " invalid frame_len " + verdict.rejectedFrameLen();
        } else if (verdict != null && (flags & DATA) != 0 && present > 0) {
            // every frame that carried part of a message completed later names that frame, also one that completes
            // an earlier message itself (PROTOCOLS.md section 4)
            for (long f : verdict.reassembledIn()) d.number(dev.cellscope.field.SbiFields.REASSEMBLED_IN, payloadOff, present, f);
            if (d.summary && verdict.messages().isEmpty()) {
                info += verdict.reassembledIn().length > 0 ? " [SBI segment, reassembled in " + verdict.reassembledIn()[0] + "]" : " [SBI segment]";
            }
        }
        d.endLayer();
        if (d.summary) d.infoColumn = info;
        boolean sbi = d.sink.wantsLayer(dev.cellscope.field.SbiFields.SBI);
        if (verdict != null) {
            if (sbi && !verdict.messages().isEmpty()) {
                String words = SbiDissector.delivered(d, verdict.messages());
                if (d.summary) {
                    d.protocolColumn = "UTCP-SBI";
                    d.infoColumn = info + " " + words;
                }
            }
        } else if ((flags & DATA) != 0 && present > 0 && sbi && !(payloadLen > present && d.uncaptured() > 0)) {
            // Per packet: a payload snaplen cut is not read as SBI (DECISIONS.md, "Snaplen"): the stream makes it a hole,
            // and its last message would be called one that "continues past this packet" from bytes never captured.
            SbiDissector.dissectPacket(d, payloadOff, present);
        }
        return HEADER.size() + present;
    }

    /** Emits the NACK ranges and returns their summary for the Info column. */
    private static String nackRanges(Dissection d, int off, int present, int payloadLen) {
        if (payloadLen % NACK_RANGE.size() != 0) {
            d.expert(UtcpExperts.NACK_LEN_BAD,
                    "NACK payload_len " + payloadLen + " is not a multiple of 8", off - 2, 2);
        }
        int ranges = present / NACK_RANGE.size();
        long missing = 0;
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < ranges; i++) {
            int at = off + i * NACK_RANGE.size();
            long first = d.u32(at), count = d.u32(at + 4);
            missing += count;
            d.protocol(NACK_ENTRY, at, NACK_RANGE.size());
            d.push();
            // The range's last seq, a wire seq too: a range may cross 2^32.
            long last = UtcpSeq.wire(first + count - 1);
            if (d.summary) d.sink.appendText(": " + first + (count > 1 ? "–" + last : "") + " (" + count + ")");
            d.emit(NACK_RANGE, at);
            d.pop();
            if (count == 0) d.expert(UtcpExperts.NACK_RANGE_EMPTY, "NACK range with count 0", at + 4, 4);
            if (d.summary && i < 4) list.append(i == 0 ? " [" : ",").append(first).append(count > 1 ? "-" + last : "");
        }
        if (d.summary && ranges > 4) list.append(",…");
        if (!list.isEmpty()) list.append(']');
        return d.summary ? " missing=" + missing + list : "";
    }

    static String flagNames(int flags) {
        StringBuilder b = new StringBuilder();
        for (int bit : UtcpFlags.ASSIGNED) {
            if ((flags & bit) != 0) b.append(UtcpFlags.name(bit)).append(',');
        }
        if ((flags & UtcpFlags.RESERVED_MASK) != 0) b.append("RESERVED,");
        return b.isEmpty() ? "none" : b.substring(0, b.length() - 1);
    }

    /** CellIDs are long: summary columns show the first 8 hex digits (the tree shows all 32). */
    static String shortId(String hex) {
        return hex.substring(0, 8) + "…";
    }
}
