package dev.cellscope.endpoint.sbi;

/**
 * A snapshot of an {@link SbiPeer}'s counters (messages and bytes counted per direction);
 * {@code offersEvicted}: offers forgotten unfinished to keep {@link SbiPeerLimits}' bound.
 */
public record SbiCounters(long messagesIn, long messagesOut, long bytesIn, long bytesOut,
                          long acksSent, long acksReceived, long nacksSent, long nacksReceived,
                          long blocksStored, long blocksSent, long blocksRejected, long offersEvicted) {}
