package dev.cellscope.probe;

/**
 * What a capture-file writer (a pcapng ring, {@code --ring}) reports: files it finished, and
 * frames it could not write (a full disk, a vanished directory) while capture and analysis went on.
 */
public record RingStats(long filesWritten, long framesNotWritten) {
    public static final RingStats NONE = new RingStats(0, 0);
}
