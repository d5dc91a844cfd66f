package dev.cellscope.wire;

/**
 * One 802.1Q ({@code 0x8100}) or 802.1ad ({@code 0x88A8}) tag: the TPID and the fields of the
 * TCI (pcp:3, dei:1, vid:12). It is encoded by {@link EthernetHeader}, which owns the offsets.
 */
public record VlanTag(int tpid, int pcp, int dei, int vid) {

    public VlanTag {
        if (!isTpid(tpid)) throw new IllegalArgumentException(String.format("TPID 0x%04x is not 0x8100 or 0x88a8", tpid));
        Require.unsigned(pcp, 3, "pcp");
        Require.unsigned(dei, 1, "dei");
        Require.unsigned(vid, 12, "vid");
    }

    static boolean isTpid(int etherType) {
        return etherType == LinkLayouts.ETHERTYPE_VLAN || etherType == LinkLayouts.ETHERTYPE_QINQ;
    }

    static VlanTag fromTci(int tpid, int tci) {
        return new VlanTag(tpid, tci >>> 13, (tci >>> 12) & 1, tci & 0xFFF);
    }

    /** Tag control information as it sits on the wire. */
    public int tci() {
        return pcp << 13 | dei << 12 | vid;
    }
}
