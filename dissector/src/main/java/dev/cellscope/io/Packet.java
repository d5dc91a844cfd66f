package dev.cellscope.io;

import java.lang.foreign.MemorySegment;

/**
 * One captured frame as a capture source delivers it.
 *
 * @param number         1-based position in the capture
 * @param timestampNanos capture time, nanoseconds since the Unix epoch
 * @param interfaceId    capture interface (pcapng IDB index; 0 for pcap)
 * @param linkType       pcap LINKTYPE_* of the interface (1 = Ethernet)
 * @param originalLength length on the wire (may exceed the captured bytes): the file's u32 as read,
 *                       so a length of 2^31 or more is negative here; {@link #wireLength()} is its value
 * @param data           the captured bytes; for files and live sources a slice of a larger chunk
 *                       of heap that the packet keeps alive; no source writes to it again
 * @param comment        packet comment, or null
 */
public record Packet(long number, long timestampNanos, int interfaceId, int linkType, int originalLength,
                     MemorySegment data, String comment) {

    public static final int LINKTYPE_ETHERNET = 1;
    /** Linux cooked capture v1 (libpcap's "any" device): a 16-byte header, then the protocol's bytes. */
    public static final int LINKTYPE_LINUX_SLL = 113;
    /** Linux cooked capture v2 (libpcap 1.10's "any" device): a 20-byte header with the interface index. */
    public static final int LINKTYPE_LINUX_SLL2 = 276;

    /** The original length as the unsigned 32-bit number the capture file holds. */
    public long wireLength() {
        return Integer.toUnsignedLong(originalLength);
    }

    public int capturedLength() {
        return (int) data.byteSize();
    }

    /** Convenience for tests and builders: a packet over a heap array. */
    public static Packet of(long number, long timestampNanos, byte[] bytes) {
        return new Packet(number, timestampNanos, 0, LINKTYPE_ETHERNET, bytes.length, MemorySegment.ofArray(bytes), null);
    }
}
