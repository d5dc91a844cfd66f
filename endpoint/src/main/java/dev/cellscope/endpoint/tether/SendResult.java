package dev.cellscope.endpoint.tether;

/**
 * How a transfer ended.
 *
 * @param status      CONFIRMED: the receiver confirmed the Manifest; otherwise why not
 * @param totalSlots  slots of the content
 * @param totalFrames data frames sent, retransmissions included (the last Manifest's total_frames)
 * @param checksum    CRC-64/GO-ISO of the content, as in the Manifest
 * @param elapsedNanos from start to the end, scheduler time
 * @param stats       the sender's counters at the end
 */
public record SendResult(Status status, long totalSlots, long totalFrames, long checksum, long elapsedNanos,
                         TetherStats stats) {
    /** SILENT: the receiver had answered, then nothing came from it for the silence timeout ({@link TetherSender#silenceTimeout}). */
    public enum Status { CONFIRMED, NO_HAIL, NO_CREDIT, UNCONFIRMED, DEADLINE, SILENT, CANCELLED }

    public boolean ok() {
        return status == Status.CONFIRMED;
    }
}
