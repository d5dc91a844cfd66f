package dev.cellscope.endpoint.utcp;

/**
 * What an endpoint's NetSwitch rule did with received frames.
 *
 * @param unknownDst     dropped: the dst CellID is not one of ours
 * @param srcNotAllowed  dropped: the src CellID is outside the allow-list
 * @param malformed      dropped: too short for a header, or payload_len beyond the frame
 * @param noConnection   passed the switch but matched no connection (and was not a SYN we accept)
 * @param accepted       handed to a connection
 * @param evicted        connections aborted to make room for a new peer (a connection cap was reached)
 * @param refused        SYNs dropped because a cap was reached and no connection could be evicted
 * @param replaced       connections given up for the same peer's SYN with a new seq (the peer restarted or
 *                       reconnected while the old one lingered or waited for the ACK of our FIN)
 */
public record SwitchCounters(long unknownDst, long srcNotAllowed, long malformed, long noConnection, long accepted,
                             long evicted, long refused, long replaced) {}
