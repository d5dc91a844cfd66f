package dev.cellscope.io;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;

/**
 * pcapng files: a sequence of sections, each a Section Header Block (which fixes the byte
 * order) followed by Interface Description Blocks and packet blocks. Interface ids are
 * numbered across the whole file in declaration order, as tshark numbers them; a packet
 * block's section-local id is mapped onto that numbering.
 */
final class PcapngReader extends FileCaptureReader {

    static final int SHB = 0x0A0D0D0A;
    static final int IDB = 1;
    static final int PB = 2;
    static final int SPB = 3;
    static final int EPB = 6;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;

    static final int IF_NAME = 2;
    static final int IF_TSRESOL = 9;
    static final int IF_TSOFFSET = 14;

    private static final int MIN_BLOCK = 12;
    private static final int MIN_SHB = 28;
    private static final int MIN_IDB = 20;
    /** EPB and the obsolete PB share this layout size: header, 20 fixed bytes, trailer. */
    private static final int MIN_PACKET_BLOCK = 32;
    private static final int MIN_SPB = 16;

    /** An interface as the hot path needs it. */
    private record Iface(int id, int linkType, int snapLength, Timebase timebase) {}

    private final OptionCursor options = new OptionCursor();
    private final List<Iface> ifaces = new ArrayList<>();
    private final List<InterfaceInfo> infos = new ArrayList<>();
    private final List<InterfaceInfo> infosView = Collections.unmodifiableList(infos);
    private final List<InterfaceStatistics> statistics = new ArrayList<>();
    private final List<InterfaceStatistics> statisticsView = Collections.unmodifiableList(statistics);

    private Endian endian = Endian.LITTLE;
    /** The block being read: file offset {@code at} is {@code o} in {@code b} (set by {@link #framed}). */
    private MemorySegment b;
    private long o;
    private int sectionBase;
    private int sectionInterfaces;
    private long pos;

    PcapngReader(ReadAheadFile file) throws CaptureFormatException {
        super(file);
        if (!enterSection(0)) {
            throw new CaptureFormatException(file.path() + ": not a readable pcapng file: " + error().orElseThrow());
        }
    }

    @Override
    public long bytesRead() {
        return pos;
    }

    @Override
    public Format format() {
        return Format.PCAPNG;
    }

    @Override
    public Packet next() {
        while (!done) {
            long at = pos;
            long remaining = size - at;
            if (remaining == 0) {
                done = true;
                return null;
            }
            if (remaining < MIN_BLOCK) {
                return fail(at, "block header at offset " + at + " cut short: only " + remaining + " bytes remain");
            }
            if (!cover(at, MIN_BLOCK)) {
                return null;
            }
            int type = endian.u32(file.seg, at - file.base);
            if (type == SHB) {
                enterSection(at);
                continue;
            }
            long length = Integer.toUnsignedLong(endian.u32(file.seg, at - file.base + 4));
            if (!framed(at, length, remaining)) {
                return null;
            }
            pos = at + length;
            if (length > ReadAheadFile.MAX_COVER) {
                // Not held whole (heap): skipped when nothing in it is needed, else damage.
                if (type == EPB || type == PB || type == SPB || type == IDB) {
                    return fail(at, "block at offset " + at + " is " + length + " bytes, more than the "
                            + ReadAheadFile.MAX_COVER + " cellscope reads of one block");
                }
                continue;
            }
            Packet packet = switch (type) {
                case EPB -> packetBlock(at, length, true);
                case PB -> packetBlock(at, length, false);
                case SPB -> simplePacket(at, length);
                case IDB -> {
                    interfaceBlock(at, length);
                    yield null;
                }
                case PcapngWriter.ISB -> {
                    statisticsBlock(at, length);
                    yield null;
                }
                // NRB, DSB, custom and local blocks carry nothing a packet reader needs.
                default -> null;
            };
            if (packet != null) {
                return packet;
            }
        }
        return null;
    }

    /** Checks the framing every block shares; on success the caller may read [at, at+length). */
    private boolean framed(long at, long length, long remaining) {
        if (length < MIN_BLOCK || length % 4 != 0) {
            fail(at, "block at offset " + at + " has invalid length " + length
                    + " (must be a multiple of 4 and at least " + MIN_BLOCK + ")");
            return false;
        }
        if (length > remaining) {
            fail(at, "block at offset " + at + " claims " + length + " bytes but only " + remaining + " remain");
            return false;
        }
        long trailing;
        if (length <= ReadAheadFile.MAX_COVER) {
            if (!cover(at, length)) {
                return false;
            }
            b = file.seg;
            o = at - file.base;
            trailing = Integer.toUnsignedLong(endian.u32(b, o + length - 4));
        } else if ((trailing = file.u32At(at + length - 4, endian)) < 0) {
            fail(at, file.problem());
            return false;
        }
        if (trailing != length) {
            fail(at, "block at offset " + at + " has leading length " + length + " but trailing length " + trailing);
            return false;
        }
        return true;
    }

