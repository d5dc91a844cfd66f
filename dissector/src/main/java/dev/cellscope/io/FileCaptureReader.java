package dev.cellscope.io;

import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the pcap and pcapng readers share: the mapping, the packet counter, and the rule
 * that the first damage ends reading for good with a recorded {@link CaptureError}.
 */
abstract sealed class MappedReader implements CaptureReader permits PcapReader, PcapngReader {

    final MappedFile file;
    /** The whole file; every packet's data is a slice of it. */
    final MemorySegment bytes;
    final long size;

    long number;
    boolean done;
    private CaptureError error;

    MappedReader(MappedFile file) {
        this.file = file;
        this.bytes = file.bytes();
        this.size = file.size();
    }

    /** Records the damage and stops; returns null so callers can {@code return fail(...)}. */
    final Packet fail(long offset, String message) {
        error = new CaptureError(offset, message);
        done = true;
        return null;
    }

    /** Every packet's data is a slice of the one mapping, so its offset is its distance from the mapping's start. */
    @Override
    public final long dataOffset(Packet packet) {
        long at = packet.data().address() - bytes.address();
        return at >= 0 && at + packet.data().byteSize() <= size ? at : -1;
    }

    @Override
    public final String name() {
        return file.path().getFileName().toString();
    }

    @Override
    public final OptionalLong totalBytes() {
        return OptionalLong.of(size);
    }

    @Override
    public final Optional<CaptureError> error() {
        return Optional.ofNullable(error);
    }

    @Override
    public final void close() {
        done = true;
        file.close();
    }
}
