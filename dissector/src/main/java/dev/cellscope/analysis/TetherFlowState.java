package dev.cellscope.analysis;

import dev.cellscope.analysis.TetherFlowStats.ManifestMatch;

import java.util.HashMap;
import java.util.Map;

/**
 * Mutable state of one direction of one flow ({@code sender} → {@code target} on {@code flow}).
 * Everything here is O(1) in the number of frames: counters, the credit balance, and three
 * capped structures created on first use (seen slots, outstanding NACKs, delay sample).
 */
final class TetherFlowState {
    /** Map key: one direction of one flow. */
    record Key(long sender, long target, int flow) {}

    /** A NACK of a slot, kept until the slot is re-sent. */
    record PendingNack(long frame, long timestampNanos) {}

    /** The Define that announced this flow. */
    record Definition(long slotSize, long totalBytes, long frame) {
        /** Number of slots, {@code ceil(totalBytes / slotSize)} in unsigned arithmetic; -1 (all ones) if slotSize is 0. */
        long slotCount() {
            return slotSize == 0 ? -1 : dev.cellscope.protocol.tether.TetherSlots.count(totalBytes, slotSize);
        }
    }

    final Key key;
    private final TetherLedger.Limits limits;

    long credit, creditMin;
    long packets, bytes, dataFrames, grantsReceived, grantBytesReceived, bytesSpent, overruns, lamps;
    long nackSlotsSingleton, nackSlotsBulk, slotsResent;
    long firstTimestamp = TetherFlowStats.NO_VALUE, lastTimestamp = TetherFlowStats.NO_VALUE;
    Definition definition;
    /** The content checksum of this data direction, from its Define on; null before one. */
    TetherContentCheck content;
    ManifestMatch manifest = ManifestMatch.NONE;
    boolean undefinedReported, slotCapReported, nackCapReported;
    /**
     * On flow 0: snaplen cut a control message of this direction, so a Define or a bulk Nack it sent may be unknown;
     * the findings that rest on their absence are not made for its flows (DECISIONS.md, "Snaplen").
     */
    boolean controlUncaptured;
    /** The Lamp sent to this direction's sender that awaits its reply from it, or NONE. */
    long lampFrame = TetherFrameResult.NONE, lampTimestamp;

    private TetherSlotSet seen;
    private Map<Long, PendingNack> pending;
    private TetherDelaySample delays;

    TetherFlowState(Key key, TetherLedger.Limits limits) {
        this.key = key;
        this.limits = limits;
    }

    /** Spends {@code amount} (0 for LAMP) and returns the balance before. */
    long spend(long amount) {
        long before = credit;
        credit = saturatingSub(credit, amount);
        bytesSpent = saturatingAdd(bytesSpent, amount);
        creditMin = Math.min(creditMin, credit);
        return before;
    }

    /** Adds an unsigned {@code grant} (a u64 above 2^63 saturates). */
    void grant(long grant) {
        grantsReceived++;
        grantBytesReceived = saturatingAdd(grantBytesReceived, grant);
        credit = saturatingAdd(credit, grant);
    }

    void countPacket(TetherObservation o) {
        packets++;
        bytes += o.tetherLength();
        if (o.lamp()) lamps++;
        if (firstTimestamp == TetherFlowStats.NO_VALUE) firstTimestamp = o.timestampNanos();
        lastTimestamp = o.timestampNanos();
    }

    void addDelay(long delay) {
        if (delays == null) delays = new TetherDelaySample(limits.delaySamplesPerFlow());
        delays.add(delay);
    }

    TetherSlotSet seen() {
        if (seen == null) seen = new TetherSlotSet(limits.maxSlotRangesPerFlow());
        return seen;
    }

    long distinctSlots() {
        return seen == null ? 0 : seen.distinct();
    }

    boolean slotsSaturated() {
        return seen != null && seen.saturated();
    }

    /**
     * Records a NACK of {@code slot}; an already outstanding NACK of the same slot is kept (the
     * re-send answers the oldest request). False when the slot could not be recorded (cap).
     */
    boolean nack(long slot, long frame, long timestamp) {
        if (pending == null) pending = new HashMap<>();
        if (pending.containsKey(slot)) return true;
        if (pending.size() >= limits.maxOpenNacksPerFlow()) return false;
        pending.put(slot, new PendingNack(frame, timestamp));
        return true;
    }

    /** Removes and returns the outstanding NACK of {@code slot}, or null. */
    PendingNack takeNack(long slot) {
        return pending == null ? null : pending.remove(slot);
    }

    /** Outstanding NACKed slots in unsigned order, at most {@code limit} of them. */
    long[] outstanding(int limit) {
        if (pending == null) return new long[0];
        return pending.keySet().stream().sorted(Long::compareUnsigned).limit(limit).mapToLong(Long::longValue).toArray();
    }

    int outstandingCount() {
        return pending == null ? 0 : pending.size();
    }

    /** Entries held in the capped structures, for the memory tests. */
    long retainedEntries() {
        return (seen == null ? 0 : seen.ranges()) + outstandingCount() + (delays == null ? 0 : delays.retained());
    }

    TetherFlowStats snapshot() {
        long p50 = delays == null ? TetherFlowStats.NO_VALUE : delays.percentile(0.50, TetherFlowStats.NO_VALUE);
        long p99 = delays == null ? TetherFlowStats.NO_VALUE : delays.percentile(0.99, TetherFlowStats.NO_VALUE);
        return new TetherFlowStats(key.sender(), key.target(), key.flow(), packets, bytes, bytes / 64, dataFrames,
                distinctSlots(), grantsReceived, grantBytesReceived, bytesSpent, creditMin, credit, overruns, lamps,
                nackSlotsSingleton, nackSlotsBulk, slotsResent, outstandingCount(), manifest, p50, p99,
                firstTimestamp, lastTimestamp);
    }

    /** {@code a + b} for a non-negative {@code a}-like balance and an unsigned {@code b}, clamped at Long.MAX_VALUE. */
    static long saturatingAdd(long a, long unsignedB) {
        if (unsignedB < 0) return Long.MAX_VALUE;
        long r = a + unsignedB;
        return ((a ^ r) & (unsignedB ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    static long saturatingSub(long a, long b) {
        long r = a - b;
        return ((a ^ b) & (a ^ r)) < 0 ? Long.MIN_VALUE : r;
    }
}
