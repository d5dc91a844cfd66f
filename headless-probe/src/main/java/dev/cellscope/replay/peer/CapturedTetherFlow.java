package dev.cellscope.replay.peer;

import java.util.List;

/**
 * One Tether flow of a capture, as {@code replay --as tether-sender} replays it: the sender's
 * Define and last Manifest, the content reassembled from its data slots, and what the receiver
 * answered.
 *
 * @param sender           the sender's Tether ID
 * @param receiver         the receiver's Tether ID
 * @param flow             the data flow
 * @param slotSize         Define's slot_size
 * @param totalBytes       Define's total_bytes
 * @param manifestChecksum the last Manifest's CRC-64 of the content
 * @param manifestSlots    its total_slots
 * @param manifestFrames   its total_frames
 * @param content          exactly total_bytes bytes (padding cut), or null when {@code problem} is set
 * @param answers          the receiver's answers to the sender, in capture order
 * @param problem          why the flow cannot be replayed (no Define, slots or Manifest missing), else null
 */
public record CapturedTetherFlow(long sender, long receiver, int flow, long slotSize, long totalBytes, long manifestChecksum,
                                 long manifestSlots, long manifestFrames, byte[] content, List<TetherAnswer> answers, String problem) {
    public CapturedTetherFlow {
        answers = List.copyOf(answers);
    }
}
