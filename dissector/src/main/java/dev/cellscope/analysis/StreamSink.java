package dev.cellscope.analysis;

import java.lang.foreign.MemorySegment;

/** Receives one direction's stream bytes in seq order, with the holes the tap could not fill. */
interface StreamSink {

    /**
     * {@code len} in-order bytes of {@code seg} from {@code off}: the payload of the packet at seq
     * position {@code seq}, carried by frame {@code frame} (captured at {@code nanos}).
     */
    void bytes(long seq, MemorySegment seg, long off, int len, long frame, int frameOffset, long nanos);

    /** {@code missingSeqs} packets of unknown size were never delivered; the next bytes follow the hole. */
    void hole(long missingSeqs, long frame);

    /**
     * The packet at seq {@code seq}, carried by frame {@code frame}, was seen but its payload was not
     * captured whole (snaplen cut it): its bytes are unknown, a hole of one packet seen by the tap.
     */
    default void uncaptured(long seq, long frame) {
        hole(1, frame);
    }
}