    /** Reads a Section Header Block: its byte-order magic decides how everything after it is read. */
    private boolean enterSection(long at) {
        long remaining = size - at;
        if (remaining < MIN_BLOCK) {
            fail(at, "section header block at offset " + at + " cut short: only " + remaining + " bytes remain");
            return false;
        }
        if (!cover(at, MIN_BLOCK)) {
            return false;
        }
        int magic = Endian.LITTLE.u32(file.seg, at - file.base + 8);
        if (magic == BYTE_ORDER_MAGIC) {
            endian = Endian.LITTLE;
        } else if (magic == Integer.reverseBytes(BYTE_ORDER_MAGIC)) {
            endian = Endian.BIG;
        } else {
            fail(at, "section header block at offset " + at + " has bad byte-order magic 0x"
                    + Integer.toHexString(Integer.reverseBytes(magic)));
            return false;
        }
        long length = Integer.toUnsignedLong(endian.u32(file.seg, at - file.base + 4));
        if (!framed(at, length, remaining)) {
            return false;
        }
        if (length < MIN_SHB) {
            fail(at, "section header block at offset " + at + " is " + length + " bytes, less than " + MIN_SHB);
            return false;
        }
        if (!cover(at, MIN_SHB)) {
            return false;
        }
        int major = Short.toUnsignedInt(endian.u16(file.seg, at - file.base + 12));
        if (major != 1) {
            int minor = Short.toUnsignedInt(endian.u16(file.seg, at - file.base + 14));
            fail(at, "section header block at offset " + at + " has unsupported version " + major + "." + minor);
            return false;
        }
        sectionBase = ifaces.size();
        sectionInterfaces = 0;
        pos = at + length;
        return true;
    }

    private void interfaceBlock(long at, long length) {
        if (length < MIN_IDB) {
            fail(at, "interface description block at offset " + at + " is " + length + " bytes, less than " + MIN_IDB);
            return;
        }
        int linkType = Short.toUnsignedInt(endian.u16(b, o + 8));
        int snapLength = endian.u32(b, o + 12);
        String name = null;
        int tsresol = 6;
        long tsoffset = 0;
        options.reset(b, at - o, endian, o + 16, o + length - 4);
        while (options.next()) {
            switch (options.code) {
                case IF_NAME -> name = options.stringValue();
                case IF_TSRESOL -> {
                    if (options.valueLength != 1) {
                        fail(at, "if_tsresol option in block at offset " + at + " has length " + options.valueLength);
                        return;
                    }
                    tsresol = options.u8Value();
                }
                case IF_TSOFFSET -> {
                    if (options.valueLength != 8) {
                        fail(at, "if_tsoffset option in block at offset " + at + " has length " + options.valueLength);
                        return;
                    }
                    tsoffset = options.u64Value();
                }
                default -> { }
            }
        }
        if (options.problem != null) {
            fail(at, "interface description block at offset " + at + ": " + options.problem);
            return;
        }
        Timebase timebase = Timebase.of(tsresol, tsoffset);
        int id = ifaces.size();
        ifaces.add(new Iface(id, linkType, snapLength, timebase));
        infos.add(new InterfaceInfo(id, linkType, snapLength, name, timebase.unitsPerSecond(), tsoffset));
        sectionInterfaces++;
    }

    /** EPB (enhanced) or the obsolete PB: same layout except the PB's 16-bit interface id. */
    private Packet packetBlock(long at, long length, boolean enhanced) {
        String kind = enhanced ? "enhanced packet block" : "packet block";
        if (length < MIN_PACKET_BLOCK) {
            return fail(at, kind + " at offset " + at + " is " + length + " bytes, less than " + MIN_PACKET_BLOCK);
        }
        long localId = enhanced
                ? Integer.toUnsignedLong(endian.u32(b, o + 8))
                : Short.toUnsignedInt(endian.u16(b, o + 8));
        Iface iface = iface(at, kind, localId);
        if (iface == null) {
            return null;
        }
        long raw = (Integer.toUnsignedLong(endian.u32(b, o + 12)) << 32)
                | Integer.toUnsignedLong(endian.u32(b, o + 16));
        long capLen = Integer.toUnsignedLong(endian.u32(b, o + 20));
        int origLen = endian.u32(b, o + 24);
        if (capLen > CaptureFiles.MAX_PACKET_LENGTH) {
            return fail(at, "File has " + capLen + "-byte packet, bigger than maximum of "
                    + CaptureFiles.MAX_PACKET_LENGTH + " (" + kind + " at offset " + at + ")");
        }
        long dataEnd = o + 28 + ((capLen + 3) & ~3L);
        long optionsEnd = o + length - 4;
        if (dataEnd > optionsEnd) {
            return fail(at, kind + " at offset " + at + " claims " + capLen + " captured bytes but the block holds only "
                    + (length - MIN_PACKET_BLOCK));
        }
        String comment = null;
        options.reset(b, at - o, endian, dataEnd, optionsEnd);
        while (options.next()) {
            if (options.code == OptionCursor.COMMENT) {
                comment = comment == null ? options.stringValue() : comment + "\n" + options.stringValue();
            }
        }
        if (options.problem != null) {
            return fail(at, kind + " at offset " + at + ": " + options.problem);
        }
        return packet(at + 28, capLen, iface.timebase().toNanos(raw), iface.id(), iface.linkType(), origLen, comment);
    }

