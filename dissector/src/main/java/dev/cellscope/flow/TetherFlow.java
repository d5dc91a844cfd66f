package dev.cellscope.flow;

import dev.cellscope.protocol.tether.TetherFlags;

/** Accumulates a {@link TetherFlowRow}. */
final class TetherFlow extends Flow {
    private final String sender, target;
    private final int flow;
    private long packets, bytes, blocks, dataFrames, grantsReceived, grantBytesReceived, bytesSpent;
    private long creditMin = FlowRow.NONE, lastCreditAfter = FlowRow.NONE, grantsSinceLast;
    private long overruns, lamps, nackSlotsSingleton, nackSlotsBulk, slotsResent;
    private String manifest = "none";
    private final Sample delays;

    TetherFlow(String sender, String target, int flow, long createdAt, FlowTable.Config config) {
        super(createdAt);
        this.sender = sender;
        this.target = target;
        this.flow = flow;
        delays = new Sample(config.samples());
    }

    /** A frame sent on this direction. */
    void frame(FrameFacts f) {
        own(f);
        packets++;
        bytes += f.wireLength();
        blocks += f.blocks;
        if (TetherFlags.isLamp((int) f.tetherFlags)) lamps++;
        if (flow != 0 && f.blocks > 1) dataFrames++;
        if (f.spent != FrameFacts.ABSENT) bytesSpent += f.spent;
        if (f.creditAfter != FrameFacts.ABSENT) {
            creditMin = creditMin == FlowRow.NONE ? f.creditAfter : Math.min(creditMin, f.creditAfter);
            lastCreditAfter = f.creditAfter;
            grantsSinceLast = 0;
        }
        if (f.overrun) overruns++;
        if (f.resent) slotsResent++;
        if (f.delay != FrameFacts.ABSENT) delays.add(f.delay);
    }

    /** A grant the target gave this sender for this flow. */
    void granted(long amount) {
        grantsReceived++;
        grantBytesReceived = saturatingAdd(grantBytesReceived, amount);
        grantsSinceLast = saturatingAdd(grantsSinceLast, amount);
    }

    void singletonNack() {
        nackSlotsSingleton++;
    }

    void bulkNack(long slots) {
        nackSlotsBulk += slots;
    }

    void manifest(boolean match) {
        manifest = match ? "yes" : "no";
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 || b < 0 ? Long.MAX_VALUE : r; // grants are u64: a "negative" one is huge
    }

    @Override
    TetherFlowRow row() {
        // Credit as the ledger keeps it: the last balance it reported plus the grants since.
        long fin = lastCreditAfter == FlowRow.NONE ? grantsSinceLast : saturatingAdd(lastCreditAfter, grantsSinceLast);
        return new TetherFlowRow(sender, target, flow, firstNanos, lastNanos, firstFrame, lastFrame, packets, bytes, blocks,
                dataFrames, grantsReceived, grantBytesReceived, bytesSpent, creditMin, fin, overruns, lamps,
                nackSlotsSingleton, nackSlotsBulk, slotsResent, manifest, delays.percentile(50), delays.percentile(99));
    }
}
