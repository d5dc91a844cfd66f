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
}
