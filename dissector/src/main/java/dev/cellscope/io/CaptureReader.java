package dev.cellscope.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads packets from a capture file. {@link #next()} returns packets in file order and null
 * at the end; when the file is damaged it returns null early and {@link #error()} says
 * where and why. It never throws for bad content.
 */
public interface CaptureReader extends PacketSource {

    enum Format { PCAP, PCAPNG }

    /** Opens a pcap or pcapng file (detected by magic), memory-mapped. */
    static CaptureReader open(Path file) throws IOException {
        return CaptureFiles.open(file);
    }

    Format format();
}
