package dev.cellscope.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a classic pcap file, little-endian with nanosecond timestamps (magic a1b23c4d),
 * for tools that do not read pcapng. One link type per file; no comments.
 */
public final class PcapWriter implements AutoCloseable {

    private static final int NANOSECOND_MAGIC = 0xA1B23C4D;
    /** pcap stores seconds as an unsigned 32-bit number: good until 2106. */
    private static final long MAX_SECONDS = 0xFFFF_FFFFL;

    private final OutputStream out;
    private final BlockBuffer record = new BlockBuffer();
    private final int linkType;

    public PcapWriter(Path file, int linkType, int snapLength) throws IOException {
        this(Files.newOutputStream(file), linkType, snapLength);
    }

    /** Takes ownership of {@code out}: {@link #close()} closes it. */
    public PcapWriter(OutputStream out, int linkType, int snapLength) throws IOException {
        this.out = new BufferedOutputStream(out, 1 << 16);
        this.linkType = linkType;
        record.u32(NANOSECOND_MAGIC);
        record.u16(2);
        record.u16(4);
        record.u32(0); // thiszone: timestamps are UTC
        record.u32(0); // sigfigs
        record.u32(snapLength);
        record.u32(linkType);
        record.writeTo(this.out);
    }

    public void write(long timestampNanos, int originalLength, MemorySegment data) throws IOException {
        PcapngWriter.checkPacket(data);
        if (timestampNanos < 0) {
            throw new IllegalArgumentException("pcap cannot store times before the epoch: " + timestampNanos);
        }
        long seconds = timestampNanos / 1_000_000_000L;
        if (seconds > MAX_SECONDS) {
            throw new IllegalArgumentException("pcap cannot store times after 2106: " + timestampNanos);
        }
        record.clear();
        record.u32((int) seconds);
        record.u32((int) (timestampNanos % 1_000_000_000L));
        record.u32((int) data.byteSize());
        record.u32(originalLength);
        record.bytes(data);
        record.writeTo(out);
    }

    /** Writes a packet's time, length and bytes; its comment cannot be kept in pcap. */
    public void write(Packet packet) throws IOException {
        if (packet.linkType() != linkType) {
            throw new IllegalArgumentException("packet " + packet.number() + " has link type " + packet.linkType()
                    + " but this pcap file is " + linkType);
        }
        write(packet.timestampNanos(), packet.originalLength(), packet.data());
    }

    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