    /** SPB: interface 0 of the section, no timestamp, captured length implied by the block. */
    private Packet simplePacket(long at, long length) {
        if (length < MIN_SPB) {
            return fail(at, "simple packet block at offset " + at + " is " + length + " bytes, less than " + MIN_SPB);
        }
        Iface iface = iface(at, "simple packet block", 0);
        if (iface == null) {
            return null;
        }
        int origLen = endian.u32(b, o + 8);
        long capLen = Math.min(length - MIN_SPB, Integer.toUnsignedLong(origLen));
        if (iface.snapLength() != 0) {
            capLen = Math.min(capLen, Integer.toUnsignedLong(iface.snapLength()));
        }
        if (capLen > CaptureFiles.MAX_PACKET_LENGTH) {
            return fail(at, "File has " + capLen + "-byte packet, bigger than maximum of "
                    + CaptureFiles.MAX_PACKET_LENGTH + " (simple packet block at offset " + at + ")");
        }
        return packet(at + 12, capLen, 0, iface.id(), iface.linkType(), origLen, null);
    }

    /** Smallest ISB: header, interface id, timestamp, trailer. */
    private static final int MIN_ISB = 24;

    /**
     * Records an Interface Statistics Block. Statistics are not packets: an ISB that cannot be
     * understood (too short, unknown interface, bad option list) is skipped as before, not damage.
     * Options of the wrong size are ignored one by one.
     */
    private void statisticsBlock(long at, long length) {
        if (length < MIN_ISB) {
            return;
        }
        long localId = Integer.toUnsignedLong(endian.u32(b, o + 8));
        if (localId >= sectionInterfaces) {
            return;
        }
        Iface iface = ifaces.get(sectionBase + (int) localId);
        Timebase timebase = iface.timebase();
        long time = timebase.toNanos(rawTime(o + 12));
        String comment = null;
        OptionalLong[] values = new OptionalLong[InterfaceStatistics.ISB_USRDELIV + 1];
        java.util.Arrays.fill(values, OptionalLong.empty());
        options.reset(b, at - o, endian, o + 20, o + length - 4);
        while (options.next()) {
            int code = options.code;
            if (code == OptionCursor.COMMENT) {
                comment = comment == null ? options.stringValue() : comment + "\n" + options.stringValue();
            } else if (code >= InterfaceStatistics.ISB_STARTTIME && code <= InterfaceStatistics.ISB_USRDELIV
                    && options.valueLength == 8) {
                boolean isTime = code <= InterfaceStatistics.ISB_ENDTIME;
                values[code] = OptionalLong.of(isTime ? timebase.toNanos(rawTime(options.valueOffset))
                        : options.u64Value());
            }
        }
        if (options.problem != null) {
            return;
        }
        statistics.add(new InterfaceStatistics(iface.id(), time, values[InterfaceStatistics.ISB_STARTTIME],
                values[InterfaceStatistics.ISB_ENDTIME], values[InterfaceStatistics.ISB_IFRECV],
                values[InterfaceStatistics.ISB_IFDROP], values[InterfaceStatistics.ISB_FILTERACCEPT],
                values[InterfaceStatistics.ISB_OSDROP], values[InterfaceStatistics.ISB_USRDELIV], comment));
    }

    /** A pcapng timestamp in the block being read: two u32, the high half first. */
    private long rawTime(long offset) {
        return (Integer.toUnsignedLong(endian.u32(b, offset)) << 32)
                | Integer.toUnsignedLong(endian.u32(b, offset + 4));
    }

    @Override
    public List<InterfaceStatistics> statistics() {
        return statisticsView;
    }

    private Iface iface(long at, String kind, long localId) {
        if (localId >= sectionInterfaces) {
            fail(at, kind + " at offset " + at + " refers to interface " + localId + " but its section declares "
                    + sectionInterfaces);
            return null;
        }
        return ifaces.get(sectionBase + (int) localId);
    }

    @Override
    public List<InterfaceInfo> interfaces() {
        return infosView;
    }
}
