package dev.cellscope.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads packets from a capture file. {@link #next()} returns packets in file order and null
 * at the end; when the file is damaged it returns null early and {@link #error()} says
 * where and why. It never throws for bad content.
 */
public interface CaptureReader extends AutoCloseable {

    enum Format { PCAP, PCAPNG }

    /** Opens a pcap or pcapng file (detected by magic), memory-mapped. */
    static CaptureReader open(Path file) throws IOException {
        return CaptureFiles.open(file);
    }

    Format format();

    /** The next packet, or null at the end of the file or at the first damage. */
    Packet next();

    /** Interfaces seen so far (pcapng declares them as it goes). */
    List<InterfaceInfo> interfaces();

    /** Present once {@link #next()} stopped because of damage. */
    Optional<CaptureError> error();

    @Override
    void close();
}
