package dev.cellscope.io;

import java.io.IOException;
import java.nio.file.Path;

/** Opens capture files by magic. (Being written: pcap and pcapng readers.) */
final class CaptureFiles {
    private CaptureFiles() {}

    static CaptureReader open(Path file) throws IOException {
        throw new CaptureFormatException("capture reading is not built yet: " + file);
    }
}
