package dev.cellscope.nativetap.packet;

/**
 * What {@link PacketSocket#receive} put into the caller's buffer: the payload after the
 * EtherType is in {@code buf[0, length)}.
 *
 * @param srcMac    the sender's MAC, 48 bits in the low bits of a long (first octet most significant)
 * @param dstMac    the destination MAC (ours, broadcast or a multicast group)
 * @param length    payload bytes written into the buffer (at most its size)
 * @param truncated the frame's payload was longer than the buffer; the rest is lost
 */
public record ReceivedFrame(long srcMac, long dstMac, int length, boolean truncated) {
    @Override
    public String toString() {
        return "ReceivedFrame[" + MacAddress.format(srcMac) + " -> " + MacAddress.format(dstMac) + ", " + length + " bytes"
                + (truncated ? ", truncated]" : "]");
    }
}
