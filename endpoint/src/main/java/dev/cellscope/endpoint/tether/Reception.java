package dev.cellscope.endpoint.tether;

/**
 * A flow the receiver finished: every slot arrived and a Manifest closed it.
 *
 * @param sender        the sender's identity
 * @param flow          the data flow
 * @param data          the reassembled content, exactly Define's total_bytes long (paged, see {@link FlowContent})
 * @param checksumOk    the Manifest's checksum equals CRC-64/GO-ISO of the content
 * @param totalsOk      the Manifest's total_slots equals the Define's slot count and total_frames is at least that
 * @param manifestFrames the Manifest's total_frames
 * @param framesReceived distinct-copy data frames this receiver accepted (wire duplicates excluded);
 *                      {@code manifestFrames - framesReceived} estimates frames lost or corrupted on the way
 */
public record Reception(long sender, int flow, FlowContent data, boolean checksumOk, boolean totalsOk,
                        long manifestFrames, long framesReceived) {
    public boolean ok() {
        return checksumOk && totalsOk;
    }

    /** The content as one array (a copy: for large flows prefer {@link FlowContent#writeTo}). */
    public byte[] content() {
        return data.toArray();
    }
}
