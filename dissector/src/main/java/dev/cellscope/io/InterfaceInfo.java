package dev.cellscope.io;

/**
 * A capture interface (a pcapng IDB, or the single interface of a pcap file).
 *
 * @param id              index within the file (across sections, as tshark numbers them)
 * @param linkType        LINKTYPE_* value
 * @param snapLength      maximum captured bytes per packet (0 = unlimited)
 * @param name            if_name option, or null
 * @param unitsPerSecond  timestamp units per second (from if_tsresol; 1,000,000 by default)
 * @param offsetSeconds   if_tsoffset: seconds added to every timestamp (may be negative); 0 for pcap.
 *                        A copy declares it again, so that times before the epoch can be written back.
 */
public record InterfaceInfo(int id, int linkType, int snapLength, String name, long unitsPerSecond, long offsetSeconds) {

    /** An interface without if_tsoffset. */
    public InterfaceInfo(int id, int linkType, int snapLength, String name, long unitsPerSecond) {
        this(id, linkType, snapLength, name, unitsPerSecond, 0);
    }
}
