package dev.cellscope.nativetap.packet;

import java.lang.foreign.MemorySegment;

/**
 * Frames out of an interface in batches: AF_PACKET's {@link FrameTransmitter} (sendmmsg) or AF_XDP's
 * {@link XdpTransmitter} (TX ring). One contract, so the replay's pacing and its rehearsal are written
 * once over either.
 */
public interface BatchTransmitter extends AutoCloseable {
    /** The most frames one {@link #send} takes. */
    int maxBatch();

    /**
     * Sends {@code count} frames from {@code frames[from]}; returns how many left (fewer when the
     * kernel's queue is full: the caller sends the rest again).
     *
     * @throws FrameTransmitter.FrameRefusedException for a frame the kernel will not send (too long), the
     *         frames before it sent
     * @throws PacketSocketException for anything else, in one line
     */
    int send(MemorySegment[] frames, int from, int count);

    /** Everything {@link #send} does but the system call: the replay's warm-up runs the same code. */
    int rehearse(MemorySegment[] frames, int from, int count);

    /** {@code times} empty sends, so the downcall is compiled before the first timed frame. */
    void warmUp(int times);

    /** How frames leave, for a report ("AF_XDP copy mode, queue 0"); null when there is nothing to say. */
    default String describe() {
        return null;
    }

    @Override
    void close();
}
