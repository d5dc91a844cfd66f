package dev.cellscope.io;

/**
 * An interface as {@link PcapngWriter#addInterface(InterfaceDescription)} declares it: an
 * Interface Description Block saying how the packets were captured. Null strings are not written.
 *
 * @param linkType      LINKTYPE_* (16 bits)
 * @param snapLength    maximum captured bytes per packet, 0 for no limit
 * @param name          if_name (2), e.g. "eth1"
 * @param description   if_description (3), e.g. the driver's or the user's description of the port
 * @param filter        if_filter (11), written as a libpcap filter string (first byte 0), e.g.
 *                      "ether proto 0x88b5 or udp port 34997"
 * @param os            if_os (12): the system the interface belongs to
 * @param offsetSeconds if_tsoffset (14), seconds; 0 writes none
 */
public record InterfaceDescription(int linkType, int snapLength, String name, String description, String filter,
                                   String os, long offsetSeconds) {

    public InterfaceDescription {
        if (linkType < 0 || linkType > 0xFFFF) {
            throw new IllegalArgumentException("pcapng link types are 16 bits: " + linkType);
        }
    }

    /** An interface with only a name (or none). */
    public static InterfaceDescription of(int linkType, int snapLength, String name) {
        return new InterfaceDescription(linkType, snapLength, name, null, null, null, 0);
    }
}
