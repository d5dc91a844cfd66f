package dev.cellscope.protocol.utcp;

/**
 * When a SYN with a new initial seq starts a new connection of a CellID pair that already has one. UTCP keys a
 * connection by the pair alone, so a peer that restarts or reconnects reuses it. The new SYN replaces the old
 * connection once that one is over for its sender: the sender's FIN was seen (it closed, perhaps exiting before the
 * last ACK), or nothing came from the sender for {@link #QUIET_NANOS} (it restarted; its SYN repeats at 0.1, 0.3,
 * 0.7, 1.5 s…, so it is in by about 1.5 s). A new SYN while the sender is still talking on the old connection is
 * ignored, since UTCP has no RST with which to ask the old peer. TCP takes a new SYN in TIME-WAIT the same way
 * (RFC 1122 4.2.2.13). The peer ({@code UtcpConnection}) and the tap ({@code UtcpAnalysis}, a new
 * {@code utcp.stream}) apply this one rule.
 */
public final class UtcpReconnect {
    private UtcpReconnect() {}

    /** Silence from the sender after which its SYN with a new seq replaces the connection. */
    public static final long QUIET_NANOS = 1_000_000_000L;

    /**
     * @param oldIsn         the initial seq that opened the sender's direction, or -1 if no SYN was seen
     * @param newIsn         the seq of the SYN that just arrived
     * @param senderFinished the sender's FIN was seen (or the connection is closed both ways)
     * @param silentNanos    time since anything last came from the sender on the old connection
     */
    public static boolean replaces(long oldIsn, long newIsn, boolean senderFinished, long silentNanos) {
        return oldIsn >= 0 && newIsn != oldIsn && (senderFinished || silentNanos >= QUIET_NANOS);
    }
}
