package dev.cellscope.flow;

import java.util.Arrays;

/** Accumulates an {@link SbiFlowRow}. */
final class SbiFlow extends Flow {
    private final String cellA, cellB;
    private long messages, puts, verified, failed, putDataBytes, verifiedCompressed, verifiedUncompressed;
    private final long[] byOp = new long[SbiFlowRow.OPS.size() + 1];
    private final long[] byError = new long[SbiFlowRow.ERRORS.size() + 1];
    private String handshake = "none", compression = "";
    private final Sample latencies;

    SbiFlow(String cellA, String cellB, long createdAt, FlowTable.Config config) {
        super(createdAt);
        this.cellA = cellA;
        this.cellB = cellB;
        latencies = new Sample(config.samples());
    }

    /** The messages a frame between the two peers completed. */
    void frame(FrameFacts f) {
        own(f);
        count(f);
    }

    /**
     * A message released when the capture ended, completed by frame {@code f.number} (earlier than
     * the frames already counted, possibly): counted, and the span widened to include that frame.
     */
    void released(FrameFacts f) {
        if (firstNanos == FlowRow.NONE || f.number < firstFrame) {
            firstNanos = f.time;
            firstFrame = f.number;
        }
        if (lastFrame == FlowRow.NONE || f.number > lastFrame) {
            lastNanos = f.time;
            lastFrame = f.number;
        }
        count(f);
    }

    private void count(FrameFacts f) {
        messages += f.messages;
        for (int i = 0; i < byOp.length; i++) byOp[i] += f.byOp[i];
        for (int i = 0; i < byError.length; i++) byError[i] += f.byError[i];
        puts += f.puts;
        verified += f.verified;
        failed += f.failed;
        putDataBytes += f.putDataBytes;
        verifiedCompressed += f.verifiedCompressed;
        verifiedUncompressed += f.verifiedUncompressed;
        for (int i = 0; i < f.latencyCount; i++) latencies.add(f.latencies[i]);
        if (f.handshakeMissing != FrameFacts.ABSENT) {
            // The second HANDSHAKE of a pair carries the outcome; a later pair replaces it.
            handshake = f.handshakeMissing == 0 ? "ok" : "missing_required_features";
            compression = f.compression == null ? "" : f.compression;
        }
    }

    @Override
    SbiFlowRow row() {
        int want = SbiFlowRow.OPS.indexOf(0x10);
        return new SbiFlowRow(cellA, cellB, firstNanos, lastNanos, firstFrame, lastFrame, messages,
                Arrays.stream(byOp).boxed().toList(), handshake, compression, byOp[want], puts, verified, failed,
                putDataBytes, verifiedCompressed, verifiedUncompressed, latencies.percentile(50), latencies.percentile(99),
                Arrays.stream(byError).boxed().toList());
    }
}
