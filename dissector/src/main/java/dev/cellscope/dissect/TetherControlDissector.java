package dev.cellscope.dissect;

import dev.cellscope.expert.TetherExperts;
import dev.cellscope.field.FieldDef;
import dev.cellscope.protocol.tether.TetherControlTags;
import dev.cellscope.wire.Layout;

import java.nio.ByteOrder;

import static dev.cellscope.field.TetherFields.*;
import static dev.cellscope.wire.TetherLayouts.*;

/**
 * Flow 0 control payloads: {tag, reserved} then the tag's body (PROTOCOLS.md section 3).
 * Control payloads are little-endian whatever the header's order: RFC 0001 Appendix A states
 * it for them, and only the header of a big-endian sender is reported as swapped.
 */
final class TetherControlDissector {
    private TetherControlDissector() {}

    /** Emits the control block and returns its words for the Info column. */
    static String dissect(Dissection d, int off, int len) {
        Layout prefix = CTRL_PREFIX;
        int tag = (int) prefix.slot("tag").get(d.seg, off);
        String name = TetherControlTags.name(Integer.toUnsignedLong(tag));
        d.protocol(CTRL, off, len);
        d.push();
        if (d.summary) d.sink.appendText(": " + (name != null ? name : "unknown tag " + Integer.toUnsignedString(tag)));
        d.emit(prefix, off);
        int body = off + CTRL_BODY, avail = len - CTRL_BODY;
        String info = switch (tag) {
            case TetherControlTags.HAIL -> fixed(d, HAIL, body, avail) ? "Hail v" + HAIL.slot("version").get(d.seg, body) : "Hail";
            case TetherControlTags.DEFINE -> define(d, DEFINE, body, avail);
            case TetherControlTags.MANIFEST -> manifest(d, MANIFEST, body, avail);
            case TetherControlTags.NACK -> list(d, NACK, body, avail, NACK_SLOT_LIST, "Nack");
            case TetherControlTags.SIDEBAND -> list(d, SIDEBAND, body, avail, SIDEBAND_TRANCHE, "Sideband");
            default -> {
                d.expert(TetherExperts.CTRL_UNKNOWN_TAG, "Unknown control tag " + Integer.toUnsignedString(tag), off, 4);
                d.bytes(PAYLOAD, off, len);
                yield "Control tag " + Integer.toUnsignedString(tag);
            }
        };
        d.pop();
        return info;
    }

    /** Emits a fixed body when it fits; reports a malformed block when it does not. */
    private static boolean fixed(Dissection d, Layout body, int off, int avail) {
        if (avail < body.size()) {
            d.expert(TetherExperts.CTRL_BODY_SHORT,
                    body.name() + " body needs " + body.size() + " bytes, " + avail + " present", off, avail);
            return false;
        }
        d.emit(body, off);
        return true;
    }

    private static String define(Dissection d, Layout l, int off, int avail) {
        if (!fixed(d, l, off, avail) || !d.summary) return "Define";
        return "Define flow=" + l.slot("target_flow").get(d.seg, off) + " slot_size=" + l.slot("slot_size").get(d.seg, off)
                + " total=" + Long.toUnsignedString(l.slot("total_bytes").get(d.seg, off));
    }

    private static String manifest(Dissection d, Layout l, int off, int avail) {
        if (avail < l.size()) {
            fixed(d, l, off, avail);
            return "Manifest";
        }
        long checksum = (l.slot("checksum_hi").get(d.seg, off) << 32) | l.slot("checksum_lo").get(d.seg, off);
        d.emit(l.slot("target_flow"), off);
        d.number(MANIFEST_CHECKSUM, off + l.slot("checksum_lo").offset(), 8, checksum);
        d.emit(l.slot("total_slots"), off);
        d.emit(l.slot("total_frames"), off);
        if (!d.summary) return "Manifest";
        return "Manifest flow=" + l.slot("target_flow").get(d.seg, off) + " slots=" + Long.toUnsignedString(l.slot("total_slots").get(d.seg, off))
                + " frames=" + Long.toUnsignedString(l.slot("total_frames").get(d.seg, off));
    }

    /** Bulk Nack and Sideband: a spine with a count, then count u64 entries (possibly over several blocks). */
    private static String list(Dissection d, Layout spine, int off, int avail, FieldDef entry, String name) {
        if (!fixed(d, spine, off, avail)) return name;
        long count = spine.slot("count").get(d.seg, off);
        long room = (avail - spine.size()) / 8;
        if (count > room) {
            d.expert(TetherExperts.CTRL_COUNT_OVERRUN, name + " count " + count + " needs " + count * 8
                    + " bytes, " + (avail - spine.size()) + " present", off + spine.slot("count").offset(), 4);
        }
        long shown = Math.min(count, room);
        for (int i = 0; i < shown; i++) {
            int at = off + spine.size() + i * 8;
            d.number(entry, at, 8, d.u64(at, ByteOrder.LITTLE_ENDIAN));
        }
        if (!d.summary) return name;
        return name + " flow=" + spine.slot("target_flow").get(d.seg, off) + " count=" + count;
    }
}
