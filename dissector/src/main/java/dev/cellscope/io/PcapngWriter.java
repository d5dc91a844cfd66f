package dev.cellscope.io;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Writes a little-endian pcapng file with one section: a Section Header Block ({@link SectionInfo}),
 * Interface Description Blocks with nanosecond timestamps (if_tsresol 9) and how each interface
 * was captured ({@link InterfaceDescription}), Enhanced Packet Blocks (optionally with a comment)
 * and Interface Statistics Blocks ({@link InterfaceStatistics}).
 *
 * <p><b>Whole blocks only.</b> Blocks are assembled in memory and buffered; the buffer is handed
 * to the operating system only at block boundaries (a block larger than the buffer goes in one
 * write of its own). So whatever the process has written when it is killed ends at a block
 * boundary, unless the kill lands inside one write call (Linux may then have copied a prefix of
 * it); {@link #flush()} bounds how much a kill can lose. When a write fails (a full disk) the
 * buffered blocks are dropped and, for a file opened from a {@link Path}, the file is truncated
 * back to the end of the last whole block that reached it, so it stays readable; the writer can
 * then be used again (if space came back) or closed.
 *
 * <p>Not thread-safe: one thread writes.
 */
public final class PcapngWriter implements AutoCloseable {

    static final int ISB = 5;
    private static final int OPT_SHB_HARDWARE = 2;
    private static final int OPT_SHB_OS = 3;
    private static final int OPT_SHB_USERAPPL = 4;
    private static final int OPT_IF_DESCRIPTION = 3;
    private static final int OPT_IF_FILTER = 11;
    private static final int OPT_IF_OS = 12;
    private static final int NANOSECOND_RESOLUTION = 9;
    private static final int BUFFER_BYTES = 1 << 16;

    /** Unbuffered: every write to it is whole blocks. */
    private final OutputStream out;
    /** The file when opened from a path: lets a failed write be cut back and the data be forced to disk. */
    private final FileChannel channel;
    private final BlockBuffer block = new BlockBuffer();
    private final byte[] pending = new byte[BUFFER_BYTES];
    private int pendingLength;
    private long pendingPackets;
    private long committedBytes;
    private long committedPackets;
    private final List<Integer> linkTypes = new ArrayList<>();
    /** Each interface's if_tsoffset in nanoseconds, taken off its packets' timestamps. */
    private final List<Long> offsetNanos = new ArrayList<>();

    public PcapngWriter(Path file) throws IOException {
        this(file, SectionInfo.CELLSCOPE);
    }

    /** Creates (or truncates) {@code file} and writes the section header. */
    public PcapngWriter(Path file, SectionInfo section, OpenOption... options) throws IOException {
        this(FileChannel.open(file, openOptions(options)), section);
    }

    private PcapngWriter(FileChannel channel, SectionInfo section) throws IOException {
        this.channel = channel;
        this.out = Channels.newOutputStream(channel);
        try {
            writeSectionHeader(section);
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Takes ownership of {@code out}: {@link #close()} closes it. */
    public PcapngWriter(OutputStream out) throws IOException {
        this(out, SectionInfo.CELLSCOPE);
    }

    /** Takes ownership of {@code out}: {@link #close()} closes it. */
    public PcapngWriter(OutputStream out, SectionInfo section) throws IOException {
        this.out = out;
        this.channel = null;
        writeSectionHeader(section);
    }

    private static Set<OpenOption> openOptions(OpenOption... extra) {
        Set<OpenOption> options = new HashSet<>(List.of(extra));
        options.add(StandardOpenOption.WRITE);
        if (!options.contains(StandardOpenOption.CREATE_NEW)) {
            options.add(StandardOpenOption.CREATE);
            options.add(StandardOpenOption.TRUNCATE_EXISTING);
        }
        return options;
    }

    private void writeSectionHeader(SectionInfo section) throws IOException {
        begin(PcapngReader.SHB);
        block.u32(PcapngReader.BYTE_ORDER_MAGIC);
        block.u16(1);
        block.u16(0);
        block.u64(-1); // section length unknown: we stream
        stringOption(OptionCursor.COMMENT, section.comment());
        stringOption(OPT_SHB_HARDWARE, section.hardware());
        stringOption(OPT_SHB_OS, section.os());
        stringOption(OPT_SHB_USERAPPL, section.application());
        endOptions();
        finish(false);
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
        return addInterface(new InterfaceDescription(linkType, snapLength, name, null, null, null, offsetSeconds));
    }

    /** Declares an interface with every option the description holds; returns its id. */
    public int addInterface(InterfaceDescription d) throws IOException {
        begin(PcapngReader.IDB);
        block.u16(d.linkType());
        block.u16(0);
        block.u32(d.snapLength());
        stringOption(PcapngReader.IF_NAME, d.name());
        stringOption(OPT_IF_DESCRIPTION, d.description());
        if (d.filter() != null) {
            // if_filter: a type byte (0 = a libpcap filter string), then the filter.
            byte[] text = d.filter().getBytes(StandardCharsets.UTF_8);
            byte[] value = new byte[text.length + 1];
            System.arraycopy(text, 0, value, 1, text.length);
            block.option(OPT_IF_FILTER, value);
        }
        stringOption(OPT_IF_OS, d.os());
        block.u8Option(PcapngReader.IF_TSRESOL, NANOSECOND_RESOLUTION);
        if (d.offsetSeconds() != 0) {
            block.u16(PcapngReader.IF_TSOFFSET);
            block.u16(8);
            block.u64(d.offsetSeconds());
        }
        endOptions();
        finish(false);
        linkTypes.add(d.linkType());
        offsetNanos.add(d.offsetSeconds() * 1_000_000_000L); // wraps exactly as the reader's Timebase does
        return linkTypes.size() - 1;
    }

    /** Interfaces declared so far. */
    public int interfaceCount() {
        return linkTypes.size();
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
            stringOption(OptionCursor.COMMENT, comment);
            endOptions();
        }
        finish(true);
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

    /**
     * Writes an Interface Statistics Block for a declared interface. Its times are written in the
     * interface's units (nanoseconds, less its if_tsoffset) like packet times.
     */
    public void writeStatistics(InterfaceStatistics stats) throws IOException {
        int id = stats.interfaceId();
        if (id < 0 || id >= linkTypes.size()) {
            throw new IllegalArgumentException("interface " + id + " not declared; " + linkTypes.size() + " declared");
        }
        long offset = offsetNanos.get(id);
        begin(ISB);
        block.u32(id);
        timestamp(stats.timestampNanos() - offset);
        stringOption(OptionCursor.COMMENT, stats.comment());
        timeOption(InterfaceStatistics.ISB_STARTTIME, stats.startNanos(), offset);
        timeOption(InterfaceStatistics.ISB_ENDTIME, stats.endNanos(), offset);
        counterOption(InterfaceStatistics.ISB_IFRECV, stats.received());
        counterOption(InterfaceStatistics.ISB_IFDROP, stats.interfaceDrops());
        counterOption(InterfaceStatistics.ISB_FILTERACCEPT, stats.filterAccepted());
        counterOption(InterfaceStatistics.ISB_OSDROP, stats.osDrops());
        counterOption(InterfaceStatistics.ISB_USRDELIV, stats.userDelivered());
        endOptions();
        finish(false);
    }

    /** Hands every buffered block to the operating system (whole blocks only). */
    public void flush() throws IOException {
        drain();
        out.flush();
    }

    /**
     * {@link #flush()}, then, with {@code force} and a file opened from a path, waits until the
     * data is on the storage device (fsync), so it also survives a crash of the machine.
     */
    public void flush(boolean force) throws IOException {
        flush();
        if (force && channel != null) {
            channel.force(false);
        }
    }

    /** Bytes of whole blocks accepted so far, buffered ones included: the file's size once flushed. */
    public long size() {
        return committedBytes + pendingLength;
    }

    /** Bytes handed to the operating system: after a kill, the file holds at least these. */
    public long committedSize() {
        return committedBytes;
    }

    /** Packets accepted so far, buffered ones included (a failed write drops the buffered ones). */
    public long packets() {
        return committedPackets + pendingPackets;
    }

    /** Packets handed to the operating system. */
    public long committedPackets() {
        return committedPackets;
    }

    /** Flushes (without forcing) and closes; the data stays in place even if the flush fails. */
    @Override
    public void close() throws IOException {
        try {
            drain();
        } finally {
            out.close();
        }
    }

    /** The most bytes one option's value holds (its length is a u16). */
    private static final int MAX_OPTION_VALUE = 0xFFFF;

    /**
     * A text option, or several for a comment longer than one option holds. The text can be longer than the
     * capture it came from had in any one option: the reader joins a block's comments into one with "\n" (a
     * packet may carry many), and reads invalid UTF-8 as U+FFFD, 3 bytes where the file had 1. opt_comment may
     * repeat, so a long comment is cut where the reader joined it (the last "\n" that fits, dropped as the
     * reader adds it back: reading the copy gives the same text), else at a character boundary. The other text
     * options may appear once: one too long is cut at a character boundary (it held invalid UTF-8, so the copy
     * could not have its bytes anyway).
     */
    private void stringOption(int code, String value) {
        if (value == null) {
            return;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_OPTION_VALUE) {
            block.option(code, utf8);
            return;
        }
        if (code != OptionCursor.COMMENT) {
            block.option(code, Arrays.copyOf(utf8, characterStart(utf8, MAX_OPTION_VALUE)));
            return;
        }
        int from = 0;
        while (true) {
            if (utf8.length - from <= MAX_OPTION_VALUE) {
                block.option(code, Arrays.copyOfRange(utf8, from, utf8.length));
                return;
            }
            int newline = lastNewline(utf8, from, from + MAX_OPTION_VALUE);
            int end = newline >= 0 ? newline : characterStart(utf8, from + MAX_OPTION_VALUE);
            block.option(code, Arrays.copyOfRange(utf8, from, end));
            from = newline >= 0 ? end + 1 : end;
        }
    }

    /** The last '\n' in utf8[from, to] (to included: a line of exactly the maximum fits), or -1. */
    private static int lastNewline(byte[] utf8, int from, int to) {
        for (int i = to; i >= from; i--) {
            if (utf8[i] == '\n') return i;
        }
        return -1;
    }

    /** {@code at}, moved back to the first byte of the UTF-8 character it falls in. */
    private static int characterStart(byte[] utf8, int at) {
        while ((utf8[at] & 0xC0) == 0x80) at--;
        return at;
    }

    private void timeOption(int code, OptionalLong nanos, long offset) {
        if (nanos.isPresent()) {
            block.u16(code);
            block.u16(8);
            timestamp(nanos.getAsLong() - offset);
        }
    }

    private void counterOption(int code, OptionalLong value) {
        if (value.isPresent()) {
            block.u16(code);
            block.u16(8);
            block.u64(value.getAsLong());
        }
    }

    /** A pcapng timestamp: the high 32 bits first, then the low, each in the section's byte order. */
    private void timestamp(long raw) {
        block.u32((int) (raw >>> 32));
        block.u32((int) raw);
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

    /** Completes the block and buffers it; a block bigger than the buffer goes out alone, whole. */
    private void finish(boolean packet) throws IOException {
        int total = block.length() + 4;
        block.u32(total);
        block.u32At(4, total);
        if (total > pending.length - pendingLength) {
            drain();
        }
        if (total > pending.length) {
            commit(block.array(), total, packet ? 1 : 0);
        } else {
            System.arraycopy(block.array(), 0, pending, pendingLength, total);
            pendingLength += total;
            pendingPackets += packet ? 1 : 0;
        }
    }

    private void drain() throws IOException {
        if (pendingLength > 0) {
            int length = pendingLength;
            long packets = pendingPackets;
            pendingLength = 0;
            pendingPackets = 0;
            commit(pending, length, packets);
        }
    }

    /**
     * One write of whole blocks. If it fails, the file may hold a prefix of them (a short write
     * before ENOSPC): cut it back to the last whole block so the file stays readable.
     */
    private void commit(byte[] bytes, int length, long packets) throws IOException {
        try {
            out.write(bytes, 0, length);
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.truncate(committedBytes);
                    channel.position(committedBytes);
                } catch (IOException | RuntimeException cut) {
                    e.addSuppressed(cut);
                }
            }
            throw e;
        }
        committedBytes += length;
        committedPackets += packets;
    }
}
