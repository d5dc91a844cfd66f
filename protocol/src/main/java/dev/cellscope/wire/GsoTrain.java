package dev.cellscope.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A UDP GSO train captured as one datagram. A sender that uses {@code UDP_SEGMENT} (cellscope's own endpoint, QUIC
 * stacks) hands the kernel one buffer of equal-sized datagrams, the last possibly shorter; the kernel or the NIC cuts
 * it on the way out. A capture taken before the cut — on the sending host's {@code lo}, on a veth, on a NIC that
 * segments in hardware — shows the whole buffer as one UDP datagram whose length is the sum: one UTCP packet (or
 * Tether frame) followed by the rest of the train, which read as "padding" looks like massive tap loss.
 *
 * <p>The segment size is not in the capture, so it is derived from what the encapsulation carries, and a train is
 * accepted only when every cut lands exactly: UTCP — the first packet's 40 + payload_len is the size, and every
 * segment is one whole UTCP packet with the first one's source or destination CellID (or both); Tether (no length field) — the size is the first
 * multiple of 64 at which the same magic starts again and the bytes before it pass the Tether CRC-64, and every
 * segment starts with the magic and is whole blocks. Bytes that do not cut this way are not a train. The Tether
 * checksum is given by the caller ({@code Crc64GoIso::tetherChecksum}), as {@link TetherFrame} takes it: this
 * package knows the layouts, not the crypto.
 */
public final class GsoTrain {
    private GsoTrain() {}

    /** The kernel's limit on segments per send ({@code UDP_MAX_SEGMENTS}). */
    public static final int MAX_SEGMENTS = 128;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong BE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int TETHER_MAGIC_LE = 0x4C4F424F, TETHER_MAGIC_BE = 0x4F424F4C; // as a big-endian read sees them
    private static final int TETHER_BLOCK = 64;
    private static final int TETHER_CHECKSUM_AT = 48;
    private static final int MAX_TETHER_CHECKSUMS = 3;

    /** The Tether checksum of the frame at {@code [off, off+len)} (the checksum field taken as zero). */
    @FunctionalInterface
    public interface TetherChecksum {
        long of(MemorySegment seg, long off, long len);
    }

    /**
     * The segment size of the train that the UDP payload {@code [off, off+len)} holds, or -1 when it is one datagram
     * (or bytes that do not cut into whole UTCP packets or Tether frames). A train has at least two segments.
     */
    public static int segmentSize(MemorySegment seg, long off, int len, TetherChecksum checksum) {
        if (len < 4 || off < 0 || off + len > seg.byteSize()) return -1;
        int first = seg.get(U32, off);
        if (first == TETHER_MAGIC_LE || first == TETHER_MAGIC_BE) return tetherSize(seg, off, len, first, checksum);
        return utcpSize(seg, off, len);
    }

    /** How many segments a train of {@code len} bytes in segments of {@code size} has. */
    public static int segments(int len, int size) {
        return (len + size - 1) / size;
    }

    private static int utcpSize(MemorySegment seg, long off, int len) {
        int header = UtcpHeader.SIZE;
        if (len < 2 * header) return -1;
        int size = header + Short.toUnsignedInt(seg.get(U16, off + 38));
        if (size >= len || segments(len, size) > MAX_SEGMENTS) return -1;
        for (int at = size; at < len; at += size) {
            int segLen = Math.min(size, len - at);
            if (segLen < header) return -1;
            // A payload_len that fills this segment exactly, and the first packet's source or destination CellID: one
            // byte damaged in one CellID (a sender's --corrupt, a bit error before the capture) must not turn a train
            // of 45 packets into one with 63 kB of "padding" and 44 seqs of false tap loss (review of the endpoint).
            if (!sameCellId(seg, off, off + at, 0) && !sameCellId(seg, off, off + at, UtcpHeader.CELLID_SIZE)) return -1;
            if (header + Short.toUnsignedInt(seg.get(U16, off + at + 38)) != segLen) return -1;
        }
        return size;
    }

    private static boolean sameCellId(MemorySegment seg, long first, long other, int at) {
        return MemorySegment.mismatch(seg, first + at, first + at + UtcpHeader.CELLID_SIZE, seg, other + at, other + at + UtcpHeader.CELLID_SIZE) == -1;
    }

    private static int tetherSize(MemorySegment seg, long off, int len, int magic, TetherChecksum checksum) {
        if (len % TETHER_BLOCK != 0) {
            // The last segment may be shorter, but each is whole blocks, so the train is too.
            return -1;
        }
        ValueLayout.OfLong checksumOrder = magic == TETHER_MAGIC_LE ? LE64 : BE64;
        long claimed = seg.get(checksumOrder, off + TETHER_CHECKSUM_AT);
        int checksums = 0;
        for (int size = TetherHeader.SIZE; size < len; size += TETHER_BLOCK) {
            if (segments(len, size) > MAX_SEGMENTS || !magicAtEveryCut(seg, off, len, size, magic)) continue;
            // The magic inside a payload can fake a cut; the first frame's checksum cannot. At most a few sizes are
            // hashed, so a payload of magics at every block costs a few CRCs, not one per block.
            if (checksum.of(seg, off, size) == claimed) return size;
            if (++checksums == MAX_TETHER_CHECKSUMS) return -1;
        }
        return -1;
    }

    private static boolean magicAtEveryCut(MemorySegment seg, long off, int len, int size, int magic) {
        for (int at = size; at < len; at += size) {
            if (seg.get(U32, off + at) != magic || Math.min(size, len - at) < TetherHeader.SIZE) return false;
        }
        return true;
    }
}
