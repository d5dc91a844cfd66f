package dev.cellscope.replay;

import java.lang.foreign.MemorySegment;

/** Where replayed frames go: an interface ({@link InterfaceSender}) or, in tests, a recorder. */
public interface FrameSender extends AutoCloseable {

    /** The most frames one {@link #send} takes. */
    int maxBatch();

    /**
     * Sends {@code frames[from .. from+count)} (native segments, whole Ethernet frames); returns how
     * many went, at least one.
     *
     * @throws FrameRefused when the frame at {@code from} cannot be sent on its own (too large for the
     *                      MTU): it is skipped and counted, and the replay goes on
     */
    int send(MemorySegment[] frames, int from, int count);

    /** Readies the send path before the clock starts (native linking, JIT); nothing by default. */
    default void warmUp() {}

    /**
     * This sender as a rehearsal: the same path up to the kernel, nothing sent ({@link Replayer}
     * runs its loop through it before the clock starts, so the JIT is done by the first frame);
     * null (the default) for none.
     */
    default FrameSender rehearsal() {
        return null;
    }

    /** How the frames leave, for the end report ("AF_XDP copy mode…"); null (the default) says nothing. */
    default String transmitPath() {
        return null;
    }

    @Override
    void close();

    /** One frame the interface refused (and why), not a failure of the interface. */
    final class FrameRefused extends RuntimeException {
        public FrameRefused(String message) {
            super(message);
        }
    }
}
