package dev.cellscope.analysis;

import dev.cellscope.io.PcapngWriter;
import dev.cellscope.wire.NackRange;
import dev.cellscope.wire.UtcpNack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a crafted capture with the project's pcapng writer and wire codecs: UTCP frames between
 * two CellIDs of a conversation, 20 µs apart. For the hostile-input tests.
 */
final class HostileCapture implements AutoCloseable {
    private final PcapngWriter out;
    private long time = LossyTransfer.START_NANOS;
    private long frames;

    HostileCapture(Path file) {
        try {
            out = new PcapngWriter(file);
            out.addInterface(dev.cellscope.io.Packet.LINKTYPE_ETHERNET, 65_535, "hostile");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A UTCP frame from {@code src} to {@code dst} (CellIDs of {@link LossyTransfer#cell}). */
    HostileCapture utcp(byte[] src, byte[] dst, long seq, long flags, byte[] payload) {
        byte[] f = LossyTransfer.utcp(src, dst, seq, flags, payload);
        try {
            out.write(0, time, f.length, MemorySegment.ofArray(f), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        time += 20_000;
        frames++;
        return this;
    }

    /** A NACK from {@code src} asking {@code dst} for {@code ranges}. */
    HostileCapture nack(byte[] src, byte[] dst, long seq, List<NackRange> ranges) {
        return utcp(src, dst, seq, dev.cellscope.protocol.utcp.UtcpFlags.NACK, new UtcpNack(ranges).encode());
    }

    /** Moves the capture clock on. */
    HostileCapture idle(long nanos) {
        time += nanos;
        return this;
    }

    long frames() {
        return frames;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
