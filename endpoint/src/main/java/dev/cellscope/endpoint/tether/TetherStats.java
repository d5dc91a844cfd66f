package dev.cellscope.endpoint.tether;

/**
 * A snapshot of an endpoint's counters. Grants and credit are in Tether bytes (header + blocks).
 *
 * @param framesSent        frames handed to the link (LAMP included)
 * @param bytesSent         their Tether bytes
 * @param framesReceived    frames that passed every check and were processed
 * @param grantsGiven       frames sent carrying a non-zero grant
 * @param grantBytesGiven   sum of those grants
 * @param grantBytesReceived sum of grants in frames received
 * @param creditMin         lowest data-flow balance left after a spend ({@code Long.MAX_VALUE} before any)
 * @param singletonNacks    singleton NACK headers (sent by a receiver, received by a sender)
 * @param bulkNacks         bulk Nack frames (sent by a receiver, received by a sender)
 * @param nackedSlots       slots named by those NACKs
 * @param resends           data slots sent again (sender)
 * @param crcDrops          frames dropped for a bad CRC-64
 * @param malformed         frames dropped as not Tether (length, magic); receiver: data frames that are not exactly their slot;
 *                          sender: NACKed slots it never sent (each entry)
 * @param misaddressed      frames dropped because their target is not this endpoint
 * @param duplicates        exact copies of a recently received frame, dropped
 * @param lampsSent         Lamps lit
 * @param lampsAnswered     Lamps answered with a Hail
 * @param regrants          receiver: grants re-issued after a stall (credit presumed lost)
 * @param refusedDefines    receiver: Defines refused (no Lamp exchange with that sender at that address, or over a limit)
 * @param strayFrames       receiver: data, probes and Manifests for a flow it has not accepted, or from another address than the flow's Define, dropped;
 *                          sender: frames claiming the receiver's ID from another address than the receiver's, dropped
 * @param abandonedFlows    receiver: flows dropped after hearing nothing from their sender for the idle time
 */
public record TetherStats(long framesSent, long bytesSent, long framesReceived, long grantsGiven, long grantBytesGiven,
                          long grantBytesReceived, long creditMin, long singletonNacks, long bulkNacks, long nackedSlots,
                          long resends, long crcDrops, long malformed, long misaddressed, long duplicates,
                          long lampsSent, long lampsAnswered, long regrants,
                          long refusedDefines, long strayFrames, long abandonedFlows) {
}
