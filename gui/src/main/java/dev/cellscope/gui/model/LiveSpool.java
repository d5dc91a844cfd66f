package dev.cellscope.gui.model;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.io.Packet;
import dev.cellscope.io.PcapngWriter;
import dev.cellscope.session.FrameConsumer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The file a live capture is spooled to: each frame written (pcapng) as the session reads it, with
 * where its bytes went, so the index can point into the file as it does for an opened capture.
 * {@link #flush()} (any thread) hands the frames written so far to the file system for the store.
 */
final class LiveSpool implements FrameConsumer {
    /** Enhanced Packet Block: type, length, interface, timestamp (2), captured and original length. */
    private static final int EPB_HEADER = 28;
    private final PcapngWriter writer;
    private volatile long lastOffset = -1;

    LiveSpool(Path file) throws IOException {
        this.writer = new PcapngWriter(file);
    }

    @Override
    public FieldSink sink() {
        return FieldSink.discard();
    }

    @Override
    public synchronized void frame(Packet p, FrameTiming timing) {
        try {
            long at = writer.size() + EPB_HEADER;
            writer.write(p);
            lastOffset = at;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the last frame's bytes start in the file. */
    long lastOffset() {
        return lastOffset;
    }

    /** Writes out what is buffered; the file's size then. */
    synchronized long flush() {
        try {
            writer.flush();
        } catch (IOException e) {
            // the store then finds fewer bytes: the frames past them show no detail
        }
        return writer.size();
    }

    synchronized void close() {
        try {
            writer.close();
        } catch (IOException e) {
            // as flush
        }
    }
}
