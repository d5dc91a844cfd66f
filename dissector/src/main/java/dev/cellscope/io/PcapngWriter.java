package dev.cellscope.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a little-endian pcapng file with one section: a Section Header Block naming
 * cellscope, Interface Description Blocks with nanosecond timestamps (if_tsresol 9), and
 * Enhanced Packet Blocks, each optionally with a comment.
 */
public final class PcapngWriter implements AutoCloseable {

    private static final int OPT_SHB_USERAPPL = 4;
    private static final int NANOSECOND_RESOLUTION = 9;
    private static final byte[] USER_APPLICATION = "cellscope".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final BlockBuffer block = new BlockBuffer();
    private final List<Integer> linkTypes = new ArrayList<>();
    /** Each interface's if_tsoffset in nanoseconds, taken off its packets' timestamps. */
    private final List<Long> offsetNanos = new ArrayList<>();

    public PcapngWriter(Path file) throws IOException {
        this(Files.newOutputStream(file));
    }

    /** Takes ownership of {@code out}: {@link #close()} closes it. */
    public PcapngWriter(OutputStream out) throws IOException {
        this.out = new BufferedOutputStream(out, 1 << 16);
        writeSectionHeader();
    }

    private void writeSectionHeader() throws IOException {
        begin(PcapngReader.SHB);
        block.u32(PcapngReader.BYTE_ORDER_MAGIC);
        block.u16(1);
        block.u16(0);
        block.u64(-1); // section length unknown: we stream
        block.option(OPT_SHB_USERAPPL, USER_APPLICATION);
        endOptions();
        finish();
    }

    /**
     * Declares an interface.
     *
     * @param snapLength maximum bytes captured per packet, 0 for no limit
     * @param name       if_name, or null
     * @return the interface id to pass to {@link #write(int, long, int, MemorySegment, String)}
     */
    public int addInterface(int linkType, int snapLength, String name) throws IOException {
        return addInterface(linkType, snapLength, name, 0);
    }

    /**
     * Declares an interface with an if_tsoffset (seconds, may be negative; 0 writes none): a copy
     * keeps its source's offset, so that every timestamp it read can be written back exactly.
     */
    public int addInterface(int linkType, int snapLength, String name, long offsetSeconds) throws IOException {
        if (linkType < 0 || linkType > 0xFFFF) {
            throw new IllegalArgumentException("pcapng link types are 16 bits: " + linkType);
        }
        begin(PcapngReader.IDB);
        block.u16(linkType);
        block.u16(0);
        block.u32(snapLength);
        if (name != null) {
            block.option(PcapngReader.IF_NAME, name.getBytes(StandardCharsets.UTF_8));
        }
        block.u8Option(PcapngReader.IF_TSRESOL, NANOSECOND_RESOLUTION);
        if (offsetSeconds != 0) {
            block.u16(PcapngReader.IF_TSOFFSET);
            block.u16(8);
            block.u64(offsetSeconds);
        }
        endOptions();
        finish();
        linkTypes.add(linkType);
        offsetNanos.add(offsetSeconds * 1_000_000_000L); // wraps exactly as the reader's Timebase does
        return linkTypes.size() - 1;
    }

    /**
     * Writes one packet. With no interface declared yet, interface 0 is declared as Ethernet.
     *
     * @param timestampNanos nanoseconds since the epoch; before it (negative) too: the raw 64-bit
     *                       timestamp is this less the interface's if_tsoffset, modulo 2^64, so
     *                       reading it back gives exactly this value
     * @param originalLength the u32 original length (2^31 and more are negative ints)
     * @param comment        opt_comment, or null for none ("" writes an empty comment)
     */
    public void write(int interfaceId, long timestampNanos, int originalLength, MemorySegment data, String comment)
            throws IOException {
        if (linkTypes.isEmpty() && interfaceId == 0) {
            addInterface(Packet.LINKTYPE_ETHERNET, 0, null);
        }
        if (interfaceId < 0 || interfaceId >= linkTypes.size()) {
            throw new IllegalArgumentException("interface " + interfaceId + " not declared; "
                    + linkTypes.size() + " declared");
        }
        checkPacket(data);
        int capLen = (int) data.byteSize();
        long raw = timestampNanos - offsetNanos.get(interfaceId);
        begin(PcapngReader.EPB);
        block.u32(interfaceId);
        block.u32((int) (raw >>> 32));
        block.u32((int) raw);
        block.u32(capLen);
        block.u32(originalLength);
        block.bytes(data);
        block.pad32();
        if (comment != null) {
            block.option(OptionCursor.COMMENT, comment.getBytes(StandardCharsets.UTF_8));
            endOptions();
        }
        finish();
    }

    /**
     * Writes a packet read elsewhere under its own interface id. Interfaces missing up to
     * that id are declared with the packet's link type; a declared interface with another
     * link type is an error rather than a silent relabelling.
     */
    public void write(Packet packet) throws IOException {
        while (linkTypes.size() <= packet.interfaceId()) {
            addInterface(packet.linkType(), 0, null);
        }
        int declared = linkTypes.get(packet.interfaceId());
        if (declared != packet.linkType()) {
            throw new IllegalArgumentException("packet " + packet.number() + " has link type " + packet.linkType()
                    + " but interface " + packet.interfaceId() + " was declared with " + declared);
        }
        write(packet.interfaceId(), packet.timestampNanos(), packet.originalLength(), packet.data(), packet.comment());
    }

    /**
     * The limit a reader would enforce, checked up front so we never write what we cannot read.
     * Any timestamp and any (u32) original length can be written: what was read can be copied.
     */
    static void checkPacket(MemorySegment data) {
        if (data.byteSize() > CaptureFiles.MAX_PACKET_LENGTH) {
            throw new IllegalArgumentException(data.byteSize() + "-byte packet is bigger than the maximum of "
                    + CaptureFiles.MAX_PACKET_LENGTH);
        }
    }

    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private void begin(int type) {
        block.clear();
        block.u32(type);
        block.u32(0); // total length, patched in finish()
    }

    private void endOptions() {
        block.u16(OptionCursor.END_OF_OPT);
        block.u16(0);
    }

    private void finish() throws IOException {
        int total = block.length() + 4;
        block.u32(total);
        block.u32At(4, total);
        block.writeTo(out);
    }
}
