package dev.cellscope.live.ring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link RingWriter} names, rotates, keeps and flushes its files. The rotation limits work
 * like dumpcap's {@code -b filesize:/duration:/packets:} and whichever is reached first closes the
 * file; 0 (or {@link Duration#ZERO}) turns a limit off.
 *
 * @param directory     where the files go; created (again) when missing
 * @param prefix        file names are {@code <prefix>_<5-digit index>_<YYYYMMDDhhmmss UTC>.pcapng}
 * @param fileBytes     close a file once it holds at least this many bytes (like dumpcap, a file
 *                      can exceed it by less than one packet and the closing statistics)
 * @param fileDuration  close a file once it has been open this long, even when no packets come
 * @param filePackets   close a file once it holds this many packets
 * @param files         keep at most this many files (the one being written included), deleting the
 *                      oldest; 0 keeps all
 * @param flushPackets  hand buffered blocks to the OS after this many packets...
 * @param flushInterval ...or once this much time has passed since the last flush, whichever first:
 *                      after {@code kill -9} the file being written lacks at most that much
 * @param force         also fsync at every flush and close (survives a machine crash; costs I/O)
 * @param retryInterval after a write error, how long to drop packets before trying a new file
 */
public record RingConfig(Path directory, String prefix, long fileBytes, Duration fileDuration, long filePackets,
                         int files, int flushPackets, Duration flushInterval, boolean force, Duration retryInterval) {

    public RingConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.isEmpty() || prefix.contains("/") || prefix.contains("\0")) {
            throw new IllegalArgumentException("ring file prefix must be a plain, non-empty name: '" + prefix + "'");
        }
        if (fileBytes < 0 || filePackets < 0 || files < 0 || flushPackets < 1) {
            throw new IllegalArgumentException("ring limits must be >= 0 (flushPackets >= 1)");
        }
        if (fileDuration.isNegative() || !flushInterval.isPositive() || !retryInterval.isPositive()) {
            throw new IllegalArgumentException("ring durations: fileDuration >= 0, flush and retry intervals > 0");
        }
    }

    /**
     * No rotation, every file kept; flush every 1000 packets or 1 s; no fsync; retry after an error every 1 s.
     */
    public static RingConfig of(Path directory, String prefix) {
        return new RingConfig(directory, prefix, 0, Duration.ZERO, 0, 0, 1000, Duration.ofSeconds(1), false,
                Duration.ofSeconds(1));
    }

    public RingConfig withFileBytes(long bytes) {
        return new RingConfig(directory, prefix, bytes, fileDuration, filePackets, files, flushPackets, flushInterval,
                force, retryInterval);
    }

    public RingConfig withFileDuration(Duration duration) {
        return new RingConfig(directory, prefix, fileBytes, duration, filePackets, files, flushPackets, flushInterval,
                force, retryInterval);
    }

    public RingConfig withFilePackets(long packets) {
        return new RingConfig(directory, prefix, fileBytes, fileDuration, packets, files, flushPackets, flushInterval,
                force, retryInterval);
    }

    public RingConfig withFiles(int keep) {
        return new RingConfig(directory, prefix, fileBytes, fileDuration, filePackets, keep, flushPackets,
                flushInterval, force, retryInterval);
    }

    public RingConfig withFlush(int packets, Duration interval, boolean fsync) {
        return new RingConfig(directory, prefix, fileBytes, fileDuration, filePackets, files, packets, interval, fsync,
                retryInterval);
    }

    public RingConfig withRetryInterval(Duration retry) {
        return new RingConfig(directory, prefix, fileBytes, fileDuration, filePackets, files, flushPackets,
                flushInterval, force, retry);
    }
}
