package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Ethernet II header with up to two VLAN tags. MACs are 48-bit values, most significant byte
 * first on the wire; {@code etherType} is the inner type after the tags.
 */
public record EthernetHeader(long dst, long src, List<VlanTag> tags, int etherType) {
    public static final int MAX_TAGS = 2;

    private static final Layout ETH = LinkLayouts.ETHERNET, TAG = LinkLayouts.VLAN_TAG;
    private static final Slot DST = ETH.slot("dst"), SRC = ETH.slot("src"), TYPE = ETH.slot("type");
    private static final Slot TCI = TAG.slot("tci"), TAG_ETYPE = TAG.slot("etype");

    public EthernetHeader {
        Require.unsigned(dst, 48, "dst");
        Require.unsigned(src, 48, "src");
        tags = List.copyOf(Objects.requireNonNull(tags, "tags"));
        if (tags.size() > MAX_TAGS) throw new IllegalArgumentException("more than two VLAN tags");
        Require.unsigned(etherType, 16, "etherType");
        // A TPID here would read back as one more tag: tags are declared in the list, not here.
        if (VlanTag.isTpid(etherType)) throw new IllegalArgumentException("etherType is a VLAN TPID; use tags");
    }

    public EthernetHeader(long dst, long src, int etherType) {
        this(dst, src, List.of(), etherType);
    }

    public static Decoded<EthernetHeader> decode(MemorySegment seg, long offset, long available) {
        long n = Input.usable(seg, offset, available);
        if (n < 0) return Input.badWindow(seg, offset, available);
        if (n < ETH.size()) return Input.truncated("Ethernet header", ETH.size(), n);
        long dst = getMac(seg, offset, DST), src = getMac(seg, offset, SRC);
        int type = TYPE.getInt(seg, offset);
        List<VlanTag> tags = new ArrayList<>(MAX_TAGS);
        long pos = ETH.size();
        while (VlanTag.isTpid(type)) {
            if (tags.size() == MAX_TAGS) return Decoded.invalid("more than two VLAN tags", pos - TYPE.size());
            if (n < pos + TAG.size()) return Input.truncated("VLAN tag", pos + TAG.size(), n);
            tags.add(VlanTag.fromTci(type, TCI.getInt(seg, offset + pos)));
            type = TAG_ETYPE.getInt(seg, offset + pos);
            pos += TAG.size();
        }
        return Decoded.ok(new EthernetHeader(dst, src, tags, type), (int) pos);
    }

    public static Decoded<EthernetHeader> decode(byte[] bytes) {
        return decode(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    public int encodedSize() {
        return ETH.size() + tags.size() * TAG.size();
    }

    public void encodeTo(MemorySegment dst, long offset) {
        putMac(dst, offset, DST, this.dst);
        putMac(dst, offset, SRC, src);
        long typeAt = offset;  // the TYPE slot of the base header, then the etype slot of each tag
        Slot typeSlot = TYPE;
        long tagBase = offset + ETH.size();
        for (VlanTag t : tags) {
            typeSlot.set(dst, typeAt, t.tpid());
            TCI.set(dst, tagBase, t.tci());
            typeAt = tagBase;
            typeSlot = TAG_ETYPE;
            tagBase += TAG.size();
        }
        typeSlot.set(dst, typeAt, etherType);
    }

    public byte[] encode() {
        byte[] out = new byte[encodedSize()];
        encodeTo(MemorySegment.ofArray(out), 0);
        return out;
    }

    private static long getMac(MemorySegment seg, long base, Slot slot) {
        long mac = 0;
        for (int i = 0; i < slot.size(); i++) mac = mac << 8 | seg.get(ValueLayout.JAVA_BYTE, base + slot.offset() + i) & 0xFF;
        return mac;
    }

    private static void putMac(MemorySegment seg, long base, Slot slot, long mac) {
        for (int i = 0; i < slot.size(); i++) {
            seg.set(ValueLayout.JAVA_BYTE, base + slot.offset() + i, (byte) (mac >>> 8 * (slot.size() - 1 - i)));
        }
    }
}
