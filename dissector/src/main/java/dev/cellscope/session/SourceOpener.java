package dev.cellscope.session;

import dev.cellscope.io.PacketSource;

/**
 * Opens a packet source. A session opens its source through this, once per pass: a file can
 * be opened again for a second pass, a live interface cannot ({@link #reopenable()}).
 */
public interface SourceOpener {

    /** Opens the source; the message of a failure is one a user can act on. */
    PacketSource open() throws SourceException;

    /** Whether {@link #open()} may be called again to read the same packets (two passes need it). */
    default boolean reopenable() {
        return false;
    }

    /** What the source is called in messages (a file path, an interface name). */
    String name();
}
