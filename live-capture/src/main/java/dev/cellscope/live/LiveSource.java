package dev.cellscope.live;

import dev.cellscope.io.PacketSource;

/**
 * A live interface as a {@link PacketSource}: {@link #next()} blocks until a frame arrives,
 * {@link #cancel()} (any thread) makes it return null at once, {@link #stop()} (any thread)
 * ends the capture gracefully: frames the kernel already captured are still delivered (those in
 * a ring block it was still filling too: a backend waits out one buffer timeout for it), then
 * next() returns null as at the end of a file. {@link #totalBytes()} is empty.
 *
 * <p>Each {@link dev.cellscope.io.Packet} owns its bytes (the session may hold a frame while it
 * reads ahead), numbered from 1, on interface 0 with the interface's link type.
 */
public interface LiveSource extends PacketSource {

    /** Counters so far; any thread, any time, also after {@link #close()} (then the final ones). */
    CaptureStats stats();

    /** Ends the capture after the frames already captured; next() then returns null. Any thread. */
    void stop();

    /** The backend that opened this source ({@code pcap}, {@code afpacket}...). */
    String backend();

    /**
     * How the backend runs, when it has modes worth saying ("XDP native, copy mode, 2 queues, busy poll
     * off"), for the start-up line; empty otherwise.
     */
    default String mode() {
        return "";
    }

    /** Per receive queue counters, for a source that reads several queues itself (xdp); empty otherwise. Any thread. */
    default java.util.List<QueueStats> queueStats() {
        return java.util.List.of();
    }

    /**
     * One receive queue's share: frames it delivered (before the reader's filter-free hand-off) and
     * frames the kernel dropped on it.
     */
    record QueueStats(int queue, long frames, long dropped) {
    }
}
