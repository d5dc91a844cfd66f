package dev.cellscope.io;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where packets come from: a capture file, or a live interface (module live-capture). The
 * capture session reads every source through this interface, so a face (CLI, probe, GUI)
 * never needs to know which one it has.
 *
 * <p>A source may be unbounded: a live source has no total and {@link #next()} blocks until a
 * packet arrives or {@link #cancel()} is called from another thread.
 */
public interface PacketSource extends AutoCloseable {

    /** What to call the source in messages: a file name, an interface name. */
    String name();

    /** The next packet, or null at the end, at the first damage, or once closed. Never throws for bad content. */
    Packet next();

    /** Interfaces seen so far (pcapng and live sources declare them as they go). */
    List<InterfaceInfo> interfaces();

    /** Present once {@link #next()} stopped because of damage: where and why. */
    Optional<CaptureError> error();

    /** Bytes of the source consumed so far (file position, or bytes captured), for progress. */
    long bytesRead();

    /** The source's size when it has one (a file); empty for a live source. */
    OptionalLong totalBytes();

    /**
     * Called from another thread to end a {@link #next()} that waits for packets; next() then
     * returns null. A file never waits, so for it this does nothing.
     */
    default void cancel() {}

    @Override
    void close();
}
