package dev.cellscope.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads packets from a capture file. {@link #next()} returns packets in file order and null
 * at the end; when the file is damaged it returns null early and {@link #error()} says
 * where and why. It never throws for bad content.
 */
public interface CaptureReader extends PacketSource {

    enum Format { PCAP, PCAPNG }

    /** Opens a pcap or pcapng file (detected by magic), read ahead in chunks (see the package's notes). */
    static CaptureReader open(Path file) throws IOException {
        return CaptureFiles.open(file);
    }

    Format format();

    /**
     * The Interface Statistics Blocks read so far, in file order (pcapng only; a pcap file has
     * none). A writer such as dumpcap or cellscope's ring puts them at the end of a file, so they
     * are all here once {@link #next()} has returned null. Unreadable ones are skipped, not damage.
     */
    default List<InterfaceStatistics> statistics() {
        return List.of();
    }

    /**
     * Where in the file the data of {@code packet}, which this reader returned, starts; -1 when the
     * reader cannot say. Lets a face index a capture in one pass and read a frame again later
     * straight from the file (the GUI re-dissects the frame a person selects).
     */
    default long dataOffset(Packet packet) {
        return -1;
    }
}
