package dev.cellscope.dissect;

import dev.cellscope.wire.LinkLayouts;

import java.util.Set;

/**
 * User choices that change how frames are read.
 *
 * @param cellUdpPorts     UDP ports whose payload is decoded as the bytes after EtherType 0x88B5 ("decode as")
 * @param verifyChecksums  compute Tether CRC-64 (status {@code unverified} when off)
 */
public record DissectorConfig(Set<Integer> cellUdpPorts, boolean verifyChecksums) {

    public DissectorConfig {
        cellUdpPorts = Set.copyOf(cellUdpPorts);
    }

    public static DissectorConfig defaults() {
        return new DissectorConfig(Set.of(LinkLayouts.UDP_PORT_CELL), true);
    }

    public DissectorConfig withUdpPorts(Set<Integer> ports) {
        return new DissectorConfig(ports, verifyChecksums);
    }
}
