package dev.cellscope.session;

import dev.cellscope.io.CaptureReader;
import dev.cellscope.io.InterfaceInfo;
import dev.cellscope.io.InterfaceStatistics;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A capture file's interfaces and its pcapng Interface Statistics Blocks, where a capture says what it missed (read
 * {@code -z isb}). The blocks are not frames, so a session run does not hand them to its consumers; they are read here,
 * after the frames, by the package that opens captures for every face.
 *
 * @param interfaces the file's interfaces, in order
 * @param blocks     its statistics blocks, in file order
 */
public record CaptureStatistics(List<InterfaceInfo> interfaces, List<InterfaceStatistics> blocks) {

    /** Reads {@code file} to its end. */
    public static CaptureStatistics read(Path file) throws IOException {
        try (CaptureReader r = CaptureReader.open(file)) {
            while (r.next() != null) {
                // the blocks come after the frames
            }
            return new CaptureStatistics(List.copyOf(r.interfaces()), List.copyOf(r.statistics()));
        }
    }
}
