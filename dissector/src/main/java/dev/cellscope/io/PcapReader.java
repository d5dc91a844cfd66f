package dev.cellscope.io;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Classic libpcap files: 24-byte file header, then 16-byte record headers each followed
 * by the captured bytes. Both byte orders, microsecond and nanosecond timestamps.
 */
final class PcapReader extends FileCaptureReader {

    /** The four magic numbers, as read big-endian from the first four bytes. */
    enum Variant {
        MICROS_BIG(0xA1B2C3D4, Endian.BIG, 1_000),
        MICROS_LITTLE(0xD4C3B2A1, Endian.LITTLE, 1_000),
        NANOS_BIG(0xA1B23C4D, Endian.BIG, 1),
        NANOS_LITTLE(0x4D3CB2A1, Endian.LITTLE, 1);

        final int magic;
        final Endian endian;
        final int nanosPerUnit;

        Variant(int magic, Endian endian, int nanosPerUnit) {
            this.magic = magic;
            this.endian = endian;
            this.nanosPerUnit = nanosPerUnit;
        }

        static Variant byMagic(int magic) {
            for (Variant v : values()) {
                if (v.magic == magic) {
                    return v;
                }
            }
            return null;
        }
    }

    static final int FILE_HEADER = 24;
    static final int RECORD_HEADER = 16;

    /**
     * libpcap's LT_LINKTYPE: the link-layer header type is the low 16 bits; the upper bits
     * may carry an FCS length and reserved flags (LT_FCS_LENGTH_PRESENT, LT_FCS_LENGTH).
     */
    private static final int LINKTYPE_MASK = 0xFFFF;

    private final Endian endian;
    private final long nanosPerUnit;
    private final int linkType;
    private final List<InterfaceInfo> interfaces;

    private long pos = FILE_HEADER;

    PcapReader(ReadAheadFile file, Variant variant) throws CaptureFormatException {
        super(file);
        this.endian = variant.endian;
        this.nanosPerUnit = variant.nanosPerUnit;
        if (size < FILE_HEADER) {
            throw new CaptureFormatException(file.path() + ": pcap file header cut short: " + size
                    + " bytes, the header needs " + FILE_HEADER);
        }
        if (!file.cover(0, FILE_HEADER)) throw new CaptureFormatException(file.problem());
        MemorySegment bytes = file.seg;
        int major = Short.toUnsignedInt(endian.u16(bytes, 4));
        int minor = Short.toUnsignedInt(endian.u16(bytes, 6));
        if (major != 2) {
            throw new CaptureFormatException(file.path() + ": unsupported pcap version " + major + "." + minor
                    + " (only 2.x exists)");
        }
        int snapLength = endian.u32(bytes, 16);
        this.linkType = endian.u32(bytes, 20) & LINKTYPE_MASK;
        this.interfaces = List.of(new InterfaceInfo(0, linkType, snapLength, null, 1_000_000_000L / nanosPerUnit));
    }

    @Override
    public long bytesRead() {
        return pos;
    }

    @Override
    public Format format() {
        return Format.PCAP;
    }

    @Override
    public Packet next() {
        if (done) {
            return null;
        }
        long at = pos;
        long remaining = size - at;
        if (remaining == 0) {
            done = true;
            return null;
        }
        if (remaining < RECORD_HEADER) {
            return fail(at, "packet record header at offset " + at + " cut short: " + remaining + " of "
                    + RECORD_HEADER + " bytes present");
        }
        if (!cover(at, RECORD_HEADER)) {
            return null;
        }
        MemorySegment b = file.seg;
        long o = at - file.base;
        long seconds = Integer.toUnsignedLong(endian.u32(b, o));
        long fraction = Integer.toUnsignedLong(endian.u32(b, o + 4));
        long capLen = Integer.toUnsignedLong(endian.u32(b, o + 8));
        int origLen = endian.u32(b, o + 12);
        if (capLen > CaptureFiles.MAX_PACKET_LENGTH) {
            return fail(at, "File has " + capLen + "-byte packet, bigger than maximum of "
                    + CaptureFiles.MAX_PACKET_LENGTH + " (packet record at offset " + at + ")");
        }
        if (capLen > remaining - RECORD_HEADER) {
            return fail(at, "packet record at offset " + at + " claims " + capLen + " captured bytes but only "
                    + (remaining - RECORD_HEADER) + " remain");
        }
        if (!cover(at, RECORD_HEADER + capLen)) {
            return null;
        }
        pos = at + RECORD_HEADER + capLen;
        long nanos = seconds * 1_000_000_000L + fraction * nanosPerUnit;
        return packet(at + RECORD_HEADER, capLen, nanos, 0, linkType, origLen, null);
    }

    @Override
    public List<InterfaceInfo> interfaces() {
        return interfaces;
    }
}
