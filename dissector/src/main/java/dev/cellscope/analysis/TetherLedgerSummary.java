package dev.cellscope.analysis;

/**
 * Capture-level view of the Tether ledger.
 *
 * @param frames              frames observed
 * @param untrackedFrames     frames not accounted because the flow table was full
 * @param corruptFrames       frames not accounted because their CRC-64 was bad
 * @param flows               (sender, target, flow) directions tracked
 * @param overruns            grant overruns
 * @param deficitBytes        sum of the overruns' deficits (saturating)
 * @param lamps               LAMP-flagged frames
 * @param lampsAnswered       Lamps answered by a Hail
 * @param retransmissions     re-sends: data frames whose slot an earlier NACK asked for
 * @param manifestsMatched    Manifests whose totals matched what the tap saw
 * @param manifestsMismatched Manifests whose totals did not
 */
public record TetherLedgerSummary(long frames, long untrackedFrames, long corruptFrames, int flows, long overruns, long deficitBytes,
                                  long lamps, long lampsAnswered, long retransmissions, long manifestsMatched,
                                  long manifestsMismatched) {
}
