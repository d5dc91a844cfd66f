package dev.cellscope.analysis;

import java.lang.foreign.MemorySegment;

/**
 * A UTCP-SBI message recovered whole from one direction's stream.
 *
 * @param msgIndex        0-based position in its direction ({@code sbi.msg_index})
 * @param indexUncertain  true after a hole the tap could not fill: messages may have been lost in it
 * @param op              the envelope's op
 * @param bytes           envelope + frame, {@code length} bytes from {@code offset}
 * @param frameOffset     where the message starts in the completing frame when it lies there whole, else -1
 * @param carriedBy       frames that carried its bytes, ascending (the frame completing the message may be
 *                        later: bytes held behind a hole are completed by the packet that fills it)
 * @param skippedBefore   bytes skipped to find this message after a hole (0 normally)
 * @param completedIn     the frame whose arrival completed the message had every hole before it been given up at
 *                        once: the latest frame that carried any stream byte up to its end. It is the frame a
 *                        message is reported on, except when it waited behind a hole given up later (that frame then
 *                        delivers it); a second pass, which knows the holes never filled, delivers it here
 * @param completedAtNanos the capture time of {@code completedIn}
 */
public record SbiDelivery(long msgIndex, boolean indexUncertain, int op, MemorySegment bytes, long offset, int length,
                          int frameOffset, long[] carriedBy, long skippedBefore, long completedIn, long completedAtNanos) {}
