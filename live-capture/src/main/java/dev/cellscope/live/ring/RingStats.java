package dev.cellscope.live.ring;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What a {@link RingWriter} has done since it was opened, for metrics and status lines.
 *
 * @param filesClosed        files finished (with their statistics blocks, unless a write error cut them)
 * @param filesDeleted       files deleted to keep the last N
 * @param bytesWritten       bytes handed to the operating system, all files together
 * @param packetsWritten     packets handed to the operating system
 * @param packetsPending     packets taken but still in the writer's buffer (flushed within the flush interval);
 *                           packets offered = written + pending + dropped
 * @param packetsDroppedDisk packets not written because the disk or directory was unusable
 * @param writeErrors        write, open, flush or delete errors (a full disk, a vanished directory)
 * @param lastError          the most recent error, or null
 * @param currentFile        the file being written, empty while writing is suspended after an error
 */
public record RingStats(long filesClosed, long filesDeleted, long bytesWritten, long packetsWritten,
                        long packetsPending, long packetsDroppedDisk, long writeErrors, String lastError, Optional<Path> currentFile) {

    /** No ring (the probe without {@code --ring}). */
    public static final RingStats NONE = new RingStats(0, 0, 0, 0, 0, 0, 0, null, Optional.empty());
}
