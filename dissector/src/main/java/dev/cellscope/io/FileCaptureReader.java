package dev.cellscope.io;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the pcap and pcapng readers share: the file read ahead in chunks, the packet counter,
 * where the recent packets' data lie in the file, and the rule that the first damage ends
 * reading for good with a recorded {@link CaptureError}.
 */
abstract sealed class FileCaptureReader implements CaptureReader permits PcapReader, PcapngReader {

    /** How many of the latest packets {@link #dataOffset} can still place (a face asks soon after reading). */
    private static final int RECENT = 1 << 16;

    final ReadAheadFile file;
    final long size;

    long number;
    boolean done;
    private CaptureError error;
    private final long[] recentNumbers = new long[RECENT];
    private final long[] recentOffsets = new long[RECENT];

    FileCaptureReader(ReadAheadFile file) {
        this.file = file;
        this.size = file.size();
    }

    /** Records the damage and stops; returns null so callers can {@code return fail(...)}. */
    final Packet fail(long offset, String message) {
        error = new CaptureError(offset, message);
        done = true;
        return null;
    }

    /**
     * Makes the block [at, at + length) readable in {@code file.seg} (see {@link ReadAheadFile#cover});
     * on a read failure records the damage and returns false.
     */
    final boolean cover(long at, long length) {
        if (file.cover(at, (int) length)) return true;
        fail(at, file.problem());
        return false;
    }

    /** The packet numbered {@code ++number}, whose data are {@code capLen} bytes at file offset {@code at}. */
    final Packet packet(long at, long capLen, long nanos, int interfaceId, int linkType, int origLen, String comment) {
        long n = ++number;
        int i = (int) (n & (RECENT - 1));
        recentNumbers[i] = n;
        recentOffsets[i] = at;
        return new Packet(n, nanos, interfaceId, linkType, origLen, file.seg.asSlice(at - file.base, capLen), comment);
    }

    /** Where a packet this reader returned lately (one of the last 65,536) starts in the file. */
    @Override
    public final long dataOffset(Packet packet) {
        long n = packet.number();
        int i = (int) (n & (RECENT - 1));
        return n > 0 && recentNumbers[i] == n ? recentOffsets[i] : -1;
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
