package dev.cellscope.flow;

/**
 * One UTCP direction (the DATA of one side of a conversation) over time: what a Stevens
 * graph draws.
 *
 * @param stream          conversation index ({@code utcp.stream})
 * @param index           0 for the stream's first direction seen, 1 for the other
 * @param src             sender CellID, 32 hex digits
 * @param dst             receiver CellID, 32 hex digits
 * @param data            seq of every DATA packet, at its capture time
 * @param retransmissions seq of every DATA packet analysis calls a retransmission
 * @param nacks           the first seq of every range a NACK (sent the other way) asks for, at the NACK's time
 * @param dataBytes       DATA payload bytes, retransmissions included
 */
public record SeriesUtcpDirection(long stream, int index, String src, String dst, SeriesXY data, SeriesXY retransmissions,
                                  SeriesXY nacks, long dataBytes) {

    /** {@code STREAM:INDEX} as {@code cellscope plot --flow} takes it. */
    public String id() {
        return stream + ":" + index;
    }

    /** Short form for titles and lists: {@code 0:0 7eb397dd… → fed93f8c…}. */
    public String label() {
        return id() + " " + src.substring(0, 8) + "… → " + dst.substring(0, 8) + "…";
    }
}
